import type { Manifest } from '../core/manifest/manifest.js';
import { planWithoutBatches } from '../core/plan/plan-without-batches.js';
import type { VersionRef } from '../core/plan/plan.js';
import { newReleaseId } from './apply-release.js';
import { withEnvRollout, type RolloutContext } from './env-rollout.js';
import type { RolloutOutcome } from './rollout.js';

/**
 * Stops every service recorded as deployed in `env` (`tranche down`), as a release of its own
 * rolled out by the same engine as apply and rollback: its basis is what runs, and each service's
 * stop is a journaled rollback step, so the history explains why nothing runs and an interrupted
 * down is finished by `resume`. What is deployed is read under the lock.
 */
export async function downEnv(ctx: RolloutContext, env: string, head: { manifest: Manifest; commit: string; label: string }): Promise<RolloutOutcome> {
  const id = newReleaseId(env, ctx.clock.now());
  return withEnvRollout(ctx, env, id, async (rollout) => {
    const deployed: Record<string, VersionRef> = {};
    for (const d of [...(await ctx.store.deployed(env)).values()].sort((a, b) => a.service.localeCompare(b.service))) {
      deployed[d.service] = { commit: d.commit, contentId: d.contentId, configHash: d.configHash };
    }
    const at = ctx.clock.now().toISOString();
    const intent = 'tranche down';
    const plan = planWithoutBatches({ manifest: head.manifest, env, createdAt: at, intent, to: { commit: head.commit, label: head.label }, deployed });
    return rollout.down({ id, kind: 'release', env, status: 'running', intent, toCommit: head.commit, by: ctx.who, startedAt: at, plan });
  });
}
