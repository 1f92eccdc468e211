import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { MemoryStore } from '../../support/fakes/memory-store.js';
import { holdLock } from '../../support/held-store.js';
import { storeContract } from './store-contract.js';
import { emptyPlan } from '../../core/plan/plan-fixture.js';

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
const release = {
  id: 'r1',
  kind: 'release',
  env: 'prod',
  status: 'running',
  toCommit: 'b'.repeat(40),
  by: { user: 'alice', host: 'laptop', pid: 1 },
  startedAt: '2026-12-01T10:00:00.000Z',
  plan: emptyPlan(),
} as const;
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

  test('replays a prefix of its writes into the state a crash right after the last would leave', async () => {
    const store = new MemoryStore();
    const { fence } = await holdLock(store, 'prod');
    await store.createRelease({ ...release }, fence);
    await store.appendJournal({ ...entry, service: 's' }, fence);
    const state = { env: 'prod', service: 's', commit: 'c', contentId: 't', configHash: 'h', config: {}, releaseId: 'r1', deployedAt: entry.at };
    await store.completeStep({ ...entry, service: 's', event: 'succeeded' }, 's', state, fence);
    const cut = await MemoryStore.replay(store.writes.slice(0, 3));
    assert.deepEqual(
      (await cut.journal('r1')).map((e) => e.event),
      ['started'],
    );
    assert.deepEqual(await cut.deployed('prod'), new Map());
    const whole = await MemoryStore.replay(store.writes);
    assert.deepEqual(await whole.deployed('prod'), await store.deployed('prod'));
    assert.deepEqual(await whole.journal('r1'), await store.journal('r1'));
  });
});
