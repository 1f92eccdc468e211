import type { LockHolder } from '../core/state/records.js';
import { LockLostError } from '../ports/store.js';
import { ReleaseInterruptedError } from './release-interrupted.js';

/**
 * The environment's lock as a rollout holds it. `signal` is the current lease's: aborted, with a
 * `LockLostError` as its reason, once the heartbeat finds the lock taken away.
 */
export interface RolloutLock {
  readonly signal: AbortSignal;
  /** Takes the lock again for the same release when nobody holds it; otherwise says who does. */
  retake(): Promise<{ retaken: true } | { holder: LockHolder }>;
}

/**
 * The lock was lost during a release and someone else holds it now: this tranche wrote nothing
 * more (whoever holds the lock may be acting on the environment). Needs an operator (exit 3).
 */
export class LockTakenError extends ReleaseInterruptedError {
  constructor(releaseId: string, env: string, where: string, holder: LockHolder) {
    super(
      releaseId,
      env,
      `the lock on ${env} was lost ${where} (release ${releaseId}), and ${holder.user}@${holder.host} (pid ${holder.pid})${holder.releaseId ? ` holds it for release ${holder.releaseId}` : ' holds it'} now: ` +
        `this tranche stopped there and wrote nothing more. Once they are done, run tranche status --env ${env}, then tranche resume --env ${env}`,
    );
    this.name = 'LockTakenError';
  }
}

/** The LockLostError a lost lock's signal carries. */
export function lockLostOf(signal: AbortSignal | undefined): LockLostError | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason instanceof LockLostError ? signal.reason : new LockLostError('', '', undefined);
}
