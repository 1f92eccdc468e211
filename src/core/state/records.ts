/** The records tranche keeps about releases, persisted through the `Store` port. Plain JSON, no secret values. */

export type ReleaseStatus =
  | 'running'
  | 'succeeded'
  | 'failed' // a gate failed and the rollback completed
  | 'rollback-failed' // a gate failed and the rollback did not complete: needs an operator
  | 'paused' // on_failure: pause, waiting for the operator
  | 'rolled-back'; // rolled back on request

/**
 * What a record of the release history is: a `release` deploys a plan; an `adoption` records
 * what already runs (`tranche adopt`), deploying nothing — its plan has no batches.
 */
export type ReleaseKind = 'release' | 'adoption';

/** One release of one environment, as recorded. */
export interface Release {
  id: string;
  kind: ReleaseKind;
  env: string;
  status: ReleaseStatus;
  intent?: string;
  scope?: string[];
  /** The deployed fleet commit the release started from, when one was recorded. */
  fromCommit?: string;
  toCommit: string;
  /** Who ran it: user, host and pid of the tranche process. */
  by: { user: string; host: string; pid: number };
  startedAt: string;
  finishedAt?: string;
  /** One line a person reads: what happened and why. */
  summary?: string;
  /** The plan the release executes (plain JSON, no secrets). */
  plan: unknown;
}

/** A journal record: written before a driver is called and after it returns. Never updated, only appended. */
export interface JournalEntry {
  releaseId: string;
  /** Assigned by the store: 1, 2, 3... per release, in write order. */
  seq?: number;
  at: string;
  batch: number;
  service?: string;
  /** What this record is about (`adopt`: a service recorded as running by an adoption). */
  kind: 'release' | 'batch' | 'deploy' | 'rollback' | 'gate' | 'adopt';
  /**
   * `stopped` (kind `release`): an operator's stop was acted on — `detail.by` the signal, `detail.atOnce`
   * for a second one. `lock-lost` (kind `release`): the lock was lost and, free, taken again for the release.
   */
  event: 'started' | 'succeeded' | 'failed' | 'skipped' | 'stopped' | 'lock-lost';
  /** Plain JSON detail: versions, gate name, error message. */
  detail?: Record<string, unknown>;
}

/** The result of one check run during a release. */
export interface CheckRecord {
  releaseId: string;
  at: string;
  batch: number;
  service: string;
  gate: 'preflight' | 'health' | 'sanity' | 'bake';
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
  allowScope: string[];
  until?: string;
  by: string;
  createdAt: string;
}
