import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LockTakenError } from '../../src/engine/rollout-lock.js';
import { engineFor, ENV, settle, until, V1, V2, type Engine } from '../support/engine-harness.js';

// The environment's lock taken away mid-rollout (broken by another operator, who then holds it).
// The heartbeat notices the loss within one interval (2 s of the clock); the rollout stops at the
// next step boundary, writes nothing more (the new holder may be acting) and ends with
// LockTakenError (exit 3), naming who holds the lock and how to go on.

/**
 * Breaks the lock as another process would and takes it; waits until the rollout says it saw the
 * loss, which must be within one heartbeat interval (2 s of the clock).
 */
async function takeLockAway(e: Engine): Promise<number> {
  await e.store.breakLock(ENV);
  assert.deepEqual(await e.store.acquireLock({ env: ENV, token: 'other', user: 'bob', host: 'elsewhere', pid: 7 }), { acquired: true });
  const lostAt = e.clock.monotonic();
  await until(() => e.events.some((ev) => ev.type === 'note' && ev.message.startsWith('lock lost:')), 'the loss seen');
  assert.ok(
    e.clock.monotonic() - lostAt <= 2_000,
    `the loss was seen ${e.clock.monotonic() - lostAt} ms of the clock after it, more than one heartbeat interval`,
  );
  return e.driver.deploys().length;
}

async function assertStopped(e: Engine, applying: ReturnType<typeof settle>, deploysAtLoss: number): Promise<void> {
  const journaled = (await e.store.journal((await e.latest()).id)).length;
  const result = await applying;
  assert.deepEqual(e.driver.deploys().slice(deploysAtLoss), [], 'no deploy started after the lock was lost');
  assert.ok('error' in result, `the apply ended as ${JSON.stringify(result)}`);
  assert.ok(result.error instanceof LockTakenError, String(result.error));
  assert.match(
    result.error.message,
    /bob@elsewhere \(pid 7\) holds it now: this tranche stopped there and wrote nothing more\. Once they are done, run tranche status --env prod, then tranche resume --env prod/,
  );
  assert.equal(
    (await e.store.journal((await e.latest()).id)).length,
    journaled,
    'nothing was journaled after the loss (the store refuses a write under a lost fence)',
  );
  assert.equal((await e.latest()).status, 'running', 'the release is left as journaled, for the new holder');
  assert.equal((await e.store.currentLock(ENV))?.token, 'other', "the new holder's lock is left alone");
}

describe('rollout engine: the lock lost', () => {
  test('during a deploy: the step in flight ends, nothing more is deployed', async () => {
    const e = await engineFor({ services: [{ name: 'a' }, { name: 'b' }] });
    e.driver.script({ service: 'a', commit: V2 }, { kind: 'slow' });
    const applying = settle(e.apply());
    await e.driver.untilStarting(ENV, 'a');
    const atLoss = await takeLockAway(e);
    e.driver.finishStart(ENV, 'a');
    await assertStopped(e, applying, atLoss);
    assert.deepEqual(e.driver.versions(ENV), { a: V2, b: V1 });
  });

  test('during a bake: the next batch never starts', async () => {
    const e = await engineFor({ bake: '30s', services: [{ name: 'a' }, { name: 'b' }] });
    const applying = settle(e.apply());
    await until(() => e.events.some((ev) => ev.type === 'gate' && ev.gate === 'bake' && ev.phase === 'started'), 'the bake');
    const atLoss = await takeLockAway(e);
    await assertStopped(e, applying, atLoss);
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`]);
  });

  test('broken and left free during a bake: taken again, the loss journaled, on_failure applied (rollback-batch)', async () => {
    const e = await engineFor({ bake: '30s', services: [{ name: 'a' }, { name: 'b' }] });
    const applying = settle(e.apply());
    await until(() => e.events.some((ev) => ev.type === 'gate' && ev.gate === 'bake' && ev.phase === 'started'), 'the bake');
    await e.store.breakLock(ENV);
    const result = await applying;
    assert.ok('value' in result, `the apply ended as ${JSON.stringify(result)}`);
    assert.deepEqual(
      [result.value.status, result.value.summary],
      ['failed', `the lock on ${ENV} was lost during batch 1 (taken again: nobody held it); batch 1 was rolled back (on_failure: rollback-batch)`],
    );
    const journal = await e.store.journal(result.value.releaseId);
    assert.deepEqual(
      journal.filter((j) => j.event === 'lock-lost').map((j) => [j.kind, j.batch, j.detail?.retaken]),
      [['release', 1, true]],
    );
    assert.deepEqual(e.driver.versions(ENV), { a: V1, b: V1 }, 'batch 1 restored; batch 2 never started');
    assert.equal(await e.store.currentLock(ENV), undefined, 'the lock taken again was released at the end');
  });
});
