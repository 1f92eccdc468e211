import { withCleanup } from '../core/cleanup.js';
import type { LockHolder } from '../core/state/records.js';
import type { CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import type { Driver } from '../ports/driver.js';
import type { Store } from '../ports/store.js';
import { acquireEnvLock, type Operator } from './env-lock.js';
import type { ServiceResolver } from './resolve-service.js';
import { Rollout } from './rollout.js';
import type { EmitEvent } from './rollout-events.js';
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
}

/**
 * Runs `use` with a rollout of `env` while holding the environment's lock, and always releases it
 * (a failure to release it never hides the failure of `use`). An operator's stop is the rollout's
 * to handle from before the lock is taken until it is released.
 */
export async function withEnvRollout<T>(ctx: RolloutContext, env: string, releaseId: string, use: (rollout: Rollout) => Promise<T>): Promise<T> {
  const unhold = ctx.stop?.hold();
  try {
    const lock = await acquireEnvLock(ctx.store, env, ctx.who, ctx.clock, { breakLock: ctx.breakLock, isAlive: ctx.isAlive, releaseId });
    return await withCleanup(() => use(new Rollout({ ...ctx, store: lock.store, env, interrupted: lock.lost })), () => lock.release());
  } finally {
    unhold?.();
  }
}
