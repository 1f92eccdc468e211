import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { RunnableCheck } from '../../../src/ports/check-runner.js';
import { closedPort } from '../../support/ports.js';
import { formsIn } from '../../support/secret-forms.js';
import { runAlone, TcpStandIns } from '../../support/tcp-stand-in.js';

// No Kafka broker runs on this machine: these are the failure paths, for real. The success path
// (metadata, partitions) is exercised only where a broker exists (docs/architecture.md).
const runner = new RealCheckRunner();
const kafka = (spec: Record<string, unknown>, timeoutMs = 2000): RunnableCheck => ({ kind: 'kafka', name: 'the topic', spec, timeoutMs });
const standIns = new TcpStandIns();
after(() => standIns.close());

describe('kafka check', () => {
  test('fails on a closed port, saying which broker', async () => {
    const port = await closedPort();
    const result = await runner.run(kafka({ brokers: `127.0.0.1:${port}`, topic: 'orders' }));
    assert.deepEqual([result.ok, result.message], [false, `connecting to 127.0.0.1:${port} failed: Connection error: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });

  test('fails on a host that does not resolve, within its timeout', async () => {
    const started = Date.now();
    const result = await runner.run(kafka({ brokers: ['no-such-broker.invalid:9092'] }, 1500));
    assert.equal(result.ok, false);
    assert.match(
      result.message,
      /^(connecting to no-such-broker\.invalid:9092 failed: Connection error: getaddrinfo (ENOTFOUND|EAI_AGAIN) no-such-broker\.invalid|no answer within 1500ms connecting to no-such-broker\.invalid:9092)$/,
    );
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started}ms`);
  });

  test('fails on a server that is not a Kafka broker and closes the connection', async () => {
    const port = await standIns.serve((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const result = await runner.run(kafka({ brokers: `127.0.0.1:${port}` }));
    assert.deepEqual(
      [result.ok, result.message],
      [false, `connecting to 127.0.0.1:${port} failed: Closed connection (the server closed the connection: is it a Kafka broker?)`],
    );
  });

  test('fails within its timeout on a server that never answers', async () => {
    const port = await standIns.silent();
    const started = Date.now();
    const result = await runner.run(kafka({ brokers: `127.0.0.1:${port}`, topic: 'orders', partitions: 3 }, 300));
    assert.equal(result.ok, false);
    assert.match(
      result.message,
      new RegExp(`^(no answer within 300ms connecting to 127\\.0\\.0\\.1:${port}|connecting to 127\\.0\\.0\\.1:${port} failed: .*[Tt]imeout.*)$`),
    );
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started}ms`);
  });

  test('the SASL password appears in no form', async () => {
    const port = await standIns.serve((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const password = 'pw-Kafka-Secret/+13';
    const result = await runner.run(kafka({ brokers: `127.0.0.1:${port}`, user: 'app', password, mechanism: 'scram-sha-512' }));
    assert.equal(result.ok, false);
    assert.deepEqual(formsIn(result.message, password), [], result.message);
  });

  test('refuses a spec it cannot carry out, saying why', async () => {
    const message = async (spec: Record<string, unknown>) => (await runner.run(kafka(spec))).message;
    assert.equal(await message({ brokers: '' }), 'the kafka brokers list is empty');
    assert.equal(await message({ brokers: 'a:1, b:x' }), '"b:x" in the kafka brokers list has no valid port (1-65535)');
    assert.equal(await message({ brokers: 'a:1', partitions: 3 }), 'a kafka check with partitions needs the topic they are of');
    assert.equal(await message({ brokers: 'a:1', topic: 't', partitions: '0' }), 'partitions "0" is not a positive whole number');
    assert.equal(await message({ brokers: 'a:1', user: 'app' }), 'a kafka check with SASL needs both user and password');
  });

  test('is cancelled by its signal', async () => {
    const port = await standIns.silent();
    const controller = new AbortController();
    const running = runner.run(kafka({ brokers: `127.0.0.1:${port}` }, 60_000), controller.signal);
    controller.abort();
    const result = await running;
    assert.deepEqual([result.ok, result.message], [false, `connecting to 127.0.0.1:${port}: cancelled`]);
  });

  test('leaves nothing behind that keeps the process alive, whatever the server does', async () => {
    const specs = [
      { brokers: `127.0.0.1:${await standIns.silent()}`, topic: 'orders' },
      { brokers: `127.0.0.1:${await closedPort()}` },
      { brokers: `127.0.0.1:${await standIns.serve((socket) => socket.destroy())}` },
    ];
    for (const spec of specs) {
      const { exited, out, ms } = await runAlone(CHECK_MODULE, 'runKafkaCheck', { kind: 'kafka', name: 'x', spec, timeoutMs: 400 }, 5000);
      assert.ok(exited, `${JSON.stringify(spec)}: still running after 5s (${out})`);
      assert.ok(out !== '', JSON.stringify(spec));
      assert.ok(ms < 3000, `${JSON.stringify(spec)}: exited after ${ms}ms`);
    }
  });
});

const CHECK_MODULE = new URL('../../../src/adapters/checks/kafka-check.js', import.meta.url).href;
