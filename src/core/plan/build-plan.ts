import { changesCode, type ChangeKind, type ChangeManifest, type ServiceChanges } from '../changes/change-manifest.js';
import type { ContractEdge } from '../contracts/contract-edges.js';
import { compareFindings, type Finding } from '../finding.js';
import { CHECK_KINDS, type Manifest, type Service } from '../manifest/manifest.js';
import { applyPolicy } from '../rules/apply-policy.js';
import { contractConstraints } from './contract-order.js';
import { mixedVersionFindings } from './mixed-versions.js';
import { orderBatches } from './order-batches.js';
import { PLAN_FORMAT, type Gates, type Plan, type Step, type StepChange, type VersionRef } from './plan.js';

/** One service at one version, with its config as shown (secrets as fingerprints). */
export interface ServiceState {
  version: VersionRef;
  shown: Record<string, string>;
}

export interface PlanInput {
  env: string;
  /** The target revision's manifest. */
  manifest: Manifest;
  to: { commit: string; label: string };
  /** Every service of the target, at its target version. */
  targets: Map<string, ServiceState>;
  /** What runs now, as recorded. */
  deployed: Map<string, ServiceState>;
  findings: Finding[];
  /** What the release changes per service, each against the revision it runs. */
  changes: ChangeManifest;
  /** The consumer → provider edges whose contract changes (see `compareFleetContracts`). */
  contracts?: readonly ContractEdge[];
  /** ISO time, from the caller's clock. */
  createdAt: string;
  intent?: string;
  scope?: ChangeKind[];
}

/**
 * The plan of a release (PRODUCT §6), a pure function of its input: only services whose code or
 * resolved config changes, in batches of at most `batch_size`, each after the services it
 * depends on and in the order its contracts need, config-only changes first when
 * `separate_config` holds. Whether a service's code changes is what its files say (`changes`):
 * a config source edited in its folder changes no code. The contract findings come from the
 * mixed-version pairings the chosen order lets exist, during the rollout and during a rollback
 * of any prefix of it.
 */
export function buildPlan(input: PlanInput): Plan {
  const { manifest, env } = input;
  const content = new Map(input.changes.services.map((s) => [s.service, s]));
  const steps: Step[] = [];
  const unchanged: string[] = [];
  for (const [name, target] of input.targets) {
    const current = input.deployed.get(name);
    const change = stepChange(current?.version, target.version, content.get(name));
    if (!change) {
      unchanged.push(name);
      continue;
    }
    steps.push({
      service: name,
      change,
      to: target.version,
      ...(current ? { from: current.version } : {}),
      rollback: current ? { action: 'redeploy', to: current.version } : { action: 'stop' },
      configChanges: configChanges(current?.shown ?? {}, target.shown),
    });
  }
  const edges = input.contracts ?? [];
  const moving = new Set(steps.filter((s) => s.change !== 'config').map((s) => s.service));
  const constraints = contractConstraints(edges, moving, new Set(steps.map((s) => s.service)), manifest);
  const ordered = orderBatches(steps, manifest, manifest.policy.batch_size, manifest.policy.separate_config, constraints);
  const batchOf = new Map<string, number>();
  ordered.forEach((batch, i) => batch.steps.forEach((s) => moving.has(s.service) && batchOf.set(s.service, i + 1)));
  const contractFindings = applyPolicy(mixedVersionFindings(edges, batchOf, manifest, env), manifest.policy);
  const deployedBasis: Record<string, VersionRef> = {};
  for (const [name, state] of [...input.deployed].sort(([a], [b]) => a.localeCompare(b))) deployedBasis[name] = state.version;
  return {
    format: PLAN_FORMAT,
    fleet: manifest.name,
    env,
    createdAt: input.createdAt,
    ...(input.intent !== undefined ? { intent: input.intent } : {}),
    ...(input.scope !== undefined ? { scope: input.scope } : {}),
    to: input.to,
    basis: { deployed: deployedBasis, toCommit: input.to.commit },
    policy: { batch_size: manifest.policy.batch_size, bake: manifest.policy.bake, on_failure: manifest.policy.on_failure },
    findings: contractFindings.length ? [...input.findings, ...contractFindings].sort(compareFindings) : input.findings,
    changes: input.changes,
    batches: ordered.map((batch, index) => ({
      index: index + 1,
      kind: batch.kind,
      services: batch.steps.map((s) => s.service),
      steps: batch.steps,
      gates: gatesOf(
        batch.steps.map((s) => manifest.services.get(s.service)!),
        manifest.policy.bake,
      ),
      reasons: batch.reasons,
    })),
    unchanged,
  };
}

/**
 * What a step does to a service: new when nothing runs it; code when its files change anything
 * but config (its change analysis says so — or, when what it runs could not be read, its content
 * id moved); config when the config it resolves to changes.
 */
function stepChange(from: VersionRef | undefined, to: VersionRef, content: ServiceChanges | undefined): StepChange | undefined {
  if (!from) return 'new';
  const code = content?.unreadable !== undefined ? from.contentId !== to.contentId : changesCode(content?.kinds ?? []);
  const config = from.configHash !== to.configHash;
  if (code && config) return 'code+config';
  if (code) return 'code';
  if (config) return 'config';
  return undefined;
}

function configChanges(before: Record<string, string>, after: Record<string, string>): Step['configChanges'] {
  const changes: Step['configChanges'] = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (a !== b) changes[key] = [a, b];
  }
  return changes;
}

/** The names a service's sanity checks go by: their `name`, or their kind and position. */
export function sanityNames(service: Service): string[] {
  return (service.checks?.sanity ?? []).map((check, i) => check.name ?? `${CHECK_KINDS.find((kind) => check[kind] !== undefined) ?? 'check'} #${i + 1}`);
}

function gatesOf(services: Service[], bakeMs: number): Gates {
  const sanity: Record<string, string[]> = {};
  for (const service of services) {
    const names = sanityNames(service);
    if (names.length) sanity[service.name] = names;
  }
  return { health: services.filter((s) => s.checks?.health !== undefined).map((s) => s.name), sanity, bakeMs };
}
