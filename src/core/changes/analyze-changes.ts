import type { ResolvedFleet } from '../config/resolve-fleet.js';
import { sourcePath } from '../config/source-file.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { rawText, showValue } from '../config/show-value.js';
import type { FleetRevision } from '../fleet-revision.js';
import type { Service } from '../manifest/manifest.js';
import { joinRepoPath } from '../manifest/repo-path.js';
import { CHANGE_KINDS, type ChangeKind, type ChangeManifest, type ConfigKeyChange, type RevisionRef, type ServiceChanges, type ServiceFileChange } from './change-manifest.js';
import { ownerIndex } from './owner-index.js';

/** A file that differs between a deployed revision and the target (a rename: `from` is its old path). */
export interface ChangedPath {
  path: string;
  status: string;
  from?: string;
}

/** A commit of a range with the files it touches. */
export interface RangeCommit {
  sha: string;
  author: string;
  date: string;
  subject: string;
  files: string[];
}

/** One deployed revision, the services of the release that run it, and what lies between it and the target. */
export interface BaseRange {
  revision: FleetRevision & { commit: string };
  configs: ResolvedFleet;
  /** The target's services that run this revision. */
  services: readonly string[];
  /** Every file that differs between this revision and the target (none when it is the target). */
  files: readonly ChangedPath[];
  /** The commits of the range, with their files. */
  commits: readonly RangeCommit[];
  /** Files of the range whose edit changes dependencies only: lockfiles, and package manifests edited in their dependency fields alone (see `isDependencyEdit`). */
  dependencyEdits: ReadonlySet<string>;
}

export interface ChangeInput {
  env: string;
  to: FleetRevision & { commit: string };
  toConfigs: ResolvedFleet;
  /** Every deployed revision the release starts from, with its services. */
  bases: readonly BaseRange[];
  /** Services of the target that nothing runs yet in the environment. */
  added: readonly string[];
  /** Services whose deployed revision could not be read: what they run, and why. */
  unreadable: ReadonlyMap<string, { from: RevisionRef; reason: string }>;
}

/**
 * What a release changes per service, each service compared with the revision it runs: one diff
 * and one log per deployed revision, bucketed in memory. A file belongs to every service whose
 * path or watched paths contain it (at the target or at the deployed revision: a service that
 * moved keeps its old files) and to every service that names it as a config source, and is
 * classified by what it is to that service: config (a config source; one of other environments
 * only changes nothing here), contract (a spec it provides), deps (a lockfile, or a package
 * manifest whose edit touches dependency fields only) or code. A manifest change that alters a
 * service's deployment (run, exec, kubernetes) is code; one that alters its resolved config or
 * the rest of its definition is config. A new service is code and config; one whose deployed
 * revision cannot be read could be anything, and counts as every kind.
 */
export function analyzeChanges(input: ChangeInput): ChangeManifest {
  const { to, env } = input;
  const byService = new Map<string, ServiceChanges>();
  const unowned = new Set<string>();
  for (const base of input.bases) {
    for (const changes of baseChanges(input, base, unowned)) byService.set(changes.service, changes);
  }
  for (const service of input.added) byService.set(service, { service, kinds: ['config', 'code'], files: [], commits: [], configKeys: [], deps: [] });
  for (const [service, { from, reason }] of input.unreadable) {
    byService.set(service, { service, from, kinds: [...CHANGE_KINDS], files: [], commits: [], configKeys: [], deps: [], unreadable: reason });
  }
  const services = [...to.manifest.services.keys()].map((name) => byService.get(name)).filter((c): c is ServiceChanges => c !== undefined);
  const bases = new Set([...input.bases.filter((b) => b.services.length).map((b) => b.revision.commit), ...[...input.unreadable.values()].map((u) => u.from.commit)]);
  const only = input.bases.find((b) => b.services.length);
  return {
    env,
    ...(bases.size === 1 && only && !input.added.length ? { from: { commit: only.revision.commit, label: only.revision.label } } : {}),
    to: { commit: to.commit, label: to.label },
    services,
    unowned: [...unowned],
  };
}

function baseChanges(input: ChangeInput, base: BaseRange, unowned: Set<string>): ServiceChanges[] {
  const { to, env } = input;
  const mine = new Set(base.services);
  const from: RevisionRef = { commit: base.revision.commit, label: base.revision.label };
  const targetServices = [...to.manifest.services.values()];
  const deployedServices = [...base.revision.manifest.services.values()].filter((s) => to.manifest.services.has(s.name));
  const owners = fileOwners([...targetServices, ...deployedServices], to.manifest.environments.map((e) => e.name));
  const classify = classifier(targetServices, env, to.manifest.environments.map((e) => e.name), base.dependencyEdits);
  const byService = new Map<string, ServiceChanges>(base.services.map((s) => [s, { service: s, from, kinds: [], files: [], commits: [], configKeys: [], deps: [] }]));

  for (const file of base.files) {
    const owning = owners(file.path, file.from);
    if (!owning.length && file.path !== 'tranche.yaml') unowned.add(file.path);
    for (const name of owning) if (mine.has(name)) byService.get(name)!.files.push({ ...file, ...classify(name, file.path) });
  }
  for (const commit of base.commits) {
    const touched = new Map<string, string[]>();
    for (const path of commit.files) for (const name of owners(path)) if (mine.has(name)) touched.set(name, [...(touched.get(name) ?? []), path]);
    for (const [name, files] of touched) byService.get(name)!.commits.push({ sha: commit.sha, author: commit.author, date: commit.date, subject: commit.subject, files });
  }

  const manifestChanged = base.files.some((f) => f.path === 'tranche.yaml');
  const result: ServiceChanges[] = [];
  for (const changes of byService.values()) {
    const service = to.manifest.services.get(changes.service)!;
    changes.configKeys = configKeyChanges(base.configs, input.toConfigs, service.name, env);
    const definition = manifestChanged ? definitionChange(base.revision.manifest.services.get(service.name), service) : undefined;
    const kind = definition ?? (manifestChanged && changes.configKeys.length ? 'config' : undefined);
    if (kind) {
      changes.files.push({ path: 'tranche.yaml', status: 'M', kind });
      const commits = base.commits.filter((c) => c.files.includes('tranche.yaml') && !changes.commits.some((k) => k.sha === c.sha));
      changes.commits.push(...commits.map((c) => ({ sha: c.sha, author: c.author, date: c.date, subject: c.subject, files: ['tranche.yaml'] })));
    }
    const kinds = new Set<ChangeKind>(changes.files.filter((f) => !f.otherEnvs).map((f) => f.kind));
    if (changes.configKeys.length) kinds.add('config');
    changes.kinds = CHANGE_KINDS.filter((k) => kinds.has(k));
    if (changes.files.length || changes.configKeys.length) result.push(changes);
  }
  return result;
}

/**
 * The services a file belongs to: those whose path or watched paths hold it (or held it, for a
 * rename's old path), and those that read it as a config source in some environment.
 */
function fileOwners(services: Service[], envs: readonly string[]): (path: string, from?: string) => string[] {
  const byPath = ownerIndex(services);
  const sources = new Map<string, Set<string>>();
  for (const service of services) {
    for (const source of service.config.sources) {
      for (const env of envs) {
        const path = sourcePath(service, source, env);
        let readers = sources.get(path);
        if (!readers) sources.set(path, (readers = new Set()));
        readers.add(service.name);
      }
    }
  }
  const ownersOf = (path: string) => [...byPath(path), ...(sources.get(path) ?? [])];
  return (path, from) => [...new Set([...ownersOf(path), ...(from !== undefined ? ownersOf(from) : [])])];
}

function classifier(services: Service[], env: string, envs: readonly string[], dependencyEdits: ReadonlySet<string>) {
  const config = new Map<string, { here: Set<string>; anywhere: Set<string> }>();
  const contracts = new Map<string, Set<string>>();
  for (const service of services) {
    const here = new Set(service.config.sources.map((source) => sourcePath(service, source, env)));
    const anywhere = new Set(service.config.sources.flatMap((source) => envs.map((e) => sourcePath(service, source, e))));
    config.set(service.name, { here, anywhere });
    const provides = (service.contracts?.provides ?? {}) as { http?: string; events?: Record<string, string> };
    const specs = [provides.http, ...Object.values(provides.events ?? {})].filter((p): p is string => typeof p === 'string');
    contracts.set(service.name, new Set(specs.map((p) => joinRepoPath(service.path, p) ?? p)));
  }
  return (service: string, path: string): Pick<ServiceFileChange, 'kind' | 'otherEnvs'> => {
    const sources = config.get(service);
    if (sources?.here.has(path)) return { kind: 'config' };
    if (sources?.anywhere.has(path)) return { kind: 'config', otherEnvs: true };
    if (contracts.get(service)?.has(path)) return { kind: 'contract' };
    if (dependencyEdits.has(path)) return { kind: 'deps' };
    return { kind: 'code' };
  };
}

function configKeyChanges(fromConfigs: ResolvedFleet, toConfigs: ResolvedFleet, service: string, env: string): ConfigKeyChange[] {
  const before = fromConfigs.get(env)?.get(service);
  const after = toConfigs.get(env)?.get(service);
  const changes: ConfigKeyChange[] = [];
  // Compared on the winners' text first; only a key that differs is shown (and fingerprinted).
  const text = (config: ResolvedConfig | undefined, key: string) => {
    const winner = config?.keys.get(key)?.layers[0];
    return winner ? rawText(winner.raw, winner.sourceText) : undefined;
  };
  const keys = new Set([...(before?.keys.keys() ?? []), ...(after?.keys.keys() ?? [])]);
  for (const key of keys) {
    if (text(before, key) === text(after, key)) continue;
    const shown = (config: ResolvedConfig | undefined) => {
      const resolved = config?.keys.get(key);
      const winner = resolved?.layers[0];
      return resolved && winner ? showValue(resolved.spec, winner.raw, winner.sourceText) : null;
    };
    changes.push({ key, from: shown(before), to: shown(after) });
  }
  return changes;
}

/**
 * What a manifest change does to a service's definition: code when how it is deployed changes
 * (run, exec, kubernetes: a new start command is a new version), config when anything else does
 * (its schema, sources, checks, dependencies…), nothing when it stays the same.
 */
function definitionChange(before: Service | undefined, after: Service): ChangeKind | undefined {
  if (!before) return undefined;
  const deployment = (s: Service) => JSON.stringify([s.run ?? null, s.exec ?? null, s.kubernetes ?? null]);
  if (deployment(before) !== deployment(after)) return 'code';
  return canonical(before) === canonical(after) ? undefined : 'config';
}

/** A service definition as comparable text: what it runs with, how it is checked. */
function canonical(service: Service): string {
  const { config } = service;
  return JSON.stringify([
    service.path,
    service.watch,
    service.depends_on,
    service.uses,
    [...service.address],
    [...config.schema.values()],
    config.sources,
    [...config.env].map(([env, vars]) => [env, [...vars]]),
    service.contracts ?? null,
    service.checks ?? null,
  ]);
}
