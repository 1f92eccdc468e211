import type { Finding } from '../core/finding.js';
import type { CheckRecord, DeployedService, Freeze, JournalEntry, LockHolder, Release } from '../core/state/records.js';

export type { CheckRecord, DeployedService, Freeze, JournalEntry, LockHolder, Release } from '../core/state/records.js';

/**
 * tranche's state: releases, their step journal and check results, what is deployed where, locks
 * and freezes. Two implementations (SQLite, Postgres) pass one contract suite
 * (`test/adapters/stores/store-contract.ts`). No secret value is ever given to a store: config is
 * stored as shown values (secrets as fingerprints) and a hash, both keyed by the store's own
 * fingerprint key.
 */
export interface Store extends ReleaseStore, DeployedStore, LockStore, FreezeStore {
  /** Brings the schema to the current version (idempotent; safe to call at every start). */
  migrate(): Promise<void>;
  /**
   * The key every fingerprint and config hash this store records is made with (PRODUCT §4): 64
   * hex digits. A store holds one for ever; the first call stores `proposed` (fresh random bytes,
   * or a key fingerprints were already shown with). Atomic across processes and machines: when
   * several make it at once, every one of them gets the one stored.
   */
  fingerprintKey(proposed: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Who may write a release's records: the holder of its environment's lock, named by the token it
 * took the lock with. Every write that belongs to a release takes one as its last argument; the
 * store checks, atomically with the write, that `token` holds the lock of `env` and that `env` is
 * the release's environment, and otherwise refuses with `LockLostError`, writing nothing. So a
 * process whose lock was broken (it stalled, its heartbeat failed) can never write over the
 * release its successor is handling, whatever it still believes.
 */
export interface Fence {
  env: string;
  token: string;
}

/** The writes of a release (all fenced) and the reads of what they wrote. */
interface ReleaseStore {
  createRelease(release: Release, fence: Fence): Promise<void>;
  updateRelease(id: string, patch: Partial<Pick<Release, 'status' | 'finishedAt' | 'summary'>>, fence: Fence): Promise<void>;
  getRelease(id: string): Promise<Release | undefined>;
  /** Newest first. */
  listReleases(filter?: { env?: string; limit?: number }): Promise<Release[]>;
  /** Appends and returns the entry's seq. */
  appendJournal(entry: JournalEntry, fence: Fence): Promise<number>;
  /** In seq order. */
  journal(releaseId: string): Promise<JournalEntry[]>;
  recordCheck(record: CheckRecord, fence: Fence): Promise<void>;
  checks(releaseId: string): Promise<CheckRecord[]>;
  recordFindings(releaseId: string, findings: Finding[], fence: Fence): Promise<void>;
  findings(releaseId: string): Promise<Finding[]>;
}

interface DeployedStore {
  /** Service → deployed state in `env`. */
  deployed(env: string): Promise<Map<string, DeployedService>>;
  /**
   * Records a finished step atomically with its journal entry: either both are stored or neither,
   * so a crash never leaves a deployed state the journal does not explain. `state: null` records
   * that nothing runs any more (a first deploy rolled back).
   */
  completeStep(entry: JournalEntry, service: string, state: DeployedService | null, fence: Fence): Promise<number>;
}

/** Who takes a lock: the store stamps it with its own time. */
export type LockRequest = Omit<LockHolder, 'acquiredAt' | 'heartbeatAt'>;

/** A lock's holder as the store sees it now: `silentMs` is how long since its last heartbeat, by the store's clock. */
export type LockState = LockHolder & { silentMs: number };

/**
 * The environment locks. Every time a lock carries (taken, last heartbeat, how long silent) is
 * the store's own clock — the database's for Postgres — so processes on hosts whose clocks
 * disagree, or whose clock is stepped, judge a holder's silence alike.
 */
interface LockStore {
  /** Takes the lock when free; otherwise returns the current holder. Atomic across processes and machines. */
  acquireLock(holder: LockRequest): Promise<{ acquired: true } | { acquired: false; holder: LockState }>;
  /**
   * Stamps the holder's heartbeat with the store's time; throws LockLostError when `token` no
   * longer holds the lock. With `releaseId`, the holder names the release it works on from now on
   * (one chosen once the lock was held: resume, rollback).
   */
  heartbeat(env: string, token: string, releaseId?: string): Promise<void>;
  releaseLock(env: string, token: string): Promise<void>;
  /** Removes whoever holds the lock; returns who it was. */
  breakLock(env: string): Promise<LockHolder | undefined>;
  currentLock(env: string): Promise<LockState | undefined>;
}

interface FreezeStore {
  freeze(freeze: Freeze): Promise<void>;
  unfreeze(env: string, service?: string): Promise<boolean>;
  freezes(env?: string): Promise<Freeze[]>;
}

/**
 * A heartbeat or a fenced write for a lock this process no longer holds: it was broken (and maybe
 * taken by someone else) or released. The release must stop rather than go on without the lock.
 * `holder`: who holds it now, if anyone. `why`, when given, says why the lock is taken for lost
 * instead of who holds it (the store could not be reached for too long).
 */
export class LockLostError extends Error {
  constructor(
    readonly env: string,
    readonly token: string,
    readonly holder: LockHolder | undefined,
    options?: { why: string; cause?: unknown },
  ) {
    const now = options?.why ?? (holder ? `it is now held by ${holder.user}@${holder.host} (pid ${holder.pid})` : 'nobody holds it now');
    super(`the lock on ${env} is no longer held by this process (token ${token}): ${now}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LockLostError';
  }
}

/**
 * The store cannot do what it was asked, for a reason outside tranche: it cannot be reached, it is
 * damaged, full, read-only, or newer than this tranche. `where` names the store (a URL without
 * its password, or a file); the message says what happened and what to do about it. `opening`:
 * it failed while being opened, before the command had read or written anything in it.
 */
export class StoreFaultError extends Error {
  constructor(
    readonly where: string,
    message: string,
    readonly opening: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreFaultError';
  }
}
