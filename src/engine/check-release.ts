import { analyzeChanges } from '../core/changes/analyze-changes.js';
import type { ContractEdge } from '../core/contracts/index.js';
import type { ChangeManifest } from '../core/changes/change-manifest.js';
import { ownerIndex } from '../core/changes/owner-index.js';
import { resolveFleet, type ResolvedFleet } from '../core/config/resolve-fleet.js';
import { compareFindings, type Finding } from '../core/finding.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { applyPolicy } from '../core/rules/apply-policy.js';
import { checkChangeRules } from '../core/rules/change/check-change-rules.js';
import { checkConfig } from '../core/rules/check-config.js';
import { checkDeps } from '../core/rules/deps/check-deps.js';
import type { RuleId } from '../core/rules/rule-ids.js';
import { frozenChanges } from '../core/state/frozen-changes.js';
import type { Freeze } from '../core/state/records.js';
import type { Git } from '../ports/git.js';
import { addDependencyChanges } from './dependency-changes.js';
import { ParseCache } from './gather.js';
import { InvalidFleetError } from './load-revision.js';
import { analyzeContracts } from './contracts/analyze-contracts.js';
import { readContractSources } from './contracts/contract-sources.js';
import type { ReleaseRevisions } from './read-release.js';

export interface ReleaseCheck {
  env: string;
  to: FleetRevision;
  from?: FleetRevision;
  findings: Finding[];
  /** Rules that could not run, and why. */
  skipped: { rules: RuleId[]; reason: string }[];
  /** What the release changes per service; absent without a deployed revision to compare with. */
  changes?: ChangeManifest;
  /** The consumer → provider edges whose contract changes; absent without a deployed revision. */
  contracts?: ContractEdge[];
  toConfigs: ResolvedFleet;
}

export interface CheckOptions {
  intent?: string;
  scope?: string[];
  /** `--allow-dirty`: accepted for the first (least critical) environment only. */
  allowDirty: boolean;
  freezes: readonly Freeze[];
  now: string;
  /** Parses shared with the reads of the revisions (contracts that did not change are parsed once). */
  cache?: ParseCache;
}

/**
 * Every finding of a release, with no side effect: the config rules, what changed per service
 * (one diff and one log of the range) and the change rules, freezes. Without a deployed revision
 * the rules that compare two revisions are skipped, and the result says why.
 */
export async function checkRelease(git: Git, revisions: ReleaseRevisions, options: CheckOptions): Promise<ReleaseCheck> {
  const { env, to, from } = revisions;
  if (options.allowDirty && to.manifest.environments[0]?.name !== env) {
    throw new InputError(`--allow-dirty is accepted for ${to.manifest.environments[0]?.name} only, the least critical environment, not for ${env}`);
  }
  const toConfigs = resolveFleet(to);
  const fromConfigs = from ? resolveFleet(from) : undefined;
  const config = checkConfig({ env, to, toConfigs, ...(from && fromConfigs ? { from: { revision: from, configs: fromConfigs } } : {}) });

  // The contracts are compared (on worker threads, for a large fleet) while the lockfiles are.
  const comparing = compareContracts(git, revisions, options);
  comparing.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  let changes: ChangeManifest | undefined;
  if (from?.commit && to.commit && fromConfigs) {
    const [files, commits] = await Promise.all([git.changedFiles(from.commit, to.commit), git.commits(from.commit, to.commit)]);
    changes = analyzeChanges({ env, from: { ...from, commit: from.commit }, to: { ...to, commit: to.commit }, files, commits, fromConfigs, toConfigs });
    const unreadable = await addDependencyChanges(git, changes);
    if (unreadable.length) throw new InvalidFleetError(unreadable);
  }
  const contracts = await comparing;
  const uncommitted = to.commit && to.commit === (await git.resolveCommit('HEAD')) ? await uncommittedByService(git, to) : undefined;
  const emptyChanges: ChangeManifest = { env, from: { commit: '', label: '' }, to: { commit: to.commit ?? '', label: to.label }, services: [], unowned: [] };
  const changeFindings = checkChangeRules({
    changes: changes ?? emptyChanges,
    ...(options.intent !== undefined ? { intent: options.intent } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(uncommitted ? { uncommitted } : {}),
    allowDirty: options.allowDirty,
  });
  const kinds = new Map((changes?.services ?? []).map((s) => [s.service, s.kinds as string[]]));
  const frozen = frozenChanges(options.freezes.filter((f) => f.env === env), options.now, (_env, service) => kinds.get(service) ?? [], [...kinds.keys()]);

  const skipped = [...config.skipped];
  if (!changes) skipped.push(...(options.scope ? (['change/unrelated'] as const) : []), 'deps/transitive-change', 'deps/major-change', 'deps/divergence');
  const consumes = [...to.manifest.services.values()].some((s) => Object.keys(s.contracts?.consumes ?? {}).length > 0);
  if (!from && consumes) skipped.push(...CONTRACT_RULES);
  return {
    env,
    to,
    ...(from ? { from } : {}),
    findings: [...config.findings, ...applyPolicy([...changeFindings, ...frozen, ...(changes ? checkDeps(changes) : [])], to.manifest.policy)].sort(compareFindings),
    skipped: [...(skipped.length ? [{ rules: skipped, reason: revisions.whyNoFrom }] : []), ...('skipped' in contracts ? [contracts.skipped] : [])],
    ...(changes ? { changes } : {}),
    ...('edges' in contracts ? { contracts: contracts.edges } : {}),
    toConfigs,
  };
}

const CONTRACT_RULES = ['contract/breaking', 'contract/needs-provider-first', 'contract/no-safe-order', 'contract/rollback-unsafe'] as const;

/**
 * The contract edges the release changes. A target whose specs cannot be read is unusable input;
 * a deployed revision whose specs cannot be read only skips the contract rules, and says why.
 */
async function compareContracts(
  git: Git,
  { to, from }: ReleaseRevisions,
  options: CheckOptions,
): Promise<{ edges: ContractEdge[] } | { skipped: { rules: RuleId[]; reason: string } } | Record<string, never>> {
  const [target, deployed] = await Promise.all([readContractSources(git, to), from ? readContractSources(git, from) : undefined]);
  const analysis = await analyzeContracts(target, deployed, Date.parse(options.now), (options.cache ?? new ParseCache()).specs);
  if (analysis.toFindings.length) throw new InvalidFleetError(analysis.toFindings);
  if (!deployed || !from) return {};
  if (analysis.fromFindings.length) {
    return { skipped: { rules: [...CONTRACT_RULES], reason: `the contracts at ${from.label} have problems (${analysis.fromFindings[0]!.message})` } };
  }
  return { edges: analysis.edges };
}

/** Per service, its files with uncommitted changes in the working tree. */
async function uncommittedByService(git: Git, to: FleetRevision): Promise<Map<string, string[]>> {
  const owners = ownerIndex([...to.manifest.services.values()]);
  const result = new Map<string, string[]>();
  for (const path of await git.uncommittedFiles()) for (const service of owners(path)) result.set(service, [...(result.get(service) ?? []), path]);
  return result;
}
