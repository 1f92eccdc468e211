import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan } from '../../../src/core/plan/plan.js';
import { planStaleness } from '../../../src/core/plan/plan-staleness.js';
import { frozenSteps } from '../../../src/core/state/frozen-changes.js';

const v = (commit: string, configHash = 'h1') => ({ commit, contentId: `${commit}-content`, configHash });
const plan = (deployed: Record<string, ReturnType<typeof v>>, to: ReturnType<typeof v>, change: 'code' | 'config' = 'code'): Plan => ({
  format: 1,
  fleet: 'f',
  env: 'prod',
  createdAt: 't',
  to: { commit: 'c2', label: 'c2' },
  basis: { deployed, toCommit: 'c2' },
  policy: { batch_size: 3, bake: 0, on_failure: 'rollback-batch' },
  findings: [],
  batches: [{ index: 1, kind: change === 'config' ? 'config' : 'code', services: ['api'], steps: [{ service: 'api', change, to, rollback: { action: 'stop' }, configChanges: {} }], gates: { health: [], sanity: {}, bakeMs: 0 }, reasons: [] }],
  unchanged: [],
});

describe('planStaleness', () => {
  test('holds while nothing moved', () => {
    assert.equal(planStaleness(plan({ api: v('c1') }, v('c2')), plan({ api: v('c1') }, v('c2'))), undefined);
  });
  test('names the service whose deployed version moved', () => {
    assert.match(planStaleness(plan({ api: v('c1') }, v('c2')), plan({ api: v('c9') }, v('c2')))!, /deployed state moved .*api runs c9/);
  });
  test('names the service whose target config now resolves differently', () => {
    assert.match(planStaleness(plan({}, v('c2', 'h1')), plan({}, v('c2', 'h2')))!, /target moved .*api/);
  });
});

describe('frozenSteps', () => {
  const freeze = { env: 'prod', reason: 'migration', allowScope: ['config'], by: 'ops', createdAt: 't' };
  test('refuses a code change outside the allowed scope, and allows a config one', () => {
    assert.equal(frozenSteps(plan({}, v('c2'), 'code'), [freeze], '2026-01-01').length, 1);
    assert.deepEqual(frozenSteps(plan({}, v('c2'), 'config'), [freeze], '2026-01-01'), []);
  });
  test('ignores freezes that ended, of other environments, or of other services', () => {
    assert.deepEqual(frozenSteps(plan({}, v('c2')), [{ ...freeze, until: '2025-01-01' }], '2026-01-01'), []);
    assert.deepEqual(frozenSteps(plan({}, v('c2')), [{ ...freeze, env: 'dev' }], '2026-01-01'), []);
    assert.deepEqual(frozenSteps(plan({}, v('c2')), [{ ...freeze, service: 'web' }], '2026-01-01'), []);
  });
});
