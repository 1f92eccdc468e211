import { InputError } from '../core/input-error.js';
import { isUnfinished, type Release } from '../core/state/records.js';
import { clearAbandonedLock } from './env-lock.js';
import { withEnvRollout, type RolloutContext } from './env-rollout.js';
import type { RolloutOutcome } from './rollout.js';

/**
 * What an operation on a recorded release came to: the rollout's outcome; nothing to do (`nothing`
 * says why); a lock left by a tranche that died before its release started, cleared (`cleared`);
 * or the operator said no at the prompt (`declined`).
 */
export type RecordedReleaseOutcome = RolloutOutcome | { nothing: string; releaseId: string } | { cleared: string } | { declined: Release };

/** Asks the operator whether to go on with `release`; called under the environment's lock. */
export type ConfirmRelease = (release: Release) => Promise<boolean>;

/**
 * Takes up the latest release of `env` where it stands (`Rollout.resume`). The release is chosen
 * once the environment's lock is held — another operator cannot finish or replace it in between —
 * and `confirm` is asked then. Unusable input (InputError) when there is nothing to resume.
 */
export async function resumeRelease(ctx: RolloutContext, env: string, confirm: ConfirmRelease): Promise<RecordedReleaseOutcome> {
  const cleared = await clearAbandonedLock(ctx.store, env, ctx.isAlive, ctx.breakLock);
  if (cleared) return { cleared };
  return withEnvRollout(ctx, env, undefined, async (rollout, lease) => {
    const release = (await ctx.store.listReleases({ env, limit: 1 }))[0];
    if (!release || !isUnfinished(release.status)) {
      throw new InputError(`nothing to resume in ${env}: ${release ? `the latest release, ${release.id}, is ${release.status}` : 'no release is recorded'}`);
    }
    if (release.kind === 'adoption') {
      throw new InputError(
        `nothing to resume in ${env}: ${release.id} is an adoption, interrupted before it finished; run the same tranche adopt again (with --break-lock if its lock is left): what it recorded is kept`,
      );
    }
    if (!(await confirm(release))) return { declined: release };
    await lease.forRelease(release.id);
    return rollout.resume(release);
  });
}
