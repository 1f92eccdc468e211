import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { engineFor, ENV, V2 } from '../support/engine-harness.js';

// applyRelease decides under the environment's lock: a plan is made before the lock is held, so
// what runs is compared with the plan's basis once it is.

describe('apply: the plan against what runs, under the lock', () => {
  test('a plan made before another release went out is refused under the lock, deploying nothing', async () => {
    const e = await engineFor({ services: [{ name: 'api' }, { name: 'web', dependsOn: ['api'] }] });
    const first = await e.apply();
    assert.equal(first.status, 'succeeded', first.summary);
    const deploys = e.driver.deploys().length;
    const releases = (await e.store.listReleases({ env: ENV })).length;

    // The same plan, made when v1 ran: another operator's release has moved the fleet since.
    const outcome = await e.attempt();
    assert.ok('refused' in outcome, JSON.stringify(outcome));
    assert.equal(outcome.by, 'moved');
    assert.equal(outcome.refused.length, 1);
    assert.match(
      outcome.refused[0]!.message,
      /^what runs in prod changed while this apply waited for the lock \(release prod-\S+, by tester@suite\), and is no longer what the plan starts from: api at 1111111 \(config hmac:\w+\) in the plan, at 2222222 \(config hmac:\w+\) now \(and 1 more\); run tranche apply again$/,
    );
    assert.equal(e.driver.deploys().length, deploys, 'nothing deployed');
    assert.equal((await e.store.listReleases({ env: ENV })).length, releases, 'no release recorded');
    assert.equal(await e.store.currentLock(ENV), undefined, 'the lock is released');
    assert.deepEqual(await e.recorded(), { api: V2, web: V2 });
  });

  test('an approved plan whose basis moved is stale, with what moved', async () => {
    const e = await engineFor({ services: [{ name: 'api' }] });
    await e.apply();
    const outcome = await e.attempt(e.plan);
    assert.ok('stale' in outcome, JSON.stringify(outcome));
    assert.deepEqual(outcome.stale.newErrors, []);
    assert.equal(outcome.stale.differences.length, 1);
    assert.match(outcome.stale.differences[0]!, /^what runs in prod is not what the plan started from: api /);
  });

  test('a plan whose basis still holds goes out', async () => {
    const e = await engineFor({ services: [{ name: 'api' }] });
    const outcome = await e.attempt(e.plan);
    assert.ok('status' in outcome, JSON.stringify(outcome));
    assert.equal(outcome.status, 'succeeded');
  });
});
