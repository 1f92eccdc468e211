import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { CheckKind } from '../../../src/ports/check-runner.js';

const runner = new RealCheckRunner();
const servers: Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'tranche-check-runner-'));
after(() => {
  servers.forEach((s) => s.close());
  rmSync(dir, { recursive: true, force: true });
});

describe('RealCheckRunner', () => {
  test('measures how long a check took', async () => {
    const result = await runner.run({ kind: 'command', name: 'sleeps', spec: ['node', '-e', 'setTimeout(() => {}, 300)'], timeoutMs: 5000 });
    assert.equal(result.ok, true, result.message);
    assert.ok(result.durationMs >= 290 && result.durationMs < 3000, `durationMs ${result.durationMs}`);
  });

  test('turns an error thrown inside a check into a failed result with its message', async () => {
    const server = createServer((_, res) => res.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // JSON cannot encode a BigInt: building the request body throws.
    const result = await runner.run({ kind: 'http', name: 'posts', spec: { method: 'POST', path: '/', body: { n: 1n } }, address, timeoutMs: 1000 });
    assert.equal(result.ok, false);
    assert.match(result.message, /BigInt/);
    assert.equal(typeof result.durationMs, 'number');
  });

  test('does not start a check whose signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = join(dir, 'ran');
    const script = `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "")`;
    const result = await runner.run({ kind: 'command', name: 'never', spec: ['node', '-e', script], timeoutMs: 1000 }, controller.signal);
    assert.deepEqual([result.ok, result.message], [false, 'cancelled before it started']);
    assert.equal(existsSync(marker), false);
  });

  test('fails a check whose timeout is not a positive number', async () => {
    const result = await runner.run({ kind: 'tcp', name: 'db port', spec: { host: '127.0.0.1', port: 5432 }, timeoutMs: 0 });
    assert.deepEqual([result.ok, result.message], [false, 'the timeout of db port must be a positive number of milliseconds (got 0)']);
  });

  test('fails a kind it does not know instead of throwing', async () => {
    const result = await runner.run({ kind: 'ftp' as CheckKind, name: 'files', spec: {}, timeoutMs: 1000 });
    assert.deepEqual([result.ok, result.message], [false, 'unknown check kind "ftp"']);
  });
});

test('never shows a secret value in a message, even when the endpoint echoes it', async () => {
  const result = await runner.run({
    kind: 'command',
    name: 'echo',
    spec: [process.execPath, '-e', 'console.log("token=hunter2-abc and hunter2"); process.exit(3)'],
    timeoutMs: 5000,
    secrets: ['hunter2', 'hunter2-abc'],
  });
  assert.equal(result.ok, false);
  assert.doesNotMatch(result.message, /hunter2/);
  assert.match(result.message, /token=\[secret\] and \[secret\]/);
});
