import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { engineFor, ENV, V1, V2, type Engine, type FleetSpec } from '../support/engine-harness.js';

// What becomes of a release whose second batch fails, for each on_failure, and what rolling back
// a release that was already rolled back (or whose rollback failed) does.

/** Three services in three batches; b, in batch 2, fails its sanity check on V2. */
async function failingSecondBatch(onFailure: FleetSpec['onFailure']): Promise<Engine> {
  const e = await engineFor({ onFailure, services: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }, { name: 'c', dependsOn: ['b'] }] });
  e.checks.script('b', 'b works', () => e.driver.versions(ENV).b !== V2);
  return e;
}

describe('rollout engine: on_failure', () => {
  test('rollback-batch: the failed batch is rolled back, the batches before it stay', async () => {
    const e = await failingSecondBatch('rollback-batch');
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.summary, /; batch 2 was rolled back$/);
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`, `b@${V2}`, `↩b@${V1}`]);
    assert.deepEqual(e.driver.versions(ENV), { a: V2, b: V1, c: V1 });
    assert.deepEqual(await e.recorded(), { a: V2, b: V1, c: V1 });
  });

  test('rollback-release: every batch deployed is rolled back, latest first', async () => {
    const e = await failingSecondBatch('rollback-release');
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.summary, /; the whole release was rolled back$/);
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`, `b@${V2}`, `↩b@${V1}`, `↩a@${V1}`]);
    assert.deepEqual(e.driver.versions(ENV), { a: V1, b: V1, c: V1 });
    assert.deepEqual(await e.recorded(), { a: V1, b: V1, c: V1 });
  });

  test('pause: the release waits for the operator with what was deployed left as it is, and resume goes on from the failed batch', async () => {
    const e = await failingSecondBatch('pause');
    const outcome = await e.apply();
    assert.equal(outcome.status, 'paused');
    assert.match(outcome.summary, /paused: fix and run tranche resume, or tranche rollback$/);
    assert.deepEqual(e.driver.versions(ENV), { a: V2, b: V2, c: V1 });
    assert.equal((await e.latest()).finishedAt, undefined);
    e.checks.unscript('b', 'b works');
    const resumed = await e.resume();
    assert.equal(resumed.status, 'succeeded', resumed.summary);
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`, `b@${V2}`, `c@${V2}`], 'no step done is done again');
    const batch2 = e.events.filter((ev) => ev.type === 'gate' && ev.batch === 2 && ev.gate === 'sanity').map((ev) => ev.type === 'gate' && ev.phase);
    assert.deepEqual(batch2, ['started', 'failed', 'started', 'passed'], "the failed batch's gates run again");
    assert.deepEqual(e.driver.versions(ENV), { a: V2, b: V2, c: V2 });
  });

  test('a release that is new to the environment is undone by stopping it', async () => {
    const e = await engineFor({
      services: [
        { name: 'fresh', change: 'new' },
        { name: 'old', change: 'none' },
      ],
    });
    e.checks.script('fresh', 'fresh works', false);
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(
      e.driver.calls.filter((c) => c.op === 'deploy' || c.op === 'stop').map((c) => `${c.op} ${c.service}`),
      ['deploy fresh', 'stop fresh'],
    );
    assert.deepEqual(e.driver.versions(ENV), { old: V1 });
    assert.deepEqual(await e.recorded(), { old: V1 });
  });
});

describe('rollout engine: rolling back again', () => {
  test('a release rolled back on request, rolled back again, deploys nothing more and stays rolled back', async () => {
    const e = await engineFor({ services: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }] });
    assert.equal((await e.apply()).status, 'succeeded');
    const first = await e.rollback();
    assert.equal(first.status, 'rolled-back');
    assert.deepEqual(e.driver.versions(ENV), { a: V1, b: V1 });
    const deploys = e.driver.deploys().length;
    const again = await e.rollback('rolled back twice');
    assert.equal(again.status, 'rolled-back');
    assert.equal(e.driver.deploys().length, deploys, 'nothing was deployed again');
    assert.deepEqual(e.driver.versions(ENV), { a: V1, b: V1 });
    assert.deepEqual(await e.recorded(), { a: V1, b: V1 });
  });

  test('a rollback that failed is rollback-failed; once the cause is fixed, rolling back again completes it', async () => {
    const e = await engineFor({ onFailure: 'rollback-release', services: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }] });
    e.checks.script('b', 'b works', () => e.driver.versions(ENV).b !== V2);
    e.driver.script({ service: 'a', commit: V1, action: 'rollback' }, { kind: 'fails', message: 'the registry is unreachable' });
    const outcome = await e.apply();
    assert.equal(outcome.status, 'rollback-failed');
    assert.match(outcome.summary, /the rollback did not complete: a: .*the registry is unreachable/);
    assert.deepEqual(e.driver.versions(ENV), { a: V2, b: V1 });
    assert.deepEqual(await e.recorded(), { a: V2, b: V1 });

    e.driver.script({ service: 'a', commit: V1, action: 'rollback' }, { kind: 'starts' });
    const before = e.driver.deploys().length;
    const again = await e.rollback();
    assert.equal(again.status, 'rolled-back', again.summary);
    assert.deepEqual(e.driver.deploys().slice(before), [`↩a@${V1}`], 'only what was left is undone');
    assert.deepEqual(e.driver.versions(ENV), { a: V1, b: V1 });
    assert.deepEqual(await e.recorded(), { a: V1, b: V1 });
  });

  test('a rollback whose previous version is not healthy is not reported as done: it pauses, saying which gate failed', async () => {
    const e = await engineFor({ services: [{ name: 'a' }] });
    e.checks.script('a', 'a works', false).script('a', 'health', () => e.driver.versions(ENV).a === V2);
    const outcome = await e.apply();
    assert.equal(outcome.status, 'paused');
    assert.match(outcome.summary, /^rollback paused: batch 1 was restored and failed its health gate/);
    assert.match(outcome.summary, /tranche rollback --env prod restores and checks it again/);
    assert.deepEqual(e.driver.versions(ENV), { a: V1 }, 'the previous version was restored');
  });
});
