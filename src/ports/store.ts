import type { Finding } from '../core/finding.js';

/**
 * tranche's state: releases, their step journal and check results, what is deployed where, locks
 * and freezes. Two implementations (SQLite, Postgres) pass one contract suite
 * (`test/adapters/stores/store-contract.ts`). No secret value is ever given to a store: config is
 * stored as shown values (secrets as fingerprints) and a hash.
 */
export interface Store extends ReleaseStore, DeployedStore, LockStore, FreezeStore {
  /** Brings the schema to the current version (idempotent; safe to call at every start). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export type ReleaseStatus =
  | 'running'
  | 'succeeded'
  | 'failed' // a gate failed and the rollback completed
  | 'rollback-failed' // a gate failed and the rollback did not complete: needs an operator
  | 'paused' // on_failure: pause, waiting for the operator
  | 'rolled-back'; // rolled back on request

/** One release of one environment, as recorded. */
export interface Release {
  id: string;
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
  /** What this record is about. */
  kind: 'release' | 'batch' | 'deploy' | 'rollback' | 'gate';
  event: 'started' | 'succeeded' | 'failed' | 'skipped';
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

export interface ReleaseStore {
  createRelease(release: Release): Promise<void>;
  updateRelease(id: string, patch: Partial<Pick<Release, 'status' | 'finishedAt' | 'summary'>>): Promise<void>;
  getRelease(id: string): Promise<Release | undefined>;
  /** Newest first. */
  listReleases(filter?: { env?: string; limit?: number }): Promise<Release[]>;
  /** Appends and returns the entry's seq. */
  appendJournal(entry: JournalEntry): Promise<number>;
  /** In seq order. */
  journal(releaseId: string): Promise<JournalEntry[]>;
  recordCheck(record: CheckRecord): Promise<void>;
  checks(releaseId: string): Promise<CheckRecord[]>;
  recordFindings(releaseId: string, findings: Finding[]): Promise<void>;
  findings(releaseId: string): Promise<Finding[]>;
}

export interface DeployedStore {
  /** Service → deployed state in `env`. */
  deployed(env: string): Promise<Map<string, DeployedService>>;
  /**
   * Records a finished step atomically with its journal entry: either both are stored or neither,
   * so a crash never leaves a deployed state the journal does not explain. `state: null` records
   * that nothing runs any more (a first deploy rolled back).
   */
  completeStep(entry: JournalEntry, service: string, state: DeployedService | null): Promise<number>;
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

export interface LockStore {
  /** Takes the lock when free; otherwise returns the current holder. Atomic across processes and machines. */
  acquireLock(holder: LockHolder): Promise<{ acquired: true } | { acquired: false; holder: LockHolder }>;
  heartbeat(env: string, token: string, at: string): Promise<void>;
  releaseLock(env: string, token: string): Promise<void>;
  /** Removes whoever holds the lock; returns who it was. */
  breakLock(env: string): Promise<LockHolder | undefined>;
  currentLock(env: string): Promise<LockHolder | undefined>;
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

export interface FreezeStore {
  freeze(freeze: Freeze): Promise<void>;
  unfreeze(env: string, service?: string): Promise<boolean>;
  freezes(env?: string): Promise<Freeze[]>;
}
