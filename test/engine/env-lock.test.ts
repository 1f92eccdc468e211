import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { RealCheckRunner } from '../../src/adapters/checks/real-check-runner.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { PostgresStore } from '../../src/adapters/stores/postgres-store.js';
import { SqliteStore } from '../../src/adapters/stores/sqlite-store.js';
import { acquireEnvLock, type HeldLock, type LockOptions, type Operator } from '../../src/engine/env-lock.js';
import { fenceStore } from '../../src/engine/fenced-store.js';
import { LockLostError, type Store } from '../../src/ports/store.js';
import { POSTGRES, scratchDatabase, tempDir } from '../support/scratch.js';
import { release } from '../adapters/stores/store-contract.js';

const cleanup: Array<() => void | Promise<void>> = [];
after(async () => {
  for (const undo of cleanup.reverse()) await undo();
});

describe('the environment lock', () => {
  test('keeps beating while a check runs a regular expression that backtracks without end', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tranche-lock-'));
    const store = new SqliteStore(join(dir, 'state.db'));
    await store.migrate();
    cleanup.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => store.close(),
    );
    const server: Server = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ v: `${'a'.repeat(100_000)}b` })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const lock = await acquireEnvLock(store, 'prod', { user: 'ci', host: 'test', pid: process.pid }, systemClock, {
      breakLock: false,
      isAlive: () => true,
      heartbeatMs: 20,
    });
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

/** Two connections to one fresh store: this tranche's, and another process's. */
interface Stores {
  mine: Store;
  theirs: Store;
}

const kinds: Array<[string, (t: TestContext) => Promise<Stores>]> = [
  [
    'SQLite',
    async (t) => {
      const file = join(tempDir(t, 'tranche-lock-'), 'state.db');
      const [mine, theirs] = [new SqliteStore(file), new SqliteStore(file)];
      t.after(async () => {
        await mine.close();
        await theirs.close();
      });
      await mine.migrate();
      return { mine, theirs };
    },
  ],
  [
    'Postgres',
    async (t) => {
      const url = POSTGRES.replace(/\/test$/, `/${await scratchDatabase(t, 'tranche_lock')}`);
      const [mine, theirs] = [new PostgresStore(url), new PostgresStore(url)];
      t.after(async () => {
        await mine.close();
        await theirs.close();
      });
      await mine.migrate();
      return { mine, theirs };
    },
  ],
];

const me: Operator = { user: 'alice', host: 'laptop', pid: process.pid };
const other = { env: 'prod', token: 'token-other', user: 'bob', host: 'ci-7', pid: 4242 };
const fast: LockOptions = { breakLock: false, isAlive: () => true, heartbeatMs: 10 };

/** The reason `lock.signal` aborts with, once it does. */
function lossOf(lock: HeldLock): Promise<LockLostError> {
  return new Promise((resolve, reject) => {
    const settle = () =>
      lock.signal.reason instanceof LockLostError ? resolve(lock.signal.reason) : reject(new Error(`aborted with ${String(lock.signal.reason)}`));
    if (lock.signal.aborted) settle();
    else lock.signal.addEventListener('abort', settle, { once: true });
  });
}

/**
 * `store` whose heartbeats fail (as an unreachable store's do) while `failing`, and wait for
 * `held` while it is set; `beats(n)` resolves once n more heartbeats have been tried.
 */
function flakyHeartbeats(store: Store) {
  let tried = 0;
  const waiting: Array<{ at: number; resolve: () => void }> = [];
  const state: { failing: boolean; held?: Promise<void> } = { failing: false };
  const flaky: Store = Object.create(store) as Store;
  flaky.heartbeat = async (env, token, releaseId) => {
    tried++;
    for (const w of waiting.filter((w) => w.at <= tried)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
    await state.held;
    if (state.failing) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    return store.heartbeat(env, token, releaseId);
  };
  const beats = (n: number) => new Promise<void>((resolve) => waiting.push({ at: tried + n, resolve }));
  return { flaky, state, beats };
}

for (const [kind, open] of kinds) {
  describe(`the environment lock, on ${kind}`, () => {
    test('is lost when another process breaks it: the signal aborts, and the fenced store writes nothing more', async (t) => {
      const { mine, theirs } = await open(t);
      const lock = await acquireEnvLock(mine, 'prod', me, systemClock, fast);
      await lock.store.createRelease({ ...release('r1'), by: me });
      assert.equal(lock.signal.aborted, false);
      assert.equal((await theirs.breakLock('prod'))?.token, lock.token);
      const lost = await lossOf(lock);
      assert.equal(lost.env, 'prod');
      assert.equal(lost.token, lock.token);
      assert.equal(lost.holder, undefined);
      assert.equal(lock.lost(), lost);
      await assert.rejects(
        lock.store.appendJournal({ releaseId: 'r1', at: '2025-03-01T10:00:00.000Z', batch: 1, kind: 'deploy', event: 'started' }),
        LockLostError,
      );
      assert.deepEqual(await mine.journal('r1'), []);
      await lock.release();
    });

    test('is lost when another process takes it, and names who holds it now', async (t) => {
      const { mine, theirs } = await open(t);
      const { flaky, state, beats } = flakyHeartbeats(mine);
      const lock = await acquireEnvLock(flaky, 'prod', me, systemClock, fast);
      // No heartbeat between the break and the taking: it would find the lock nobody's. Once the
      // next beat waits, none is under way (a lock runs one at a time).
      let resume!: () => void;
      state.held = new Promise((resolve) => (resume = resolve));
      await beats(1);
      await theirs.breakLock('prod');
      assert.deepEqual(await theirs.acquireLock(other), { acquired: true });
      resume();
      const lost = await lossOf(lock);
      assert.equal(lost.holder?.token, 'token-other');
      assert.match(lost.message, /it is now held by bob@ci-7 \(pid 4242\)/);
      await lock.release();
      assert.equal((await theirs.currentLock('prod'))?.token, 'token-other', "releasing a lost lock leaves the new holder's");
    });

    test('is lost when it is released from elsewhere', async (t) => {
      const { mine, theirs } = await open(t);
      const lock = await acquireEnvLock(mine, 'prod', me, systemClock, fast);
      await theirs.releaseLock('prod', lock.token);
      assert.equal((await lossOf(lock)).holder, undefined);
      await lock.release();
    });

    test('is kept through heartbeats that fail for less than the stale-after window, and not lost by its own release', async (t) => {
      const { mine } = await open(t);
      const { flaky, state, beats } = flakyHeartbeats(mine);
      const lock = await acquireEnvLock(flaky, 'prod', me, systemClock, { ...fast, staleAfterMs: 60_000 });
      state.failing = true;
      await beats(5);
      state.failing = false;
      await beats(3);
      assert.equal(lock.lost(), undefined);
      await lock.release();
      assert.equal(lock.signal.aborted, false);
      assert.equal(await mine.currentLock('prod'), undefined);
    });

    test('is taken for lost when its heartbeat cannot reach the store for the stale-after window', async (t) => {
      const { mine } = await open(t);
      const { flaky, state, beats } = flakyHeartbeats(mine);
      const lock = await acquireEnvLock(flaky, 'prod', me, systemClock, { ...fast, staleAfterMs: 200 });
      await beats(3);
      assert.equal(lock.lost(), undefined, 'lost while the heartbeats reached the store');
      state.failing = true;
      const lost = await lossOf(lock);
      assert.equal(lost.holder, undefined);
      assert.match(
        lost.message,
        /^the lock on prod is no longer held by this process \(token [^)]+\): its heartbeat has not reached the store for \d+ ms: connect ECONNREFUSED 127\.0\.0\.1:5432; after 200 ms of silence another tranche may take the lock for dead and break it$/,
      );
      assert.equal((lost.cause as Error).message, 'connect ECONNREFUSED 127.0.0.1:5432');
      await lock.release();
    });

    test('journals, on the release of the holder it replaced, that the lock was taken over and by whom', async (t) => {
      const { mine, theirs } = await open(t);
      // A tranche that took the lock for release r1, started it, and died.
      assert.deepEqual(await theirs.acquireLock({ ...other, releaseId: 'r1' }), { acquired: true });
      const dead = fenceStore(theirs, { env: 'prod', token: other.token });
      await dead.createRelease(release('r1', { by: { user: 'bob', host: 'ci-7', pid: 4242 } }));
      await dead.appendJournal({ releaseId: 'r1', at: '2025-03-01T10:00:00.000Z', batch: 0, kind: 'release', event: 'started' });

      await assert.rejects(acquireEnvLock(mine, 'prod', me, systemClock, { ...fast, isAlive: () => false }), /--break-lock/);
      assert.equal((await mine.journal('r1')).length, 1, 'nothing is journaled without --break-lock');
      const lock = await acquireEnvLock(mine, 'prod', me, systemClock, { ...fast, breakLock: true, isAlive: () => false, releaseId: 'r2' });
      const [, takeover] = await mine.journal('r1');
      assert.deepEqual(
        { ...takeover, at: undefined, detail: undefined },
        { releaseId: 'r1', seq: 2, at: undefined, batch: 0, kind: 'lock', event: 'taken-over', detail: undefined },
      );
      const { from, by } = takeover!.detail as { from: Record<string, unknown>; by: Record<string, unknown> };
      assert.deepEqual({ ...from, heartbeatAt: undefined }, { user: 'bob', host: 'ci-7', pid: 4242, heartbeatAt: undefined });
      assert.match(String(from.heartbeatAt), /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(by, { user: 'alice', host: 'laptop', pid: process.pid });
      // The replaced holder, should it wake, can write nothing more.
      await assert.rejects(dead.appendJournal({ releaseId: 'r1', at: '2025-03-01T10:00:00.000Z', batch: 1, kind: 'deploy', event: 'started' }), LockLostError);
      assert.equal((await mine.journal('r1')).length, 2);
      await lock.release();
    });

    test('journals no takeover when the holder it replaced had no release recorded', async (t) => {
      const { mine, theirs } = await open(t);
      assert.deepEqual(await theirs.acquireLock({ ...other, releaseId: 'r1' }), { acquired: true });
      const lock = await acquireEnvLock(mine, 'prod', me, systemClock, { ...fast, breakLock: true, isAlive: () => false });
      assert.equal((await mine.currentLock('prod'))?.token, lock.token);
      assert.deepEqual(await mine.listReleases(), []);
      await lock.release();
    });
  });
}
