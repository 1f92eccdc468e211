import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan } from '../../../src/core/plan/plan.js';
import { frozenSteps } from '../../../src/core/state/frozen-changes.js';
import type { Freeze } from '../../../src/core/state/records.js';

const v = (commit: string) => ({ commit, contentId: `${commit}-content`, configHash: 'h1' });
const plan = (change: 'code' | 'config'): Plan => ({
  format: 1,
  fleet: 'f',
  env: 'prod',
  createdAt: 't',
  to: { commit: 'c2', label: 'c2' },
  basis: { deployed: {}, toCommit: 'c2' },
  policy: { batch_size: 3, bake: 0, on_failure: 'rollback-batch' },
  findings: [],
  batches: [
    {
      index: 1,
      kind: change,
      services: ['api'],
      steps: [{ service: 'api', change, to: v('c2'), rollback: { action: 'stop' }, configChanges: {} }],
      gates: { health: [], sanity: {}, bakeMs: 0 },
      reasons: [],
    },
  ],
  unchanged: [],
});

describe('frozenSteps', () => {
  const freeze: Freeze = { env: 'prod', reason: 'migration', allowScope: ['config'], by: 'ops', createdAt: 't' };
  test('refuses a code change outside the allowed scope, and allows a config one', () => {
    assert.equal(frozenSteps(plan('code'), [freeze], '2026-01-01').length, 1);
    assert.deepEqual(frozenSteps(plan('config'), [freeze], '2026-01-01'), []);
  });
  test('ignores freezes that ended, of other environments, or of other services', () => {
    assert.deepEqual(frozenSteps(plan('code'), [{ ...freeze, until: '2025-01-01' }], '2026-01-01'), []);
    assert.deepEqual(frozenSteps(plan('code'), [{ ...freeze, env: 'dev' }], '2026-01-01'), []);
    assert.deepEqual(frozenSteps(plan('code'), [{ ...freeze, service: 'web' }], '2026-01-01'), []);
  });
});
