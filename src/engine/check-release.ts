import type { ChangeKind, ChangeManifest } from '../core/changes/change-manifest.js';
import { revisionOwners } from '../core/changes/analyze-changes.js';
import { resolveFleet, type ResolvedFleet } from '../core/config/resolve-fleet.js';
import type { ContractEdge } from '../core/contracts/index.js';
import { compareFindings, type Finding } from '../core/finding.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { applyPolicy } from '../core/rules/apply-policy.js';
import { checkChangeRules } from '../core/rules/change/check-change-rules.js';
import { checkConfig, type DeployedRevision } from '../core/rules/check-config.js';
import { checkDeps } from '../core/rules/deps/check-deps.js';
import type { RuleId } from '../core/rules/rule-ids.js';
import { frozenChanges } from '../core/state/frozen-changes.js';
import type { Freeze } from '../core/state/records.js';
import type { Git } from '../ports/git.js';
import type { ParseCache } from '../ports/parse-cache.js';
import { analyzeContractShares, type ContractAnalysis, ContractWorkers, type ReadShare } from './contracts/analyze-contracts.js';
import { contractProviders, readContractSources } from './contracts/contract-sources.js';
import { ParseMemo } from './gather.js';
import { InvalidFleetError } from './load-revision.js';
import type { ReleaseRevisions } from './read-release.js';
import { releaseContent } from './release-content.js';
import { appendTo } from '../core/append-to.js';

export interface ReleaseCheck {
  env: string;
  to: FleetRevision & { commit: string };
  findings: Finding[];
  /** Rules that do not apply, and why (nothing runs yet to compare with). */
  skipped: { rules: RuleId[]; reason: string }[];
  /** What the release changes per service, each against the revision it runs. */
  changes: ChangeManifest;
  /** The consumer → provider edges whose contract changes; absent when nothing runs yet. */
  contracts?: ContractEdge[];
  toConfigs: ResolvedFleet;
}

export interface CheckOptions {
  intent?: string;
  scope?: ChangeKind[];
  /** `--allow-dirty`: accepted for the first (least critical) environment only. */
  allowDirty: boolean;
  freezes: readonly Freeze[];
  now: string;
  /** Parses shared with the reads of the revisions (contracts that did not change are parsed once). */
  cache?: ParseMemo;
  /** Results kept across runs (lockfile pair diffs), when the command uses a cache. */
  parseCache?: ParseCache;
}

/**
 * Every finding of a release, with no side effect: the config rules, what changes per service
 * (one diff and one log per deployed revision) and the change, deps and contract rules, freezes.
 * When nothing runs yet in the environment the rules that compare with it do not apply, and the
 * result says so; when what runs cannot be read, that is an error finding, never silence.
 */
export async function checkRelease(git: Git, revisions: ReleaseRevisions, options: CheckOptions): Promise<ReleaseCheck> {
  const { env, to } = revisions;
  if (options.allowDirty && to.manifest.environments[0]?.name !== env) {
    throw new InputError(`--allow-dirty is accepted for ${to.manifest.environments[0]?.name} only, the least critical environment, not for ${env}`);
  }
  const toConfigs = resolveFleet(to);
  const deployed = deployedRevisions(revisions);
  const config = checkConfig({ env, to, toConfigs, deployed, fingerprints: revisions.fingerprints });

  // The contracts are compared (on worker threads, for a large fleet) while the lockfiles are,
  // and the working tree's state is asked of git meanwhile (a process started while this one is
  // small, rather than after the comparison).
  const comparing = compareContracts(git, revisions, options);
  const asking = (async () => (to.commit === (await git.resolveCommit('HEAD')) ? await uncommittedByService(git, to) : undefined))();
  // Awaited below; a failure before then must not go unhandled.
  comparing.catch(() => undefined);
  asking.catch(() => undefined);
  const content = await releaseContent(git, revisions, toConfigs, { dependencies: true, ...(options.parseCache ? { parseCache: options.parseCache } : {}) });
  const contracts = await comparing;
  const uncommitted = await asking;
  const changeFindings = checkChangeRules({
    changes: content.changes,
    ...(options.intent !== undefined ? { intent: options.intent } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(uncommitted ? { uncommitted } : {}),
    allowDirty: options.allowDirty,
  });
  const kinds = new Map(content.changes.services.map((s) => [s.service, s.kinds]));
  const frozen = frozenChanges(
    options.freezes.filter((f) => f.env === env),
    options.now,
    (_env, service) => kinds.get(service) ?? [],
    [...kinds.keys()],
  );

  const nothingRuns = revisions.baseline.size === 0;
  const consumes = [...to.manifest.services.values()].some((s) => Object.keys(s.contracts?.consumes ?? {}).length > 0);
  const skipped = nothingRuns ? [...config.skipped, ...(consumes ? CONTRACT_RULES : [])] : [];
  return {
    env,
    to,
    findings: [
      ...config.findings,
      ...applyPolicy([...changeFindings, ...content.findings, ...contracts.findings, ...frozen, ...checkDeps(content.changes)], to.manifest.policy),
    ].sort(compareFindings),
    skipped: skipped.length ? [{ rules: skipped, reason: nothingRunsBecause(revisions) }] : [],
    changes: content.changes,
    ...(contracts.edges ? { contracts: contracts.edges } : {}),
    toConfigs,
  };
}

/** Why nothing is known to run in the environment, and what to do to compare anyway. */
function nothingRunsBecause({ env, basis }: ReleaseRevisions): string {
  const why =
    basis === 'no-store'
      ? `no state store is configured here (none named by --state or TRANCHE_STATE, and no .tranche/state.db), so nothing is known to run in ${env}`
      : `nothing is recorded as deployed in ${env} yet`;
  return `${why}: every service is taken as new there; give --from REF to compare with a revision`;
}

const CONTRACT_RULES: RuleId[] = ['contract/breaking', 'contract/needs-provider-first', 'contract/no-safe-order', 'contract/rollback-unsafe'];

/** The readable deployed revisions, each with the services that run it. */
function deployedRevisions({ to, baseline, bases }: ReleaseRevisions): DeployedRevision[] {
  const byCommit = new Map<string, Set<string>>();
  for (const [name, state] of baseline) {
    if (!to.manifest.services.has(name)) continue;
    const services = byCommit.get(state.version.commit) ?? new Set<string>();
    byCommit.set(state.version.commit, services.add(name));
  }
  return [...byCommit].flatMap(([commit, services]) => {
    const base = bases.get(commit);
    return base && 'revision' in base ? [{ revision: base.revision, configs: base.configs, services }] : [];
  });
}

/**
 * The contract edges the release changes, each service's contracts taken from the revision it
 * runs. A target whose specs cannot be read is unusable input; specs a deployed revision has that
 * cannot be read are a `change/unreadable` finding.
 */
async function compareContracts(git: Git, revisions: ReleaseRevisions, options: CheckOptions): Promise<{ edges?: ContractEdge[]; findings: Finding[] }> {
  const deployed = deployedRevisions(revisions);
  const running = revisions.baseline.size > 0;
  const providers = [...new Set([revisions.to, ...deployed.map((d) => d.revision)].flatMap((r) => contractProviders(r.manifest)))];
  const workers = ContractWorkers.ahead(providers.length, running);
  let analysis: ContractAnalysis;
  try {
    // Each share of the comparison (see analyzeContractShares) reads its specs of every revision.
    const read: ReadShare = async (mine, events) => {
      const share = { providers: mine, events };
      const [target, ...sources] = await Promise.all([
        readContractSources(git, revisions.to, share),
        ...deployed.map((d) => readContractSources(git, d.revision, share)),
      ]);
      const from = running ? { from: deployed.map((d, i) => ({ sources: sources[i]!, services: [...d.services] })) } : {};
      // Read for this share alone: what a worker compares is handed over to it.
      return { to: target!, ...from, own: true };
    };
    analysis = await analyzeContractShares(providers, running, read, Date.parse(options.now), (options.cache ?? new ParseMemo()).specs, workers);
  } finally {
    workers?.close();
  }
  if (analysis.toFindings.length) throw new InvalidFleetError(analysis.toFindings);
  if (!running) return { findings: [] };
  const findings: Finding[] = analysis.fromFindings.map((f) => ({
    rule: 'change/unreadable',
    severity: 'error',
    service: f.service!,
    env: revisions.env,
    message: `a contract that ${f.service} runs in ${revisions.env} cannot be read (${f.message}); the contract rules cannot be evaluated for it`,
    hint: 'fix the spec (the target has a readable one), or, once you have checked what runs, lower change/unreadable in policy.rules',
    ...(f.location ? { location: f.location } : {}),
  }));
  return { edges: analysis.edges, findings };
}

/** Per service, its files with uncommitted changes in the working tree (a shared config file counts for every service that reads it). */
async function uncommittedByService(git: Git, to: FleetRevision): Promise<Map<string, string[]>> {
  const owners = revisionOwners(to);
  const result = new Map<string, string[]>();
  for (const path of await git.uncommittedFiles()) for (const service of owners(path)) appendTo(result, service, path);
  return result;
}
