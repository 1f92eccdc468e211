import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan, Step } from '../../../src/core/plan/plan.js';
import { releaseProgress, stepsToUndo } from '../../../src/core/state/release-progress.js';
import type { JournalEntry } from '../../../src/core/state/records.js';

const v = (commit: string) => ({ commit, contentId: commit, configHash: commit });
const step = (service: string): Step => ({
  service,
  change: 'code',
  to: v('c2'),
  from: v('c1'),
  rollback: { action: 'redeploy', to: v('c1') },
  configChanges: {},
});
const plan: Plan = {
  format: 1,
  fleet: 'f',
  env: 'dev',
  createdAt: '2026-11-29T00:00:00Z',
  to: { commit: 'c2', label: 'c2' },
  basis: { deployed: {}, toCommit: 'c2' },
  policy: { batch_size: 2, bake: 0, on_failure: 'rollback-batch' },
  findings: [],
  batches: [
    { index: 1, kind: 'code', services: ['a', 'b'], steps: [step('a'), step('b')], gates: { health: [], sanity: {}, bakeMs: 0 }, reasons: [] },
    { index: 2, kind: 'code', services: ['c'], steps: [step('c')], gates: { health: [], sanity: {}, bakeMs: 0 }, reasons: [] },
  ],
  unchanged: [],
};
const at = '2026-11-29T00:00:01Z';
const e = (kind: JournalEntry['kind'], event: JournalEntry['event'], batch: number, service?: string, detail?: Record<string, unknown>): JournalEntry => ({
  releaseId: 'r',
  at,
  kind,
  event,
  batch,
  ...(service ? { service } : {}),
  ...(detail ? { detail } : {}),
});

describe('releaseProgress', () => {
  test('a step started and never finished is in doubt; finished ones are done', () => {
    const p = releaseProgress(plan, [
      e('release', 'started', 0),
      e('batch', 'started', 1),
      e('deploy', 'started', 1, 'a'),
      e('deploy', 'started', 1, 'b'),
      e('deploy', 'succeeded', 1, 'b'),
    ]);
    assert.equal(p.steps.get('a')!.deploy, 'in-doubt');
    assert.equal(p.steps.get('b')!.deploy, 'done');
    assert.equal(p.steps.get('c')!.deploy, 'pending');
    assert.equal(p.nextBatch, 1);
    assert.equal(p.rollingBack, false);
  });

  test('a takeover of the lock changes nothing of where the release stands, wherever it falls', () => {
    const journal = [
      e('release', 'started', 0),
      e('deploy', 'started', 1, 'a'),
      e('deploy', 'succeeded', 1, 'a'),
      e('deploy', 'started', 1, 'b'),
      e('batch', 'failed', 1),
      e('rollback', 'started', 0, undefined, { services: ['a'], status: 'failed', summary: 's' }),
      e('rollback', 'started', 1, 'a'),
    ];
    const takeover = e('lock', 'taken-over', 0, undefined, { from: { user: 'a', host: 'h', pid: 1 }, by: { user: 'b', host: 'h', pid: 2 } });
    const without = releaseProgress(plan, journal);
    for (let i = 0; i <= journal.length; i++) {
      assert.deepEqual(releaseProgress(plan, [...journal.slice(0, i), takeover, ...journal.slice(i)]), without, `takeover at ${i}`);
    }
  });

  test('a passed batch moves the release on to the next', () => {
    const p = releaseProgress(plan, [
      e('deploy', 'started', 1, 'a'),
      e('deploy', 'succeeded', 1, 'a'),
      e('deploy', 'started', 1, 'b'),
      e('deploy', 'succeeded', 1, 'b'),
      e('batch', 'succeeded', 1),
    ]);
    assert.deepEqual([...p.passed], [1]);
    assert.equal(p.nextBatch, 2);
  });

  test('remembers the rollback under way and what it undoes; undone steps are not undone twice', () => {
    const journal = [
      e('deploy', 'started', 1, 'a'),
      e('deploy', 'succeeded', 1, 'a'),
      e('deploy', 'started', 1, 'b'),
      e('deploy', 'failed', 1, 'b'),
      e('batch', 'failed', 1),
      e('rollback', 'started', 0, undefined, { services: ['b', 'a'], status: 'failed', summary: 'batch 1 failed' }),
      e('rollback', 'started', 1, 'b'),
      e('rollback', 'succeeded', 1, 'b'),
      e('rollback', 'started', 1, 'a'),
    ];
    const p = releaseProgress(plan, journal);
    assert.deepEqual(p.undo, { services: ['b', 'a'], status: 'failed', summary: 'batch 1 failed' });
    assert.equal(p.steps.get('a')!.rollback, 'in-doubt');
    assert.deepEqual(stepsToUndo(plan, p), ['a']);
    assert.deepEqual([...p.failed], [1]);
  });

  test('steps to undo are every touched step, latest first, in doubt ones included', () => {
    const p = releaseProgress(plan, [
      e('deploy', 'started', 1, 'a'),
      e('deploy', 'succeeded', 1, 'a'),
      e('deploy', 'started', 1, 'b'),
      e('batch', 'succeeded', 1),
      e('deploy', 'started', 2, 'c'),
    ]);
    assert.deepEqual(stepsToUndo(plan, p), ['c', 'b', 'a']);
  });
});
