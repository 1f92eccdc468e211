import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AckPolicy, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { RunnableCheck } from '../../../src/ports/check-runner.js';
import { closedPort } from '../../support/ports.js';
import { formsIn } from '../../support/secret-forms.js';
import { runAlone, TcpStandIns } from '../../support/tcp-stand-in.js';

// The NATS of this machine: 127.0.0.1:4222 with JetStream, no auth. Each run makes its own stream, consumer and responder.
const runner = new RealCheckRunner();
const nats = (spec: Record<string, unknown>, timeoutMs = 3000): RunnableCheck => ({ kind: 'nats', name: 'the bus', spec, timeoutMs });
const id = randomUUID().replaceAll('-', '');
const stream = `TRANCHE_CHECK_${id}`;
const consumer = `billing-${id}`;
const pingSubject = `tranche.check.${id}.ping`;
const standIns = new TcpStandIns();
let admin: NatsConnection;

before(async () => {
  admin = await connect({ servers: '127.0.0.1:4222' });
  const manager = await jetstreamManager(admin);
  await manager.streams.add({ name: stream, subjects: [`tranche.check.${id}.events.>`], storage: StorageType.Memory });
  await manager.consumers.add(stream, { durable_name: consumer, ack_policy: AckPolicy.Explicit });
  admin.subscribe(pingSubject, {
    callback: (_error, message) => {
      message.respond('pong');
    },
  });
  await admin.flush();
});

after(async () => {
  const manager = await jetstreamManager(admin);
  await manager.streams.delete(stream);
  await admin.close();
  standIns.close();
});

describe('nats check', () => {
  test('passes when the server takes the connection, by default host and port', async () => {
    const result = await runner.run(nats({}));
    assert.deepEqual([result.ok, result.message], [true, 'connected to 127.0.0.1:4222']);
  });

  test('passes when the JetStream stream and its consumer exist', async () => {
    const result = await runner.run(nats({ servers: 'nats://127.0.0.1:4222', stream, consumer }));
    assert.deepEqual(
      [result.ok, result.message],
      [true, `connected to 127.0.0.1:4222; the stream ${stream} exists (0 messages); its consumer ${consumer} exists (0 messages pending)`],
    );
  });

  test('fails, naming it, when the stream does not exist', async () => {
    const missing = `TRANCHE_MISSING_${id}`;
    const result = await runner.run(nats({ host: '127.0.0.1', port: '4222', stream: missing }));
    assert.deepEqual([result.ok, result.message], [false, `the JetStream stream ${missing} does not exist on 127.0.0.1:4222`]);
  });

  test('fails, naming it, when the stream has no such consumer', async () => {
    const result = await runner.run(nats({ stream, consumer: 'nobody' }));
    assert.deepEqual([result.ok, result.message], [false, `the stream ${stream} has no consumer nobody on 127.0.0.1:4222`]);
  });

  test('passes when a request on the subject gets a reply', async () => {
    const result = await runner.run(nats({ servers: ['127.0.0.1:4222'], subject: pingSubject, request: 'ping' }));
    assert.deepEqual([result.ok, result.message], [true, `connected to 127.0.0.1:4222; a reply of 4 bytes came back on ${pingSubject}`]);
  });

  test('fails when no one answers requests on the subject', async () => {
    const subject = `tranche.check.${id}.nobody`;
    const result = await runner.run(nats({ subject, request: 'ping' }));
    assert.deepEqual([result.ok, result.message], [false, `no one answers requests on ${subject} at 127.0.0.1:4222`]);
  });

  test('fails within its timeout when a subscriber takes the request and never replies', async () => {
    const subject = `tranche.check.${id}.silent`;
    const silent = admin.subscribe(subject, { callback: () => undefined });
    await admin.flush();
    const started = Date.now();
    const result = await runner.run(nats({ subject, request: 'ping' }, 400));
    silent.unsubscribe();
    assert.equal(result.ok, false);
    assert.match(
      result.message,
      new RegExp(
        `^(no reply on ${subject} from 127\\.0\\.0\\.1:4222 within 400ms|no answer within 400ms waiting for a reply on ${subject} from 127\\.0\\.0\\.1:4222)$`,
      ),
    );
    assert.ok(Date.now() - started < 1400, `took ${Date.now() - started}ms`);
  });

  test('publishes on a fresh subject and receives the message back', async () => {
    const result = await runner.run(nats({ round_trip: true }));
    assert.deepEqual([result.ok, result.message], [true, 'connected to 127.0.0.1:4222; a message made the round trip']);
  });

  test('tries the servers in order and says which it reached', async () => {
    const port = await closedPort();
    const result = await runner.run(nats({ servers: `127.0.0.1:${port}, 127.0.0.1:4222` }));
    assert.deepEqual([result.ok, result.message], [true, 'connected to 127.0.0.1:4222']);
  });

  test('fails on a closed port, saying where', async () => {
    const port = await closedPort();
    const result = await runner.run(nats({ port }));
    assert.deepEqual([result.ok, result.message], [false, `could not connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });

  test('fails on a server that speaks another protocol, quoting it', async () => {
    const port = await standIns.serve((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const result = await runner.run(nats({ port }));
    assert.deepEqual([result.ok, result.message], [false, `127.0.0.1:${port} answered, but not as a NATS server (it said "HTTP/1.1 400 Bad Request")`]);
  });

  test('fails within its timeout on a server that never greets', async () => {
    const port = await standIns.silent();
    const started = Date.now();
    const result = await runner.run(nats({ port }, 300));
    assert.deepEqual([result.ok, result.message], [false, `127.0.0.1:${port} accepted the connection but sent no NATS greeting within 300ms`]);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started}ms`);
  });

  test('the password or token of a server URL or of the spec appears in no form', async () => {
    const port = await standIns.serve((socket) => socket.end('-ERR nope\r\n'));
    const password = 'pw-Nats-Secret/+77';
    for (const spec of [
      { servers: `nats://app:${encodeURIComponent(password)}@127.0.0.1:${port}` },
      { port, user: 'app', password },
      { port, token: password },
      { servers: `nats://${encodeURIComponent(password)}@127.0.0.1:${port}` },
    ]) {
      const result = await runner.run(nats(spec));
      assert.equal(result.ok, false);
      assert.match(result.message, new RegExp(`^127\\.0\\.0\\.1:${port} answered, but not as a NATS server`));
      assert.deepEqual(formsIn(result.message, password), [], result.message);
    }
  });

  test('against a server that wants a login: passes with it, and says whose login it refused without showing the password', async (t) => {
    const port = await closedPort();
    const password = 'pw-Nats-Login/+21';
    const server = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '--user', 'app', '--pass', password], { stdio: 'ignore' });
    t.after(() => server.kill());
    // Ready once it refuses a connection without credentials (bounded: 100 tries, 50 ms apart).
    for (let tries = 0; !(await runner.run(nats({ port }, 200))).message.includes('refused'); tries++) {
      assert.ok(tries < 100, 'nats-server did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ok = await runner.run(nats({ port, user: 'app', password }));
    assert.deepEqual([ok.ok, ok.message], [true, `connected to 127.0.0.1:${port}`]);
    const cases: [Record<string, unknown>, string][] = [
      [{ port, user: 'app', password: `${password}-wrong` }, 'the credentials of app'],
      [{ servers: `nats://app:${encodeURIComponent(`${password}-wrong`)}@127.0.0.1:${port}` }, 'the credentials of app'],
      [{ port, token: `${password}-wrong` }, 'the token'],
      [{ port }, 'a connection without credentials'],
    ];
    for (const [spec, who] of cases) {
      const refused = await runner.run(nats(spec));
      assert.deepEqual([refused.ok, refused.message], [false, `127.0.0.1:${port} refused ${who}: Authorization Violation`]);
      assert.deepEqual(formsIn(refused.message, password), []);
    }
  });

  test('refuses a spec it cannot carry out, saying what is missing', async () => {
    assert.equal((await runner.run(nats({ consumer }))).message, 'a nats check with a consumer needs the stream it belongs to');
    assert.equal((await runner.run(nats({ request: 'ping' }))).message, 'a nats check with a request needs the subject to send it to');
    assert.equal((await runner.run(nats({ subject: pingSubject }))).message, 'a nats check sends a request on its subject: give the request too');
    assert.equal((await runner.run(nats({ servers: 'tls://127.0.0.1:4222' }))).message, 'a nats server URL must start with nats:// (not tls://)');
  });

  test('is cancelled by its signal', async () => {
    const port = await standIns.silent();
    const controller = new AbortController();
    const running = runner.run(nats({ port }, 60_000), controller.signal);
    controller.abort();
    const result = await running;
    assert.deepEqual([result.ok, result.message], [false, `connecting to 127.0.0.1:${port}: cancelled`]);
  });

  test('leaves nothing behind that keeps the process alive, whatever the server does', async () => {
    const specs = [{ stream, consumer, round_trip: true }, { stream: 'TRANCHE_MISSING' }, { port: await standIns.silent() }, { port: await closedPort() }];
    for (const spec of specs) {
      const { exited, out, ms } = await runAlone(CHECK_MODULE, 'runNatsCheck', { kind: 'nats', name: 'x', spec, timeoutMs: 400 }, 5000);
      assert.ok(exited, `${JSON.stringify(spec)}: still running after 5s (${out})`);
      assert.ok(out !== '', JSON.stringify(spec));
      assert.ok(ms < 3000, `${JSON.stringify(spec)}: exited after ${ms}ms`);
    }
  });
});

const CHECK_MODULE = new URL('../../../src/adapters/checks/nats-check.js', import.meta.url).href;
