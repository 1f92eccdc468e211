import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../../src/core/finding.js';
import { comparePlans, notShownIn } from '../../../src/core/plan/compare-plans.js';
import { C1, C2, C3, copy, fixturePlan } from './plan-fixture.js';

const missing: Finding = {
  rule: 'config/missing',
  severity: 'error',
  service: 'api',
  env: 'prod',
  key: 'DB_URL',
  message: 'DB_URL is required and no source sets it',
};
const frozen: Finding = {
  rule: 'change/frozen',
  severity: 'error',
  service: 'api',
  env: 'prod',
  message: 'prod is frozen (migration, by ops) and this change touches the code of api',
};

describe('comparePlans', () => {
  test('a plan holds against itself re-made from the same input: nothing differs, no new error', () => {
    const saved = fixturePlan();
    assert.deepEqual(
      saved.batches.map((b) => [b.kind, b.services]),
      [
        ['config', ['worker']],
        ['code', ['auth']],
        ['code', ['api']],
        ['code', ['web']],
      ],
    );
    assert.deepEqual(comparePlans(copy(saved), fixturePlan()), { differences: [], newErrors: [] });
  });

  test('error findings emptied from the saved plan are the error findings it does not show; warnings are not held against it', () => {
    const now = fixturePlan({ findings: [missing, { rule: 'change/no-intent', severity: 'warn', env: 'prod', message: 'no intent' }] });
    const saved = { ...copy(now), findings: [] };
    assert.deepEqual(comparePlans(saved, now), { differences: [], newErrors: [missing] });
  });

  test('an error finding the saved plan showed is no news; one with another message is', () => {
    const now = fixturePlan({ findings: [missing, frozen] });
    const saved = { ...copy(now), findings: [missing] };
    assert.deepEqual(comparePlans(saved, now).newErrors, [frozen]);
    assert.deepEqual(notShownIn(saved, [{ ...missing, message: 'DB_URL is required' }]), [{ ...missing, message: 'DB_URL is required' }]);
  });

  test('an edited version, content id or config hash names the step, its batch and both values', () => {
    const now = fixturePlan();
    const saved = copy(now);
    saved.batches[2]!.steps[0]!.to.commit = C3;
    saved.batches[1]!.steps[0]!.to.configHash = 'sha256:ffff';
    saved.batches[3]!.steps[0]!.to.contentId = 'web-9';
    assert.deepEqual(
      comparePlans(saved, now).differences,
      [
        'step auth in batch 2: config sha256:ffff in the plan, sha256:b1 now (a config source git does not track changed?)',
        'step api in batch 3: version 3333333 in the plan, 2222222 now',
        'step web in batch 4: content web-9 in the plan, web-2 now',
      ].sort((a, b) => order(a) - order(b)),
    );
  });

  test('an edited rollback target is named as the rollback of its service', () => {
    const now = fixturePlan();
    const saved = copy(now);
    const step = saved.batches[2]!.steps[0]!;
    assert.equal(step.rollback.action, 'redeploy');
    if (step.rollback.action === 'redeploy') step.rollback.to.commit = C3;
    assert.deepEqual(comparePlans(saved, now).differences, [
      'rollback of api: redeploy 3333333 (config sha256:a1) in the plan, redeploy 1111111 (config sha256:a1) now',
    ]);
    const stopped = copy(now);
    stopped.batches[2]!.steps[0]!.rollback = { action: 'stop' };
    assert.deepEqual(comparePlans(stopped, now).differences, ['rollback of api: stop in the plan, redeploy 1111111 (config sha256:a1) now']);
  });

  test('reordered batches are a different batch order', () => {
    const now = fixturePlan();
    const saved = copy(now);
    [saved.batches[1], saved.batches[2]] = [saved.batches[2]!, saved.batches[1]!];
    saved.batches.forEach((b, i) => (b.index = i + 1));
    assert.deepEqual(comparePlans(saved, now).differences, [
      'batch order: 1 (config): worker; 2 (code): api; 3 (code): auth; 4 (code): web in the plan, 1 (config): worker; 2 (code): auth; 3 (code): api; 4 (code): web now',
    ]);
  });

  test('a batch whose list of services is not what its steps deploy, or that is misnumbered, is named', () => {
    const now = fixturePlan();
    const saved = copy(now);
    saved.batches[1]!.services = ['auth', 'web'];
    saved.batches[3]!.index = 7;
    assert.deepEqual(comparePlans(saved, now).differences, ['batch 2 of the plan lists auth, web but deploys auth', 'batch 4 of the plan is numbered 7']);
  });

  test('a changed policy names the field and both values', () => {
    const now = fixturePlan();
    const saved = copy(now);
    saved.policy.on_failure = 'pause';
    saved.policy.batch_size = 5;
    assert.deepEqual(comparePlans(saved, now).differences, [
      'policy: batch_size 5 in the plan, 2 now',
      'policy: on_failure pause in the plan, rollback-batch now',
    ]);
    assert.deepEqual(comparePlans(fixturePlan({ onFailure: 'rollback-release' }), now).differences, [
      'policy: on_failure rollback-release in the plan, rollback-batch now',
    ]);
  });

  test('edited gates are named with their batch', () => {
    const now = fixturePlan();
    const saved = copy(now);
    saved.batches[2]!.gates.health = [];
    assert.deepEqual(comparePlans(saved, now).differences, [
      'gates of batch 3: health (none); sanity api: api answers; bake 2s in the plan, health api; sanity api: api answers; bake 2s now',
    ]);
  });

  test('what runs moving since the plan names the service, then and now, and the steps it changes', () => {
    const saved = fixturePlan();
    const now = fixturePlan({
      deployed: {
        api: { version: { commit: C3, contentId: 'api-3', configHash: 'sha256:a1' }, shown: { GREETING: 'hi' } },
        auth: { version: { commit: C1, contentId: 'auth-1', configHash: 'sha256:b1' }, shown: {} },
        worker: { version: { commit: C1, contentId: 'worker-1', configHash: 'sha256:c1' }, shown: { GREETING: 'old' } },
      },
    });
    const { differences } = comparePlans(saved, now);
    assert.equal(
      differences[0],
      'what runs in prod is not what the plan started from: api at 1111111 (config sha256:a1) in the plan, at 3333333 (config sha256:a1) now',
    );
    assert.ok(
      differences.includes('step api in batch 3: starts from 1111111 (config sha256:a1) in the plan, 3333333 (config sha256:a1) now'),
      differences.join('\n'),
    );
    assert.ok(
      differences.includes('rollback of api: redeploy 1111111 (config sha256:a1) in the plan, redeploy 3333333 (config sha256:a1) now'),
      differences.join('\n'),
    );
  });

  test('a step the plan has that deploys nothing now, one it lacks, and one it has twice', () => {
    const now = fixturePlan({ targets: { worker: { version: { commit: C2, contentId: 'worker-1', configHash: 'sha256:c1' }, shown: { GREETING: 'old' } } } });
    const saved = fixturePlan();
    assert.ok(comparePlans(saved, now).differences.includes('step worker in batch 1: in the plan, but worker has nothing to deploy now'));
    assert.ok(comparePlans(now, saved).differences.includes('step worker: not in the plan, but deploys now (batch 1)'));
    const twice = copy(saved);
    twice.batches[3]!.steps.push(copy(saved).batches[1]!.steps[0]!);
    assert.ok(comparePlans(twice, saved).differences.includes('step auth is in the plan twice (batches 2 and 4)'));
  });

  test('an edited shown config change, step kind, fleet or target is named', () => {
    const now = fixturePlan();
    const saved = copy(now);
    saved.batches[0]!.steps[0]!.configChanges = { GREETING: ['old', 'approved'] };
    saved.batches[1]!.steps[0]!.change = 'config';
    saved.fleet = 'other';
    saved.to.commit = C1;
    assert.deepEqual(comparePlans(saved, now).differences, [
      'fleet: other in the plan, shop here',
      `target: 1111111 in the plan, 2222222 now`,
      "target: the plan's basis names 2222222, its target 1111111",
      'step worker in batch 1: config GREETING old → approved in the plan, old → new now',
      'step auth in batch 2: a config change in the plan, code now',
    ]);
  });
});

/** Lines about steps come in the order of the plan's batches. */
const order = (line: string) => Number(/batch (\d+)/.exec(line)?.[1] ?? 0);
