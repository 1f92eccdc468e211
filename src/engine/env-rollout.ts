import { withCleanup } from '../core/cleanup.js';
import type { LockHolder } from '../core/state/records.js';
import type { CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import type { Driver } from '../ports/driver.js';
import type { Fence, Store } from '../ports/store.js';
import { acquireEnvLock, EnvLockedError, type HeldLock, type Operator } from './env-lock.js';
import { fenceStore, type FencedStore } from './fenced-store.js';
import type { ServiceResolver } from './resolve-service.js';
import { Rollout } from './rollout.js';
import type { EmitEvent } from './rollout-events.js';
import type { RolloutLock } from './rollout-lock.js';
import type { StopSignals } from './stop.js';

/** Everything a rollout of one environment works with; the CLI wires the adapters. */
export interface RolloutContext {
  store: Store;
  driver: Driver;
  checks: CheckRunner;
  clock: Clock;
  who: Operator;
  isAlive(holder: LockHolder): boolean | undefined;
  resolver: ServiceResolver;
  fleetRoot: string;
  emit: EmitEvent;
  breakLock: boolean;
  /** An operator's stop: handled by the rollout for as long as the lock is held. */
  stop?: StopSignals;
  healthTimeoutMs?: number;
  /** How often the lock's heartbeat beats (and so how soon its loss is seen). */
  heartbeatMs?: number;
}

/**
 * Runs `use` with a rollout of `env` while holding the environment's lock, and always releases it
 * (a failure to release it never hides the failure of `use`). An operator's stop is the rollout's
 * to handle from before the lock is taken until it is released. `releaseId` names the release the
 * lock is held for, when it is known before the lock is taken; a release chosen under the lock is
 * named with `lease.forRelease` (so that `status` and a takeover know it).
 */
export async function withEnvRollout<T>(
  ctx: RolloutContext,
  env: string,
  releaseId: string | undefined,
  use: (rollout: Rollout, lease: Pick<EnvLease, 'forRelease'>) => Promise<T>,
): Promise<T> {
  const unhold = ctx.stop?.hold();
  try {
    const take = (breakLock: boolean, forRelease: string | undefined) =>
      acquireEnvLock(ctx.store, env, ctx.who, ctx.clock, {
        breakLock,
        isAlive: ctx.isAlive,
        ...(forRelease ? { releaseId: forRelease } : {}),
        ...(ctx.heartbeatMs ? { heartbeatMs: ctx.heartbeatMs } : {}),
      });
    const lease = new EnvLease(ctx.store, await take(ctx.breakLock, releaseId), (forRelease) => take(false, forRelease), releaseId);
    return await withCleanup(
      () => use(new Rollout({ ...ctx, store: lease.store, env, lock: lease }), lease),
      () => lease.release(),
    );
  } finally {
    unhold?.();
  }
}

/**
 * The lock a rollout holds, taken again (a new lease) when it was lost and nobody holds it. Its
 * `store` writes under whichever lease is current: after a retake, under the new token.
 */
class EnvLease implements RolloutLock {
  private readonly fence: Fence;
  readonly store: FencedStore;

  constructor(
    store: Store,
    private held: HeldLock,
    private readonly take: (releaseId: string | undefined) => Promise<HeldLock>,
    private releaseId: string | undefined,
  ) {
    this.fence = { ...held.fence };
    this.store = fenceStore(store, this.fence);
  }

  /** Names, on the lock, the release this holder works on (one chosen once the lock was held); LockLostError when it is lost. */
  async forRelease(releaseId: string): Promise<void> {
    this.releaseId = releaseId;
    await this.store.heartbeat(this.fence.env, this.fence.token, releaseId);
  }

  get signal(): AbortSignal {
    return this.held.signal;
  }

  async retake(): Promise<{ retaken: true } | { holder: LockHolder }> {
    // The lost lease's heartbeat has stopped; releasing it removes nothing another holder has.
    await this.held.release();
    try {
      this.held = await this.take(this.releaseId);
      this.fence.token = this.held.fence.token;
      return { retaken: true };
    } catch (error) {
      if (error instanceof EnvLockedError) return { holder: error.holder };
      throw error;
    }
  }

  release(): Promise<void> {
    return this.held.release();
  }
}
