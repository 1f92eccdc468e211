import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { listeningSockets, parseProcNetTcp, portListeners } from '../../../src/adapters/drivers/port-listeners.js';
import { ipKey, serves, servicePort } from '../../../src/adapters/drivers/service-port.js';
import { freePort, killPid } from './driver-contract.js';

const V4_LOOPBACK = '00000000000000000000ffff7f000001';
const V6_LOOPBACK = '00000000000000000000000000000001';

describe('ipKey', () => {
  test('every spelling of an IPv6 address has one key: the full form and the compressed one URL parsing gives', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((g) => g.toString(16)).join(':');
        const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        const expected = groups.map((g) => g.toString(16).padStart(4, '0')).join('');
        assert.equal(ipKey(full), expected);
        assert.equal(ipKey(compressed), expected, `${compressed} (of ${full})`);
        assert.equal(ipKey(full.toUpperCase()), expected);
      }),
    );
  });

  test('an IPv4 address and its IPv4-mapped IPv6 spellings have one key', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), (bytes) => {
        const v4 = bytes.join('.');
        const key = ipKey(v4);
        assert.equal(key, `00000000000000000000ffff${bytes.map((b) => b.toString(16).padStart(2, '0')).join('')}`);
        assert.equal(ipKey(`::ffff:${v4}`), key);
        assert.equal(ipKey(new URL(`http://[::ffff:${v4}]/`).hostname.slice(1, -1)), key);
      }),
    );
  });

  test('a name is no address', () => {
    assert.equal(ipKey('localhost'), undefined);
    assert.equal(ipKey('example.com'), undefined);
  });
});

describe('servicePort', () => {
  test('the port an address leads to on this machine, and the addresses it reaches', () => {
    assert.deepEqual(servicePort('http://127.0.0.1:8080/health'), { port: 8080, ips: [V4_LOOPBACK] });
    assert.deepEqual(servicePort('https://127.0.0.1'), { port: 443, ips: [V4_LOOPBACK] });
    assert.deepEqual(servicePort('http://[::1]:9000'), { port: 9000, ips: [V6_LOOPBACK] });
    assert.deepEqual(servicePort('http://localhost:3000'), { port: 3000, ips: [V4_LOOPBACK, V6_LOOPBACK] });
    assert.deepEqual(servicePort('http://0.0.0.0:3000'), { port: 3000 });
  });

  test('no port where the address leads elsewhere, names none, or is no URL', () => {
    for (const address of [undefined, 'http://192.0.2.1:8080', 'http://example.com:8080', 'tcp://127.0.0.1', 'not a url', 'http://127.0.0.1:${PORT}']) {
      assert.equal(servicePort(address), undefined, String(address));
    }
  });

  test('which listeners take a connection to an address: the same address, or a wildcard of its family (:: takes IPv4 too)', () => {
    const v4Any = ipKey('0.0.0.0')!;
    const v6Any = ipKey('::')!;
    assert.equal(serves(V4_LOOPBACK, [V4_LOOPBACK]), true);
    assert.equal(serves(v4Any, [V4_LOOPBACK]), true);
    assert.equal(serves(v6Any, [V4_LOOPBACK]), true);
    assert.equal(serves(v4Any, [V6_LOOPBACK]), false);
    assert.equal(serves(V6_LOOPBACK, [V4_LOOPBACK]), false);
    assert.equal(serves(ipKey('127.0.0.53')!, [V4_LOOPBACK]), false);
    assert.equal(serves(ipKey('127.0.0.53')!, undefined), true);
  });
});

describe('parseProcNetTcp', () => {
  test('reads the listening sockets of /proc/net/tcp and tcp6, and only those', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 12399 1 0000000000000000 20 4 30 10 -1',
      '   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp), [
      { ip: V4_LOOPBACK, port: 8080, inode: '12345' },
      { ip: ipKey('0.0.0.0'), port: 22, inode: '777' },
    ]);
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
      '   1: 0000000000000000FFFF00000100007F:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp6), [
      { ip: V6_LOOPBACK, port: 3000, inode: '4242' },
      { ip: V4_LOOPBACK, port: 80, inode: '4343' },
    ]);
  });
});

/** A server of this process listening on `host`, port chosen by the system; closed when the test ends. */
async function listen(t: TestContext, host: string, port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { server, port: (server.address() as { port: number }).port };
}

/** The socket inodes this process holds. */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

// /proc is Linux's; elsewhere portListeners tells nothing (undefined), which the local driver takes as "alive is all it knows".
if (process.platform === 'linux')
  describe('portListeners, on real sockets', () => {
    test('finds the listening sockets of this process, IPv4 and IPv6, each by its own inode', async (t) => {
      const v4 = await listen(t, '127.0.0.1');
      const v6 = await listen(t, '::1');
      const sockets = (await listeningSockets())!;
      const own = ownSocketInodes();
      const mine = sockets.filter((s) => own.has(s.inode)).map((s) => [s.ip, s.port]);
      assert.deepEqual(
        mine.filter(([, port]) => port === v4.port || port === v6.port).sort(),
        [
          [V4_LOOPBACK, v4.port],
          [V6_LOOPBACK, v6.port],
        ].sort(),
      );
    });

    test('the service holding its port is ours; another pid holding it is named', async (t) => {
      const { port } = await listen(t, '127.0.0.1');
      const where = servicePort(`http://127.0.0.1:${port}`)!;
      assert.deepEqual(await portListeners(where, process.pid), { listening: true, ours: true });
      const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
      t.after(() => killPid(stranger.pid!));
      const seen = await portListeners(where, stranger.pid!);
      assert.deepEqual({ ...seen, foreign: { pid: seen?.foreign?.pid } }, { listening: true, ours: false, foreign: { pid: process.pid } });
      assert.equal(typeof seen?.foreign?.name, 'string');
    });

    test('a port nobody listens on: not listening; a listener on another loopback address of that port does not count', async (t) => {
      const { port } = await listen(t, '127.0.0.2');
      assert.deepEqual(await portListeners(servicePort(`http://127.0.0.1:${port}`)!, process.pid), { listening: false, ours: false });
      assert.deepEqual(await portListeners(servicePort(`http://127.0.0.2:${port}`)!, process.pid), { listening: true, ours: true });
    });

    test('a process started by the service (its child, in its process group) holding the port is the service', async (t) => {
      const port = await freePort();
      // A launcher that starts the listener and waits for it, as `npm start` does.
      const listener = `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('up'))`;
      const launcher = spawn(
        process.execPath,
        ['-e', `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(listener)}], { stdio: 'inherit' })`],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          detached: true,
        },
      );
      t.after(() => killPid(launcher.pid!));
      await new Promise((resolve) => launcher.stdout.once('data', resolve));
      const where = servicePort(`http://127.0.0.1:${port}`)!;
      assert.deepEqual(await portListeners(where, launcher.pid!), { listening: true, ours: true });
      const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
      t.after(() => killPid(stranger.pid!));
      const other = await portListeners(where, stranger.pid!);
      assert.equal(other?.ours, false, 'to another process it is foreign');
      assert.ok(
        other?.foreign?.pid !== undefined && other.foreign.pid !== launcher.pid,
        'the holder named is the listener itself: the launcher holds no socket',
      );
    });
  });
