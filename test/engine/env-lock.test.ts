import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RealCheckRunner } from '../../src/adapters/checks/real-check-runner.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { SqliteStore } from '../../src/adapters/stores/sqlite-store.js';
import { acquireEnvLock } from '../../src/engine/env-lock.js';

const cleanup: Array<() => void | Promise<void>> = [];
after(async () => {
  for (const undo of cleanup.reverse()) await undo();
});

describe('the environment lock', () => {
  test('keeps beating while a check runs a regular expression that backtracks without end', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tranche-lock-'));
    const store = new SqliteStore(join(dir, 'state.db'));
    await store.migrate();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close());
    const server: Server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ v: `${'a'.repeat(100_000)}b` })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const lock = await acquireEnvLock(store, 'prod', { user: 'ci', host: 'test', pid: process.pid }, systemClock, { breakLock: false, isAlive: () => true, heartbeatMs: 20 });
    // What the store says of the lock, sampled while the check runs: each heartbeat stamps a new time.
    const beats = new Set<string>();
    const sampling = setInterval(() => void store.currentLock('prod').then((held) => held && beats.add(held.heartbeatAt)), 10);
    const result = await new RealCheckRunner().run({
      kind: 'http',
      name: 'version',
      spec: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, expect: { json: { '$.v': { matches: '(a+)+$' } } } },
      timeoutMs: 30_000,
    });
    clearInterval(sampling);
    await lock.release();

    assert.equal(result.ok, false);
    assert.match(result.message, /\$\.v: matching \/\(a\+\)\+\$\/ against a value of 100001 characters took longer than 1000ms/);
    assert.ok(beats.size >= 5, `the heartbeat row moved ${beats.size} times while the match ran`);
    assert.equal(lock.lost(), undefined);
  });

  test('a normal match passes the same check', { timeout: 60_000 }, async () => {
    const server: Server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ v: 'v2.14.1' })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const result = await new RealCheckRunner().run({
      kind: 'http',
      name: 'version',
      spec: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, expect: { json: { '$.v': { matches: '^v2\\.\\d+' } } } },
      timeoutMs: 5_000,
    });
    assert.equal(result.ok, true, result.message);
  });
});
