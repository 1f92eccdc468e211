import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LockLostError } from '../../src/ports/store.js';
import { engineFor, ENV, settle, until, V1, V2, type Engine } from '../support/engine-harness.js';

// The environment's lock taken away mid-rollout (broken by another operator, who then holds it).
// What must hold whatever the engine then does: no deploy starts after the lock is lost. What the
// engine does now: the heartbeat notices the loss within one interval (2 s of the clock); the
// rollout stops at the next check between steps by throwing LockLostError, leaving the release
// `running` in the store for the new holder to resume or roll back.

/** Breaks the lock as another process would, takes it, and waits one heartbeat interval of the clock, within which the loss is seen. */
async function takeLockAway(e: Engine): Promise<number> {
  await e.store.breakLock(ENV);
  assert.deepEqual(await e.store.acquireLock({ env: ENV, token: 'other', user: 'bob', host: 'elsewhere', pid: 7 }), { acquired: true });
  const lostAt = e.clock.monotonic();
  await until(() => e.clock.monotonic() >= lostAt + 2_000, 'a heartbeat');
  return e.driver.deploys().length;
}

async function assertStopped(e: Engine, applying: Promise<unknown>, deploysAtLoss: number): Promise<void> {
  const result = await settle(applying);
  assert.deepEqual(e.driver.deploys().slice(deploysAtLoss), [], 'no deploy started after the lock was lost');
  assert.ok('error' in result, `the apply ended as ${JSON.stringify(result)}`);
  assert.ok(result.error instanceof LockLostError, String(result.error));
  assert.match(result.error.message, /it is now held by bob@elsewhere \(pid 7\)/);
  assert.equal((await e.store.currentLock(ENV))?.token, 'other', "the new holder's lock is left alone");
}

describe('rollout engine: the lock lost', () => {
  test('during a deploy: the step in flight ends, nothing more is deployed', async () => {
    const e = await engineFor({ services: [{ name: 'a' }, { name: 'b' }] });
    e.driver.script({ service: 'a', commit: V2 }, { kind: 'slow' });
    const applying = e.apply();
    await e.driver.untilStarting(ENV, 'a');
    const atLoss = await takeLockAway(e);
    e.driver.finishStart(ENV, 'a');
    await assertStopped(e, applying, atLoss);
    assert.deepEqual(e.driver.versions(ENV), { a: V2, b: V1 });
  });

  test('during a bake: the next batch never starts', async () => {
    const e = await engineFor({ bake: '30s', services: [{ name: 'a' }, { name: 'b' }] });
    const applying = e.apply();
    await until(() => e.events.some((ev) => ev.type === 'gate' && ev.gate === 'bake' && ev.phase === 'started'), 'the bake');
    const atLoss = await takeLockAway(e);
    await assertStopped(e, applying, atLoss);
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`]);
  });
});
