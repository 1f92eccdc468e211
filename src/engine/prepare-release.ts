import type { ChangeKind } from '../core/changes/change-manifest.js';
import { buildPlan } from '../core/plan/build-plan.js';
import type { Plan } from '../core/plan/plan.js';
import type { Finding } from '../core/finding.js';
import { runsIn } from '../core/manifest/manifest.js';
import type { ReleaseCheck } from './check-release.js';
import type { ReleaseRevisions } from './read-release.js';
import { resolveService, type ResolvedService } from './resolve-service.js';

export interface ReleaseRequest {
  revisions: ReleaseRevisions;
  check: ReleaseCheck;
  createdAt: string;
  intent?: string;
  scope?: ChangeKind[];
}

export interface PreparedRelease {
  plan: Plan;
  /** Every service of the target, resolved in the environment. */
  targets: Map<string, ResolvedService>;
}

/**
 * The plan of a checked release, from data already read: no side effects. It starts from the
 * release's baseline (what the store records, or a what-if): a plan made from a what-if is stale
 * for apply unless what is recorded matches it.
 */
export function prepareRelease(request: ReleaseRequest): PreparedRelease {
  const { check, revisions } = request;
  const { env, to } = check;
  const targets = new Map<string, ResolvedService>();
  for (const [name, service] of to.manifest.services)
    if (runsIn(service, env)) targets.set(name, resolveService(to, name, env, revisions.fingerprints, check.toConfigs.get(env)?.get(name)));
  const plan = buildPlan({
    env,
    manifest: to.manifest,
    to: { commit: to.commit, label: to.label },
    targets: new Map([...targets].map(([name, t]) => [name, { version: t.version, shown: t.shown }])),
    deployed: revisions.baseline,
    findings: check.findings,
    changes: check.changes,
    ...(check.contracts ? { contracts: check.contracts } : {}),
    createdAt: request.createdAt,
    ...(request.intent !== undefined ? { intent: request.intent } : {}),
    ...(request.scope !== undefined ? { scope: request.scope } : {}),
  });
  return { plan, targets };
}

/**
 * Every finding of a checked release, as `check` shows it: the contract findings come from the
 * pairings the plan's batch order lets exist, so a release with contract edges is planned.
 */
export function releaseFindings(revisions: ReleaseRevisions, check: ReleaseCheck, createdAt: string): Finding[] {
  return check.contracts?.length ? prepareRelease({ revisions, check, createdAt }).plan.findings : check.findings;
}
