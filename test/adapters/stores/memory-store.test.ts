import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LockLostError } from '../../../src/ports/store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { MemoryStore } from '../../support/fakes/memory-store.js';
import { storeContract } from './store-contract.js';

// The engine suite's store passes the same contract as the real ones. It lives in one process, so
// "another process" in the contract is another connection to the same state here.
storeContract(
  'MemoryStore',
  async () => {
    const store = new MemoryStore();
    await store.migrate();
    return store;
  },
  (store) => store.close(),
  (store) => ({ connect: async () => (store as MemoryStore).connect() }),
);

const holder = (token: string) => ({ env: 'prod', token, user: 'alice', host: 'laptop', pid: 1 });
const release = { id: 'r1', kind: 'release', env: 'prod', status: 'running', toCommit: 'b'.repeat(40), by: { user: 'alice', host: 'laptop', pid: 1 }, startedAt: '2026-12-01T10:00:00.000Z', plan: {} } as const;
const entry = { releaseId: 'r1', at: '2026-12-01T10:00:00.000Z', batch: 1, kind: 'deploy', event: 'started' } as const;

describe('MemoryStore beyond the contract', () => {
  test('measures silence on the clock it is given', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    await store.acquireLock(holder('a'));
    clock.advance(90_000);
    assert.equal((await store.currentLock('prod'))?.silentMs, 90_000);
    clock.stepWall(-3_600_000);
    assert.equal((await store.currentLock('prod'))?.silentMs, 90_000, 'a stepped wall clock does not move it');
    await store.heartbeat('prod', 'a');
    assert.equal((await store.currentLock('prod'))?.silentMs, 0);
  });

  test('refuses a fenced write unless the fence holds the lock, and writes nothing then', async () => {
    const store = new MemoryStore();
    await store.acquireLock(holder('a'));
    await store.createRelease({ ...release }, { env: 'prod', token: 'a' });
    await store.breakLock('prod');
    await store.acquireLock(holder('b'));
    const refused = (write: Promise<unknown>) =>
      assert.rejects(write, (error: unknown) => error instanceof LockLostError && error.holder?.token === 'b');
    const fence = { env: 'prod', token: 'a' };
    await refused(store.appendJournal({ ...entry }, fence));
    await refused(store.updateRelease('r1', { status: 'failed' }, fence));
    await refused(store.recordCheck({ releaseId: 'r1', at: entry.at, batch: 1, service: 's', gate: 'health', name: 'h', ok: true, message: 'ok', durationMs: 1 }, fence));
    await refused(store.recordFindings('r1', [{ rule: 'check/failed', severity: 'error', message: 'x' }], fence));
    await refused(store.completeStep({ ...entry, service: 's', event: 'succeeded' }, 's', null, fence));
    await refused(store.createRelease({ ...release, id: 'r2' }, fence));
    assert.deepEqual(await store.journal('r1'), []);
    assert.equal((await store.getRelease('r1'))?.status, 'running');
    assert.equal(await store.getRelease('r2'), undefined);
    assert.equal(await store.appendJournal({ ...entry }, { env: 'prod', token: 'b' }), 1, 'the holder writes');
  });

  test('replays a prefix of its writes into the state a crash right after the last would leave', async () => {
    const store = new MemoryStore();
    await store.createRelease({ ...release });
    await store.appendJournal({ ...entry, service: 's' });
    const state = { env: 'prod', service: 's', commit: 'c', contentId: 't', configHash: 'h', config: {}, releaseId: 'r1', deployedAt: entry.at };
    await store.completeStep({ ...entry, service: 's', event: 'succeeded' }, 's', state);
    const cut = await MemoryStore.replay(store.writes.slice(0, 2));
    assert.deepEqual((await cut.journal('r1')).map((e) => e.event), ['started']);
    assert.deepEqual(await cut.deployed('prod'), new Map());
    const whole = await MemoryStore.replay(store.writes);
    assert.deepEqual(await whole.deployed('prod'), await store.deployed('prod'));
    assert.deepEqual(await whole.journal('r1'), await store.journal('r1'));
  });
});
