import { buildPlan, type ServiceState } from '../core/plan/build-plan.js';
import type { Plan } from '../core/plan/plan.js';
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
    ...(check.contracts ? { contracts: check.contracts, moved: movedServices(check) } : {}),
    createdAt: request.createdAt,
    ...(request.intent !== undefined ? { intent: request.intent } : {}),
    ...(request.scope !== undefined ? { scope: request.scope } : {}),
  });
  return { plan, targets };
}

/**
 * Services whose code differs between the deployed revision and the target: a file other than
 * config changed (a config file inside the service's folder changes its content id, but not
 * the code its consumers and providers talk to).
 */
function movedServices({ from, to, changes }: ReleaseCheck): Set<string> | undefined {
  if (changes) return new Set(changes.services.filter((s) => s.files.some((f) => f.kind !== 'config')).map((s) => s.service));
  if (!from?.contents || !to.contents) return undefined;
  return new Set([...to.contents].filter(([name, id]) => from.contents!.get(name) !== id).map(([name]) => name));
}

/** The fleet commit an environment runs, as recorded: the one deployed last. */
export function deployedCommit(deployed: Map<string, DeployedService>): string | undefined {
  let latest: DeployedService | undefined;
  for (const state of deployed.values()) if (!latest || state.deployedAt > latest.deployedAt) latest = state;
  return latest?.commit;
}
