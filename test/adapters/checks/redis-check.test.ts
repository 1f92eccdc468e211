import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { RunnableCheck } from '../../../src/ports/check-runner.js';
import { closedPort } from '../../support/ports.js';

// The Redis of this machine: 127.0.0.1:6379, no password.
const runner = new RealCheckRunner();
const redis = (spec: Record<string, unknown>, timeoutMs = 2000): RunnableCheck => ({ kind: 'redis', name: 'cache answers', spec, timeoutMs });

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

describe('redis check', () => {
  test('passes when Redis answers PONG, by host and port', async () => {
    const result = await runner.run(redis({ host: '127.0.0.1', port: 6379 }));
    assert.deepEqual([result.ok, result.message], [true, '127.0.0.1:6379 answered PONG']);
  });

  test('passes when Redis answers PONG, by url with the port as text', async () => {
    const result = await runner.run(redis({ url: 'redis://127.0.0.1:6379' }));
    assert.deepEqual([result.ok, result.message], [true, '127.0.0.1:6379 answered PONG']);
  });

  test('fails on a port where nothing listens', async () => {
    const port = await closedPort();
    const result = await runner.run(redis({ url: `redis://127.0.0.1:${port}` }));
    assert.deepEqual([result.ok, result.message], [false, `could not reach 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });

  test('sends AUTH for a password in the url and reports the refusal without the password', async () => {
    const result = await runner.run(redis({ url: 'redis://:pw-Secret-77@127.0.0.1:6379' }));
    assert.equal(result.ok, false);
    assert.match(result.message, /^127\.0\.0\.1:6379 refused AUTH: ERR AUTH <password> called without any password configured/);
    assert.ok(!result.message.includes('pw-Secret-77'), result.message);
  });

  test('fails on a server that does not speak Redis', async () => {
    const port = await serve((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const result = await runner.run(redis({ host: '127.0.0.1', port }));
    assert.deepEqual([result.ok, result.message], [false, `127.0.0.1:${port} did not answer PING: Unknown RESP type 72 "H"`]);
  });

  test('fails on a server that answers PING with something other than PONG', async () => {
    const port = await serve((socket) => socket.once('data', () => socket.write('+HELLO\r\n')));
    const result = await runner.run(redis({ host: '127.0.0.1', port }));
    assert.deepEqual([result.ok, result.message], [false, `127.0.0.1:${port} answered PING with "HELLO", not PONG`]);
  });

  test('fails on a server that closes the connection', async () => {
    const port = await serve((socket) => socket.destroy());
    const result = await runner.run(redis({ host: '127.0.0.1', port }));
    assert.deepEqual([result.ok, result.message], [false, `127.0.0.1:${port} did not answer PING: Socket closed unexpectedly`]);
  });

  test('times out on a server that never answers, before or after AUTH', async () => {
    const port = await serve(() => undefined);
    for (const spec of [{ host: '127.0.0.1', port }, { url: `redis://:pw@127.0.0.1:${port}` }]) {
      const result = await runner.run(redis(spec, 200));
      assert.deepEqual([result.ok, result.message], [false, `no answer from 127.0.0.1:${port} within 200ms`]);
    }
  });

  test('a refusal that quotes the password of the url shows it masked', async () => {
    const port = await serve((socket) => socket.once('data', (data) => socket.write(`-ERR no such password: ${/pw-Quoted-91/.exec(String(data))?.[0]}\r\n`)));
    const result = await runner.run(redis({ url: `redis://:pw-Quoted-91@127.0.0.1:${port}` }));
    assert.equal(result.ok, false);
    assert.match(result.message, /^127\.0\.0\.1:\d+ refused AUTH: ERR no such password: \[secret\]$/);
  });

  test('is cancelled by its signal', async () => {
    const port = await serve(() => undefined);
    const controller = new AbortController();
    const running = runner.run(redis({ host: '127.0.0.1', port }, 60_000), controller.signal);
    controller.abort();
    const result = await running;
    assert.deepEqual([result.ok, result.message], [false, `pinging 127.0.0.1:${port}: cancelled`]);
  });

  test('connects once and leaves nothing behind that keeps the process alive, whatever the server does', async () => {
    for (const behaviour of [(socket: Socket) => socket.destroy(), () => undefined, (socket: Socket) => socket.end('-ERR go away\r\n')]) {
      let connections = 0;
      const port = await serve((socket) => {
        connections++;
        behaviour(socket);
      });
      // The child prints the check's message and then has nothing left to do: it exits only if the client keeps no socket, timer or retry.
      const script = `import { runRedisCheck } from ${JSON.stringify(CHECK_MODULE)};
const outcome = await runRedisCheck({ kind: 'redis', name: 'x', spec: { host: '127.0.0.1', port: ${port} }, timeoutMs: 300 });
console.log(outcome.message);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, out);
      assert.match(out, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.equal(connections, 1, out);
    }
  });
});

const CHECK_MODULE = new URL('../../../src/adapters/checks/redis-check.js', import.meta.url).href;

/** A TCP server on a free port of 127.0.0.1 that handles each connection with `handle`; closed after the tests. */
async function serve(handle: (socket: Socket) => void): Promise<number> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
