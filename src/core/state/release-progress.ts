import type { Plan } from '../plan/plan.js';
import type { JournalEntry } from './records.js';

/**
 * Where a step stands, read from the journal alone. `in-doubt`: started and never finished —
 * tranche died while the driver was working, so the service may run either version; running the
 * same action again settles it, because drivers are idempotent.
 */
type ActionState = 'pending' | 'in-doubt' | 'done' | 'failed';

interface StepProgress {
  service: string;
  batch: number;
  deploy: ActionState;
  rollback: ActionState;
}

export interface ReleaseProgress {
  steps: Map<string, StepProgress>;
  /** Batches whose gates all passed. */
  passed: Set<number>;
  /** Batches whose gates failed. */
  failed: Set<number>;
  /** Whether any rollback has started. */
  rollingBack: boolean;
  /** The last rollback begun: which services it undoes, and the status and summary it ends with. */
  undo?: { services: string[]; status: string; summary: string };
  /** The first batch that has not passed, if any. */
  nextBatch?: number;
}

/** Reads a release's journal against its plan: what was done, what failed, what is in doubt. */
export function releaseProgress(plan: Plan, journal: readonly JournalEntry[]): ReleaseProgress {
  const steps = new Map<string, StepProgress>();
  for (const batch of plan.batches) {
    for (const step of batch.steps) steps.set(step.service, { service: step.service, batch: batch.index, deploy: 'pending', rollback: 'pending' });
  }
  const passed = new Set<number>();
  const failed = new Set<number>();
  let rollingBack = false;
  let undo: ReleaseProgress['undo'];
  for (const entry of journal) {
    if (entry.kind === 'rollback' && !entry.service && entry.event === 'started' && entry.detail) {
      undo = entry.detail as NonNullable<ReleaseProgress['undo']>;
    }
    if (entry.kind === 'batch' && entry.event === 'succeeded') passed.add(entry.batch);
    if (entry.kind === 'batch' && entry.event === 'failed') failed.add(entry.batch);
    if ((entry.kind !== 'deploy' && entry.kind !== 'rollback') || !entry.service) continue;
    const step = steps.get(entry.service);
    if (!step) continue;
    if (entry.kind === 'rollback') rollingBack = true;
    const field = entry.kind === 'deploy' ? 'deploy' : 'rollback';
    step[field] = entry.event === 'started' ? 'in-doubt' : entry.event === 'succeeded' ? 'done' : entry.event === 'failed' ? 'failed' : step[field];
    // A new deploy after a rollback (resume after rollback-batch) starts the step over.
    if (field === 'deploy' && entry.event === 'started') step.rollback = 'pending';
  }
  const next = plan.batches.find((b) => !passed.has(b.index))?.index;
  return { steps, passed, failed, rollingBack, ...(undo ? { undo } : {}), ...(next !== undefined ? { nextBatch: next } : {}) };
}

/**
 * Steps whose outcome the journal cannot tell, and which action is in doubt: a rollback started
 * and never finished, or a deploy started and never finished that no rollback has settled since.
 */
export function inDoubtSteps(progress: ReleaseProgress): InDoubtStep[] {
  return [...progress.steps.values()].flatMap((step): InDoubtStep[] => {
    if (step.rollback === 'in-doubt') return [{ service: step.service, batch: step.batch, action: 'rollback' }];
    if (step.deploy === 'in-doubt' && step.rollback !== 'done') return [{ service: step.service, batch: step.batch, action: 'deploy' }];
    return [];
  });
}

export interface InDoubtStep {
  service: string;
  batch: number;
  action: 'deploy' | 'rollback';
}

/** Steps that have touched the target and are not yet undone: what a rollback must restore, latest first. */
export function stepsToUndo(plan: Plan, progress: ReleaseProgress): string[] {
  const order = plan.batches.flatMap((b) => b.steps.map((s) => s.service));
  return order
    .filter((service) => {
      const step = progress.steps.get(service)!;
      return step.deploy !== 'pending' && step.rollback !== 'done';
    })
    .reverse();
}
