import type { ChangeKind, ChangeManifest } from '../changes/change-manifest.js';
import type { Finding } from '../finding.js';
import type { Policy } from '../manifest/manifest.js';

/** A service at one version: the fleet commit, the content of its paths, the config it runs with. */
export interface VersionRef {
  commit: string;
  contentId: string;
  configHash: string;
}

/** What a step does to its service: why it is in the plan. */
export const STEP_CHANGES = ['new', 'code', 'config', 'code+config'] as const;
export type StepChange = (typeof STEP_CHANGES)[number];

/** What a batch deploys: config-only changes, or code (with or without config). */
export const BATCH_KINDS = ['config', 'code'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

/** Deploy one service to one version; its rollback is known before anything starts. */
export interface Step {
  service: string;
  change: StepChange;
  to: VersionRef;
  /** What runs now; absent for a first deploy. */
  from?: VersionRef;
  /** Undoing the step: redeploy `from`, or stop the service when nothing ran before. */
  rollback: { action: 'redeploy'; to: VersionRef } | { action: 'stop' };
  /** Config keys whose shown value changes (secrets as fingerprints): key → [before, after]. */
  configChanges: Record<string, [string | null, string | null]>;
}

/** What must pass after a batch's steps before the next batch starts. */
export interface Gates {
  /** Services with a health check. */
  health: string[];
  /** Sanity checks by service (names). */
  sanity: Record<string, string[]>;
  /** Milliseconds of bake, with sanity re-run during it. */
  bakeMs: number;
}

export interface Batch {
  index: number;
  /** Config-only changes go out first in their own batches when `policy.separate_config` holds. */
  kind: BatchKind;
  services: string[];
  steps: Step[];
  gates: Gates;
  /** Why the batch is where it is, one line each (ordering constraints it satisfies). */
  reasons: string[];
}

/**
 * A release's plan: findings, then ordered batches of steps. Plain JSON (no secret values), saved
 * with `plan -o` in format 1 (`plan-schema.ts`). `basis` is what the plan was made against. A
 * saved plan is an approval: apply makes the plan again and refuses the file unless it is that
 * plan (`comparePlans`).
 */
/** The plan format this tranche writes and reads. */
export const PLAN_FORMAT = 1;

export interface Plan {
  format: typeof PLAN_FORMAT;
  fleet: string;
  env: string;
  createdAt: string;
  intent?: string;
  scope?: ChangeKind[];
  to: { commit: string; label: string };
  basis: {
    /** The deployed state the plan starts from: service → version (only services deployed). */
    deployed: Record<string, VersionRef>;
    toCommit: string;
  };
  policy: Pick<Policy, 'batch_size' | 'bake' | 'on_failure'>;
  findings: Finding[];
  /** Exactly what the release carries per service (commits, files, config keys, dependencies); absent in plans made before it was recorded. */
  changes?: ChangeManifest;
  batches: Batch[];
  /** Services of the environment that the release leaves as they are. */
  unchanged: string[];
}
