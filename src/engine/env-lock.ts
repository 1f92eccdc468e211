import { randomUUID } from 'node:crypto';
import { withCleanupError } from '../core/cleanup.js';
import type { LockHolder } from '../core/state/records.js';
import type { Clock } from '../ports/clock.js';
import { LockLostError, type Fence, type LockRequest, type Store } from '../ports/store.js';
import { fenceStore, type FencedStore } from './fenced-store.js';

/** Who is running tranche: recorded with every lock and release. */
export interface Operator {
  user: string;
  host: string;
  pid: number;
}

/** Another tranche holds the environment. `dead` when its process is gone (or silent for too long). */
export class EnvLockedError extends Error {
  constructor(
    readonly holder: LockHolder,
    readonly dead: boolean,
  ) {
    super(
      `${holder.env} is locked by ${holder.user}@${holder.host} (pid ${holder.pid})${holder.releaseId ? ` for release ${holder.releaseId}` : ''} ` +
        `since ${holder.acquiredAt}, last heartbeat ${holder.heartbeatAt}` +
        (dead ? '; that process is no longer running: run again with --break-lock to take over (then tranche status / resume)' : ''),
    );
    this.name = 'EnvLockedError';
  }
}

export interface HeldLock {
  token: string;
  /** What the store checks each write of the release against: this lock, while it holds. */
  fence: Fence;
  /** The store, every write of a release fenced with this lock. */
  store: FencedStore;
  /**
   * Aborted, with the LockLostError as its reason, within one heartbeat interval of the loss: the
   * lock was broken, taken by another, released from elsewhere, or the store could not be reached
   * for so long that others may take this holder for dead.
   */
  signal: AbortSignal;
  /** The loss, once `signal` is aborted: the rollout must stop. */
  lost(): LockLostError | undefined;
  release(): Promise<void>;
}

export interface LockOptions {
  breakLock: boolean;
  /** Whether the holder's process runs; undefined when this machine cannot tell (another host). */
  isAlive(holder: LockHolder): boolean | undefined;
  releaseId?: string;
  heartbeatMs?: number;
  /** A holder on another host that has not beaten for this long is taken for dead. */
  staleAfterMs?: number;
}

/** How long a holder on another host may stay silent before it is taken for dead. */
const STALE_AFTER_MS = 60_000;

/**
 * Takes the environment's lock (PRODUCT §7) and keeps it beating until released. A holder that
 * is dead is reported, and replaced only when the operator says `--break-lock`; a live holder is
 * never replaced. When the holder replaced was running a release, that release's journal records
 * the takeover (who held the lock, who took it), under the new lock.
 *
 * The heartbeat watches the lock: a beat refused (the lock is another's, or nobody's) aborts
 * `signal`; a beat that fails for another reason is tried again at the next one, until the
 * silence could outlast the stale-after window before the beat after — from then on others may
 * break the lock, so it is taken for lost.
 */
export async function acquireEnvLock(store: Store, env: string, who: Operator, clock: Clock, options: LockOptions): Promise<HeldLock> {
  const holder: LockRequest = { env, token: randomUUID(), ...who, ...(options.releaseId ? { releaseId: options.releaseId } : {}) };
  const heartbeatMs = options.heartbeatMs ?? 2000;
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  const fence: Fence = { env, token: holder.token };
  const fenced = fenceStore(store, fence);
  // When the store last stamped the lock, at the latest: taken before asking it to.
  let lastBeat = clock.monotonic();
  let result = await store.acquireLock(holder);
  let replaced: LockHolder | undefined;
  if (!result.acquired) {
    const current = result.holder;
    const alive = options.isAlive(current);
    // Silence is the store's to measure: hosts' clocks disagree, and any of them may be stepped.
    const dead = alive === false || (alive === undefined && current.silentMs > staleAfterMs);
    if (!dead || !options.breakLock) throw new EnvLockedError(current, dead);
    replaced = await store.breakLock(env);
    lastBeat = clock.monotonic();
    result = await store.acquireLock(holder);
    if (!result.acquired) throw new EnvLockedError(result.holder, false);
  }
  if (replaced) {
    try {
      await journalTakeover(fenced, replaced, who, clock);
    } catch (error) {
      await store.releaseLock(env, holder.token).catch((releaseError: unknown) => withCleanupError(error, releaseError));
      throw error;
    }
  }

  const stop = new AbortController();
  const loss = new AbortController();
  let lost: LockLostError | undefined;
  const lose = (error: LockLostError) => {
    lost ??= error;
    loss.abort(lost);
  };
  let beating: Promise<void> | undefined;
  let lastError: unknown;
  const beat = async () => {
    const sentAt = clock.monotonic();
    try {
      await store.heartbeat(env, holder.token);
      lastBeat = sentAt;
      lastError = undefined;
    } catch (error) {
      if (error instanceof LockLostError) lose(error);
      // Any other failure is tried again at the next beat; the watch below decides when it is too long.
      else lastError = error;
    }
  };
  const watch = async () => {
    while (!stop.signal.aborted && !loss.signal.aborted) {
      await clock.sleep(heartbeatMs, stop.signal);
      if (stop.signal.aborted || loss.signal.aborted) break;
      // A beat still under way (a store that does not answer) is not doubled; its silence counts.
      beating ??= beat().finally(() => (beating = undefined));
      const silentMs = clock.monotonic() - lastBeat;
      if (silentMs + heartbeatMs > staleAfterMs && !loss.signal.aborted) {
        const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
        lose(
          new LockLostError(env, holder.token, undefined, {
            why: `its heartbeat has not reached the store for ${Math.round(silentMs)} ms${cause}; after ${staleAfterMs} ms of silence another tranche may take the lock for dead and break it`,
            ...(lastError !== undefined ? { cause: lastError } : {}),
          }),
        );
      }
    }
  };
  const watching = watch();
  return {
    token: holder.token,
    fence,
    store: fenced,
    signal: loss.signal,
    lost: () => lost,
    release: async () => {
      stop.abort();
      await watching;
      await beating;
      await store.releaseLock(env, holder.token);
    },
  };
}

/** Records on the release of the holder replaced (if it exists) that its lock was taken over, and by whom. */
async function journalTakeover(store: FencedStore, replaced: LockHolder, by: Operator, clock: Clock): Promise<void> {
  if (!replaced.releaseId) return;
  const release = await store.getRelease(replaced.releaseId);
  if (release?.env !== replaced.env) return;
  await store.appendJournal({
    releaseId: release.id,
    at: clock.now().toISOString(),
    batch: 0,
    kind: 'lock',
    event: 'taken-over',
    detail: {
      from: { user: replaced.user, host: replaced.host, pid: replaced.pid, heartbeatAt: replaced.heartbeatAt },
      by: { user: by.user, host: by.host, pid: by.pid },
    },
  });
}

/**
 * A lock left by a tranche that died after taking it and before its release was recorded: nothing
 * was deployed, so there is nothing to resume or roll back — only the lock to clear. With
 * `breakLock`, clears it and says so; otherwise reports it like any lock held by a dead process.
 * Returns undefined when the lock is not such a leftover.
 */
export async function clearAbandonedLock(
  store: Store,
  env: string,
  isAlive: (holder: LockHolder) => boolean | undefined,
  breakLock: boolean,
): Promise<string | undefined> {
  const holder = await store.currentLock(env);
  if (!holder?.releaseId || isAlive(holder) !== false || (await store.getRelease(holder.releaseId))) return undefined;
  if (!breakLock) throw new EnvLockedError(holder, true);
  await store.breakLock(env);
  return `tranche (pid ${holder.pid} on ${holder.host}) died after locking ${env} and before release ${holder.releaseId} started: nothing was deployed; the lock is cleared`;
}
