import { randomBytes } from 'node:crypto';
import type { Finding } from '../core/finding.js';
import { basisDifferenceLines, comparePlans, movedSince, notShownIn, type PlanComparison } from '../core/plan/compare-plans.js';
import type { Plan } from '../core/plan/plan.js';
import { frozenSteps } from '../core/state/frozen-changes.js';
import { isUnfinished } from '../core/state/records.js';
import { withEnvRollout, type RolloutContext } from './env-rollout.js';
import type { ResolvedService } from './resolve-service.js';
import type { RolloutOutcome } from './rollout.js';
import { preflightChecks } from './runnable-checks.js';

export type ApplyContext = RolloutContext;

/**
 * An apply that did not start, and why: the findings that block it (nothing was touched), and
 * what raised them — the plan's findings, a freeze in force, a pre-flight check, a release of
 * the environment still unfinished, or what runs having moved since the plan was made (another
 * release finished while this one waited for the lock).
 */
export interface ApplyRefused {
  refused: Finding[];
  by: 'findings' | 'freeze' | 'preflight' | 'unfinished' | 'moved';
}

/** A saved plan that is not the release apply would deploy now (`comparePlans`): what differs, and the error findings it does not show. */
export interface StalePlan {
  stale: PlanComparison;
}

/**
 * Whether `saved`, an approved plan, is the release apply would deploy now — `plan`, made again
 * from what it names against what is recorded now. Undefined when it is; else why not.
 */
export function staleSavedPlan(saved: Plan, plan: Plan): StalePlan | undefined {
  const comparison = comparePlans(saved, plan);
  return comparison.differences.length || comparison.newErrors.length ? { stale: comparison } : undefined;
}

/**
 * Applies a plan: refuses it when it has error findings, when a freeze forbids it or when a
 * pre-flight check fails against the new config; otherwise takes the environment's lock and
 * rolls the plan out. Nothing is deployed before every refusal reason has been ruled out. With
 * `saved`, the approved plan `plan` was checked against (`staleSavedPlan`), a freeze or a
 * pre-flight check it could not show makes it stale.
 */
export async function applyRelease(
  plan: Plan,
  targets: Map<string, ResolvedService>,
  ctx: ApplyContext,
  saved?: Plan,
): Promise<RolloutOutcome | ApplyRefused | StalePlan | { nothing: true }> {
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (errors.length) return { refused: errors, by: 'findings' };
  const frozen = frozenSteps(plan, await ctx.store.freezes(plan.env), ctx.clock.now().toISOString());
  if (frozen.length) return refusedSince(saved, { refused: frozen, by: 'freeze' });
  if (!plan.batches.length) return { nothing: true };

  const preflight = await runPreflight(plan, targets, ctx);
  if (preflight.length) return refusedSince(saved, { refused: preflight, by: 'preflight' });

  const releaseId = newReleaseId(plan.env, ctx.clock.now());
  return withEnvRollout(ctx, plan.env, releaseId, async (rollout) => {
    const previous = (await ctx.store.listReleases({ env: plan.env, limit: 1 }))[0];
    if (previous && isUnfinished(previous.status)) {
      return {
        by: 'unfinished',
        refused: [
          {
            rule: 'check/failed',
            severity: 'error',
            env: plan.env,
            message: `release ${previous.id} of ${plan.env} is ${previous.status}: finish it first (tranche resume --env ${plan.env}, or tranche rollback --env ${plan.env})`,
          },
        ],
      };
    }
    // The plan was made before the lock was held: under it, what runs must still be its basis.
    const recorded = await ctx.store.deployed(plan.env);
    const moved = movedSince(
      plan,
      new Map([...recorded].map(([service, d]) => [service, { commit: d.commit, contentId: d.contentId, configHash: d.configHash }])),
    );
    if (moved.length) {
      if (saved) return { stale: { differences: basisDifferenceLines(plan.env, moved), newErrors: [] } };
      const by = previous ? ` (release ${previous.id}, by ${previous.by.user}@${previous.by.host})` : '';
      return {
        by: 'moved',
        refused: [
          {
            rule: 'check/failed',
            severity: 'error',
            env: plan.env,
            message: `what runs in ${plan.env} changed while this apply waited for the lock${by}, and is no longer what the plan starts from: ${moved[0]}${moved.length > 1 ? ` (and ${moved.length - 1} more)` : ''}; run tranche apply again`,
          },
        ],
      };
    }
    const deployedCommits = [...new Set(Object.values(plan.basis.deployed).map((v) => v.commit))];
    return rollout.start(
      {
        id: releaseId,
        kind: 'release',
        env: plan.env,
        status: 'running',
        ...(plan.intent !== undefined ? { intent: plan.intent } : {}),
        ...(plan.scope !== undefined ? { scope: plan.scope } : {}),
        ...(deployedCommits.length === 1 ? { fromCommit: deployedCommits[0]! } : {}),
        toCommit: plan.to.commit,
        by: ctx.who,
        startedAt: ctx.clock.now().toISOString(),
        plan,
      },
      plan.findings,
    );
  });
}

/** A refusal by a freeze or a pre-flight check is news an approved plan could not show: it is then stale. */
function refusedSince(saved: Plan | undefined, refusal: ApplyRefused): ApplyRefused | StalePlan {
  const since = saved ? notShownIn(saved, refusal.refused) : [];
  return since.length ? { stale: { differences: [], newErrors: since } } : refusal;
}

/** The checks that depend on config alone, run with each step's new config before anything restarts. */
async function runPreflight(plan: Plan, targets: Map<string, ResolvedService>, ctx: ApplyContext): Promise<Finding[]> {
  const runs = plan.batches
    .flatMap((b) => b.steps)
    .flatMap((step) => {
      const target = targets.get(step.service);
      return target ? preflightChecks(target, ctx.fleetRoot).map((check) => ({ service: step.service, check })) : [];
    });
  ctx.emit({ type: 'gate', gate: 'preflight', phase: 'started', batch: 0, detail: `${runs.length} check${runs.length === 1 ? '' : 's'}` });
  const results = await Promise.all(
    runs.map(async ({ service, check }) =>
      'check' in check
        ? { service, name: check.check.name, result: await ctx.checks.run(check.check) }
        : { service, name: check.name, result: { ok: false, message: check.problem } },
    ),
  );
  const findings: Finding[] = results
    .filter((r) => !r.result.ok)
    .map((r) => ({
      rule: 'check/preflight-failed',
      severity: 'error',
      service: r.service,
      env: plan.env,
      message: `check "${r.name}" fails with the new config, before anything restarts: ${r.result.message}`,
      hint: 'fix the config (or the dependency it points at) and plan again',
    }));
  ctx.emit({ type: 'gate', gate: 'preflight', phase: findings.length ? 'failed' : 'passed', batch: 0 });
  return findings;
}

/** `prod-20261129-023055-3fa9`: the environment, when, and a few random hex digits. */
export function newReleaseId(env: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${env}-${stamp}-${randomBytes(2).toString('hex')}`;
}
