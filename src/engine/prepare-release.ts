import { buildPlan, type ServiceState } from '../core/plan/build-plan.js';
import type { Service } from '../core/manifest/manifest.js';
import type { Plan } from '../core/plan/plan.js';
import type { Finding } from '../core/finding.js';
import type { DeployedService } from '../core/state/records.js';
import type { ReleaseCheck } from './check-release.js';
import { resolveService, type ResolvedService } from './resolve-service.js';

export interface ReleaseRequest {
  check: ReleaseCheck;
  deployed: Map<string, DeployedService>;
  createdAt: string;
  intent?: string;
  scope?: string[];
}

export interface PreparedRelease {
  plan: Plan;
  /** Every service of the target, resolved in the environment. */
  targets: Map<string, ResolvedService>;
}

/** The plan of a checked release, from data already read: no side effects. */
export function prepareRelease(request: ReleaseRequest): PreparedRelease {
  const { check } = request;
  const { env, to } = check;
  if (!to.commit) throw new Error('internal: a release targets a commit, not the working tree');
  const targets = new Map<string, ResolvedService>();
  for (const name of to.manifest.services.keys()) targets.set(name, resolveService(to, name, env));
  const states = (entries: Iterable<[string, ServiceState]>) => new Map(entries);
  const plan = buildPlan({
    env,
    manifest: to.manifest,
    to: { commit: to.commit, label: to.label },
    targets: states([...targets].map(([name, t]) => [name, { version: t.version, shown: t.shown }])),
    deployed: states(
      [...request.deployed].map(([name, d]) => [name, { version: { commit: d.commit, contentId: d.contentId, configHash: d.configHash }, shown: d.config }]),
    ),
    findings: check.findings,
    ...(check.changes ? { changes: check.changes } : {}),
    ...(check.contracts ? { contracts: check.contracts } : {}),
    ...codeChanges(check),
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
export function releaseFindings(check: ReleaseCheck, deployed: Map<string, DeployedService>, createdAt: string): Finding[] {
  return check.contracts?.length ? prepareRelease({ check, deployed, createdAt }).plan.findings : check.findings;
}

/**
 * The services whose code changed between the deployed revision and the target: a file of
 * theirs other than a config source changed, or how they are deployed (run, exec, kubernetes).
 */
function codeChanges({ from, to, changes }: ReleaseCheck): { codeChanged?: { since: string; services: Set<string> } } {
  if (!from?.commit) return {};
  const deployment = (service: Service | undefined) => JSON.stringify([service?.run ?? null, service?.exec ?? null, service?.kubernetes ?? null]);
  const services = new Set<string>();
  if (changes) {
    for (const s of changes.services) {
      const before = from.manifest.services.get(s.service);
      const after = to.manifest.services.get(s.service);
      if (!before || s.files.some((f) => f.kind !== 'config') || deployment(before) !== deployment(after)) services.add(s.service);
    }
  } else if (from.contents && to.contents) {
    for (const [name, id] of to.contents) if (from.contents.get(name) !== id) services.add(name);
  } else {
    return {};
  }
  return { codeChanged: { since: from.commit, services } };
}

/** The fleet commit an environment runs, as recorded: the one deployed last. */
export function deployedCommit(deployed: Map<string, DeployedService>): string | undefined {
  let latest: DeployedService | undefined;
  for (const state of deployed.values()) if (!latest || state.deployedAt > latest.deployedAt) latest = state;
  return latest?.commit;
}
