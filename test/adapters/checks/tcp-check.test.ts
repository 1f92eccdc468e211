import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, describe, test } from 'node:test';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import { closedPort } from '../../support/ports.js';

const runner = new RealCheckRunner();
const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

async function listen(): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => count };
}

describe('tcp check', () => {
  test('passes when a connection opens, and closes it', async () => {
    const { port, connections } = await listen();
    const result = await runner.run({ kind: 'tcp', name: 'listens', spec: { host: '127.0.0.1', port }, timeoutMs: 1000 });
    assert.deepEqual([result.ok, result.message], [true, `connected to 127.0.0.1:${port}`]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(connections(), 1);
  });

  test('takes the port as text, the way interpolation leaves it', async () => {
    const { port } = await listen();
    const result = await runner.run({ kind: 'tcp', name: 'listens', spec: { host: '127.0.0.1', port: String(port) }, timeoutMs: 1000 });
    assert.equal(result.ok, true, result.message);
  });

  test('fails on a refused connection', async () => {
    const port = await closedPort();
    const result = await runner.run({ kind: 'tcp', name: 'listens', spec: { host: '127.0.0.1', port }, timeoutMs: 1000 });
    assert.deepEqual([result.ok, result.message], [false, `could not connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });

  test('fails on a port that is not one, without connecting', async () => {
    const result = await runner.run({ kind: 'tcp', name: 'listens', spec: { host: '127.0.0.1', port: '${DB_PORT}' }, timeoutMs: 1000 });
    assert.deepEqual([result.ok, result.message], [false, 'the port "${DB_PORT}" is not a port (1-65535)']);
  });
});
