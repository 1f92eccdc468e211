/** The records tranche keeps about releases, persisted through the `Store` port. Plain JSON, no secret values. */

import type { ChangeKind } from '../changes/change-manifest.js';
import type { Plan } from '../plan/plan.js';

export type ReleaseStatus =
  | 'running'
  | 'succeeded'
  | 'failed' // a gate failed and the rollback completed
  | 'rollback-failed' // a gate failed and the rollback did not complete: needs an operator
  | 'paused' // on_failure: pause, waiting for the operator
  | 'rolled-back'; // rolled back on request

/** The statuses of a release that has not ended: it holds its environment until resumed or rolled back. */
const UNFINISHED_STATUSES: readonly ReleaseStatus[] = ['running', 'paused', 'rollback-failed'];

/** Whether a release with this status has not ended (`UNFINISHED_STATUSES`). */
export function isUnfinished(status: ReleaseStatus): boolean {
  return UNFINISHED_STATUSES.includes(status);
}

/**
 * What a record of the release history is: a `release` deploys a plan; an `adoption` records
 * what already runs (`tranche adopt`), deploying nothing — its plan has no batches.
 */
type ReleaseKind = 'release' | 'adoption';

/** One release of one environment, as recorded. */
export interface Release {
  id: string;
  kind: ReleaseKind;
  env: string;
  status: ReleaseStatus;
  intent?: string;
  scope?: ChangeKind[];
  /** The deployed fleet commit the release started from, when one was recorded. */
  fromCommit?: string;
  toCommit: string;
  /** Who ran it: user, host and pid of the tranche process. */
  by: { user: string; host: string; pid: number };
  startedAt: string;
  finishedAt?: string;
  /** One line a person reads: what happened and why. */
  summary?: string;
  /**
   * The plan the release executes (plain JSON, no secrets). A store gives back only a plan that
   * reads as one (`checkPlan`): one that does not is a damaged record, said with the release.
   */
  plan: Plan;
}

/** A journal record: written before a driver is called and after it returns. Never updated, only appended. */
export interface JournalEntry {
  releaseId: string;
  /** Assigned by the store: 1, 2, 3... per release, in write order. */
  seq?: number;
  at: string;
  batch: number;
  service?: string;
  /**
   * What this record is about (`adopt`: a service recorded as running by an adoption; `lock`: the
   * environment's lock, not a step — it changes nothing of where the release stands).
   */
  kind: 'release' | 'batch' | 'deploy' | 'rollback' | 'gate' | 'adopt' | 'lock';
  /**
   * `stopped` (kind `release`): an operator's stop was acted on — `detail.by` the signal, `detail.atOnce` for a second one.
   * `lock-lost` (kind `release`): the lock was lost and, free, taken again for the release.
   * `taken-over` (kind `lock`): the lock of the process running the release was broken (`--break-lock`)
   * and taken by another — `detail.from` and `detail.by`, each `{ user, host, pid }`.
   */
  event: 'started' | 'succeeded' | 'failed' | 'skipped' | 'stopped' | 'lock-lost' | 'taken-over';
  /** Plain JSON detail: versions, gate name, error message. */
  detail?: Record<string, unknown>;
}

/** Where a check runs in a release: before anything restarts, after a batch, or during its bake. */
export type Gate = 'preflight' | 'health' | 'sanity' | 'bake';

/** The result of one check run during a release. */
export interface CheckRecord {
  releaseId: string;
  at: string;
  batch: number;
  service: string;
  gate: Gate;
  name: string;
  ok: boolean;
  message: string;
  durationMs: number;
}

/** What runs for one service in one environment, as tranche last deployed it. */
export interface DeployedService {
  env: string;
  service: string;
  commit: string;
  /** Content id of the service's paths at that commit (git tree ids), to tell whether its code changed. */
  contentId: string;
  /** Hash of the resolved config (secrets included in the hash, never in clear). */
  configHash: string;
  /** Key → shown value (secrets as fingerprints). */
  config: Record<string, string>;
  releaseId: string;
  deployedAt: string;
}

/** Who holds an environment's lock. */
export interface LockHolder {
  env: string;
  /** Unique per acquisition. */
  token: string;
  user: string;
  host: string;
  pid: number;
  releaseId?: string;
  acquiredAt: string;
  heartbeatAt: string;
}

/** A freeze of an environment (or one service in it), with the scopes still allowed. */
export interface Freeze {
  env: string;
  service?: string;
  reason: string;
  allowScope: ChangeKind[];
  until?: string;
  by: string;
  createdAt: string;
}
