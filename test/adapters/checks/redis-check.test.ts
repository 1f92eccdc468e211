import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
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

  test('fails on a server that answers something other than PONG', async () => {
    const impostor = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    servers.push(impostor);
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const { port } = impostor.address() as AddressInfo;
    const result = await runner.run(redis({ host: '127.0.0.1', port }));
    assert.deepEqual([result.ok, result.message], [false, `127.0.0.1:${port} answered PING with "HTTP/1.1 400 Bad Request", not +PONG`]);
  });

  test('times out on a server that never answers', async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const result = await runner.run(redis({ host: '127.0.0.1', port }, 200));
    assert.deepEqual([result.ok, result.message], [false, `no answer from 127.0.0.1:${port} within 200ms`]);
  });
});
