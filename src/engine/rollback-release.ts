import { InputError } from '../core/input-error.js';
import { clearAbandonedLock } from './env-lock.js';
import { withEnvRollout, type RolloutContext } from './env-rollout.js';
import type { ConfirmRelease, RecordedReleaseOutcome } from './resume-release.js';

/**
 * Rolls back a release of `env` — the one `releaseId` names, else the latest — restoring what ran
 * before each step it took, with the gates of a deploy on what is restored (`Rollout.rollback`).
 * The release is chosen, and `confirm` asked, once the environment's lock is held.
 */
export async function rollbackRelease(
  ctx: RolloutContext,
  env: string,
  releaseId: string | undefined,
  confirm: ConfirmRelease,
): Promise<RecordedReleaseOutcome> {
  const cleared = await clearAbandonedLock(ctx.store, env, ctx.isAlive, ctx.breakLock);
  if (cleared) return { cleared };
  return withEnvRollout(ctx, env, releaseId, async (rollout, lease) => {
    const release = releaseId ? await ctx.store.getRelease(releaseId) : (await ctx.store.listReleases({ env, limit: 1 }))[0];
    if (!release) throw new InputError(releaseId ? `no release ${releaseId}` : `no release of ${env} is recorded`);
    if (release.env !== env) throw new InputError(`release ${release.id} is of ${release.env}, not ${env}`);
    const nothing =
      release.kind === 'adoption'
        ? 'is an adoption (it recorded what ran; it deployed nothing)'
        : release.status === 'rolled-back'
          ? 'is already rolled back'
          : release.plan.batches.length === 0
            ? `deployed nothing (${release.intent ?? 'no steps'})`
            : undefined;
    if (nothing) return { nothing: `release ${release.id} ${nothing}: nothing to roll back`, releaseId: release.id };
    if (!(await confirm(release))) return { declined: release };
    await lease.forRelease(release.id);
    return rollout.rollback(release, 'every step it took was rolled back on request');
  });
}
