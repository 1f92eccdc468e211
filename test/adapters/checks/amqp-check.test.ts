import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ChannelModel, connect } from 'amqplib';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { RunnableCheck } from '../../../src/ports/check-runner.js';
import { closedPort } from '../../support/ports.js';
import { formsIn } from '../../support/secret-forms.js';
import { runAlone, TcpStandIns } from '../../support/tcp-stand-in.js';

// The RabbitMQ of this machine: 127.0.0.1:5672, guest/guest. Each run makes its own queue and exchange.
const runner = new RealCheckRunner();
const amqp = (spec: Record<string, unknown>, timeoutMs = 3000, secrets?: string[]): RunnableCheck => ({
  kind: 'amqp',
  name: 'the bus',
  spec,
  timeoutMs,
  ...(secrets ? { secrets } : {}),
});
const AT = '127.0.0.1:5672 (vhost /, as guest)';
const queue = `tranche-check-${randomUUID()}`;
const exchange = `tranche-check-${randomUUID()}`;
const standIns = new TcpStandIns();
let admin: ChannelModel;

before(async () => {
  admin = await connect('amqp://guest:guest@127.0.0.1:5672');
  const channel = await admin.createChannel();
  await channel.assertQueue(queue, { durable: false });
  await channel.assertExchange(exchange, 'topic', { durable: false });
  await channel.sendToQueue(queue, Buffer.from('waiting'));
  await channel.close();
});

after(async () => {
  const channel = await admin.createChannel();
  await channel.deleteQueue(queue);
  await channel.deleteExchange(exchange);
  await admin.close();
  standIns.close();
});

describe('amqp check', () => {
  test('passes when the broker takes the connection, by default host, port and login', async () => {
    const result = await runner.run(amqp({}));
    assert.deepEqual([result.ok, result.message], [true, `connected to ${AT}`]);
  });

  test('passes when the queue and the exchange exist, and says how many messages wait', async () => {
    const result = await runner.run(amqp({ url: 'amqp://127.0.0.1', queue, exchange }));
    assert.equal(result.ok, true, result.message);
    assert.equal(
      result.message,
      `connected to 127.0.0.1:5672 (vhost /, as guest); the queue ${queue} exists (1 message, 0 consumers); the exchange ${exchange} exists`,
    );
  });

  test('fails, naming it, when the queue does not exist, and creates nothing', async () => {
    const missing = `tranche-missing-${randomUUID()}`;
    const result = await runner.run(amqp({ host: '127.0.0.1', port: '5672', queue: missing }));
    assert.deepEqual([result.ok, result.message], [false, `the queue ${missing} does not exist in vhost / on 127.0.0.1:5672`]);
    const channel = await admin.createChannel();
    channel.on('error', () => undefined);
    await assert.rejects(channel.checkQueue(missing), /404/);
  });

  test('fails, naming it, when the exchange does not exist', async () => {
    const missing = `tranche-missing-${randomUUID()}`;
    const result = await runner.run(amqp({ queue, exchange: missing }));
    assert.deepEqual([result.ok, result.message], [false, `the exchange ${missing} does not exist in vhost / on 127.0.0.1:5672`]);
  });

  test('sends a message through a temporary queue and gets it back, leaving the waiting message alone', async () => {
    const result = await runner.run(amqp({ queue, round_trip: true }));
    assert.equal(result.ok, true, result.message);
    assert.match(result.message, /; a message made the round trip through a temporary queue$/);
    const channel = await admin.createChannel();
    assert.equal((await channel.checkQueue(queue)).messageCount, 1);
    await channel.close();
  });

  test('fails on a vhost the broker does not have', async () => {
    const result = await runner.run(amqp({ url: 'amqp://guest:guest@127.0.0.1:5672/no-such-vhost' }));
    assert.deepEqual(
      [result.ok, result.message],
      [false, '127.0.0.1:5672 refused to open vhost no-such-vhost for guest (it does not exist, or the user has no access to it)'],
    );
  });

  test('fails on wrong credentials, and the password appears in no form, from the url or the spec', async () => {
    const password = 'pw-Amqp-Secret/+42';
    for (const spec of [{ url: `amqp://guest:${encodeURIComponent(password)}@127.0.0.1:5672/` }, { user: 'guest', password }]) {
      const result = await runner.run(amqp(spec));
      assert.equal(result.ok, false);
      assert.match(result.message, /^127\.0\.0\.1:5672 refused the credentials of guest: ACCESS_REFUSED/);
      assert.deepEqual(formsIn(result.message, password), [], result.message);
    }
  });

  test('a password from a secret key of the service is kept out of the message by the runner', async () => {
    const port = await closedPort();
    const password = 'pw-From-Secret-Key-9';
    const result = await runner.run(amqp({ url: `amqp://app:${password}@127.0.0.1:${port}/orders` }, 3000, [password]));
    assert.equal(result.ok, false);
    assert.equal(result.message, `could not connect to 127.0.0.1:${port} (vhost orders, as app): connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  test('fails on a closed port, saying where', async () => {
    const port = await closedPort();
    const result = await runner.run(amqp({ port }));
    assert.deepEqual(
      [result.ok, result.message],
      [false, `could not connect to 127.0.0.1:${port} (vhost /, as guest): connect ECONNREFUSED 127.0.0.1:${port}`],
    );
  });

  test('fails on a server that speaks another protocol', async () => {
    const port = await standIns.serve((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const result = await runner.run(amqp({ port }));
    assert.equal(result.ok, false);
    assert.match(result.message, new RegExp(`^127\\.0\\.0\\.1:${port} answered, but not as an AMQP 0-9-1 broker \\(`));
  });

  test('fails within its timeout on a server that never answers', async () => {
    const port = await standIns.silent();
    const started = Date.now();
    const result = await runner.run(amqp({ port }, 300));
    assert.equal(result.ok, false);
    assert.match(result.message, new RegExp(`^(no answer within 300ms connecting to |127\\.0\\.0\\.1:${port} \\(vhost /, as guest\\) accepted no AMQP)`));
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started}ms`);
  });

  test('is cancelled by its signal', async () => {
    const port = await standIns.silent();
    const controller = new AbortController();
    const running = runner.run(amqp({ port }, 60_000), controller.signal);
    controller.abort();
    const result = await running;
    assert.deepEqual([result.ok, result.message], [false, `connecting to 127.0.0.1:${port} (vhost /, as guest): cancelled`]);
  });

  test('leaves nothing behind that keeps the process alive, whatever the server does', async () => {
    const specs = [{ queue, round_trip: true }, { queue: `tranche-missing-${randomUUID()}` }, { port: await standIns.silent() }, { port: await closedPort() }];
    for (const spec of specs) {
      const { exited, out, ms } = await runAlone(CHECK_MODULE, 'runAmqpCheck', { kind: 'amqp', name: 'x', spec, timeoutMs: 400 }, 5000);
      assert.ok(exited, `${JSON.stringify(spec)}: still running after 5s (${out})`);
      assert.ok(out !== '', JSON.stringify(spec));
      assert.ok(ms < 3000, `${JSON.stringify(spec)}: exited after ${ms}ms`);
    }
  });
});

const CHECK_MODULE = new URL('../../../src/adapters/checks/amqp-check.js', import.meta.url).href;
