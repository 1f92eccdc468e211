import { randomUUID } from 'node:crypto';
import type { LockHolder } from '../core/state/records.js';
import type { Clock } from '../ports/clock.js';
import { LockLostError, type LockRequest, type Store } from '../ports/store.js';

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
  /** Set when the heartbeat found the lock taken away: the rollout must stop. */
  lost(): LockLostError | undefined;
  /** Aborted, with the LockLostError as its reason, when the heartbeat finds the lock taken away. */
  signal: AbortSignal;
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

/**
 * Takes the environment's lock (PRODUCT §7) and keeps it beating until released. A holder that
 * is dead is reported, and replaced only when the operator says `--break-lock`; a live holder is
 * never replaced.
 */
export async function acquireEnvLock(store: Store, env: string, who: Operator, clock: Clock, options: LockOptions): Promise<HeldLock> {
  const holder: LockRequest = { env, token: randomUUID(), ...who, ...(options.releaseId ? { releaseId: options.releaseId } : {}) };
  let result = await store.acquireLock(holder);
  if (!result.acquired) {
    const current = result.holder;
    const alive = options.isAlive(current);
    // Silence is the store's to measure: hosts' clocks disagree, and any of them may be stepped.
    const dead = alive === false || (alive === undefined && current.silentMs > (options.staleAfterMs ?? 60_000));
    if (!dead || !options.breakLock) throw new EnvLockedError(current, dead);
    await store.breakLock(env);
    result = await store.acquireLock(holder);
    if (!result.acquired) throw new EnvLockedError(result.holder, false);
  }

  const stop = new AbortController();
  const lostSignal = new AbortController();
  let lost: LockLostError | undefined;
  const beat = async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(options.heartbeatMs ?? 2000, stop.signal);
      if (stop.signal.aborted) break;
      try {
        await store.heartbeat(env, holder.token);
      } catch (error) {
        if (error instanceof LockLostError) {
          lost = error;
          lostSignal.abort(error);
          return;
        }
        // A store hiccup: try again at the next beat.
      }
    }
  };
  const beating = beat();
  return {
    token: holder.token,
    lost: () => lost,
    signal: lostSignal.signal,
    release: async () => {
      stop.abort();
      await beating;
      await store.releaseLock(env, holder.token);
    },
  };
}

/**
 * A lock left by a tranche that died after taking it and before its release was recorded: nothing
 * was deployed, so there is nothing to resume or roll back — only the lock to clear. With
 * `breakLock`, clears it and says so; otherwise reports it like any lock held by a dead process.
 * Returns undefined when the lock is not such a leftover.
 */
export async function clearAbandonedLock(store: Store, env: string, isAlive: (holder: LockHolder) => boolean | undefined, breakLock: boolean): Promise<string | undefined> {
  const holder = await store.currentLock(env);
  if (!holder?.releaseId || isAlive(holder) !== false || (await store.getRelease(holder.releaseId))) return undefined;
  if (!breakLock) throw new EnvLockedError(holder, true);
  await store.breakLock(env);
  return `tranche (pid ${holder.pid} on ${holder.host}) died after locking ${env} and before release ${holder.releaseId} started: nothing was deployed; the lock is cleared`;
}
