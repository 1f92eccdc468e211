import type { Fingerprinter } from '../config/fingerprint.js';
import type { ResolvedFleet } from '../config/resolve-fleet.js';
import { sourceFiles, sourceKey } from '../config/source-file.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { shownConfig } from '../config/service-environment.js';
import type { FleetRevision } from '../fleet-revision.js';
import { runsIn, type Manifest, type Service, type SourceSpec } from '../manifest/manifest.js';
import { joinRepoPath } from '../manifest/repo-path.js';
import {
  CHANGE_KINDS,
  type ChangeKind,
  type ChangeManifest,
  type ConfigKeyChange,
  type RevisionRef,
  type ServiceChanges,
  type ServiceFileChange,
} from './change-manifest.js';
import { ownerIndex } from './owner-index.js';
import { appendTo } from '../append-to.js';

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
  /**
   * The config each service runs with, as shown (secrets as fingerprints): as recorded when it
   * was deployed, or as resolved at `--from`. The config keys of a change are what differs
   * between it and the target's, so that every command sees the config change the plan makes.
   */
  runningConfig: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** How the target's secrets are shown, as the running config shows them (keyed by the state store). */
  fingerprints: Fingerprinter;
}

/**
 * What a release changes per service, each service compared with the revision it runs: one diff
 * and one log per deployed revision, bucketed in memory. A file belongs to every service whose
 * path or watched paths contain it (at the target or at the deployed revision: a service that
 * moved keeps its old files) and to every service that names it as a config source, and is
 * classified by what it is to that service: config (a config source; one of other environments
 * only changes nothing here), contract (a spec it provides), deps (a lockfile, or a package
 * manifest whose edit touches dependency fields only) or code. A manifest change that alters a
 * service's deployment (run, exec, kubernetes) is code; one that alters its config here is
 * config; one that alters only its definition (its checks, other environments' values) is
 * config that changes nothing here. The config keys are what differs between the config the
 * service runs with and the target's. A new service is code and config; one whose deployed
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
    const configKeys = configKeyChanges(input.runningConfig.get(service), input.toConfigs.get(env)?.get(service), input.fingerprints);
    byService.set(service, { service, from, kinds: [...CHANGE_KINDS], files: [], commits: [], configKeys, deps: [], unreadable: reason });
  }
  const services = [...to.manifest.services.keys()].map((name) => byService.get(name)).filter((c): c is ServiceChanges => c !== undefined);
  const bases = new Set([
    ...input.bases.filter((b) => b.services.length).map((b) => b.revision.commit),
    ...[...input.unreadable.values()].map((u) => u.from.commit),
  ]);
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
  const envs = to.manifest.environments.map((e) => e.name);
  // The files a source reads, at the target and at the deployed revision (a compose service's env files are named by its compose files).
  const reads = (service: Service, source: SourceSpec, e: string) => {
    const key = sourceKey(service, source, e);
    return [...sourceFiles(service, source, e), ...(to.files.get(key)?.reads ?? []), ...(base.revision.files.get(key)?.reads ?? [])];
  };
  const owners = fileOwners([...targetServices, ...deployedServices], envs, reads);
  // A file is what the target says it is, or what the deployed revision said (a config source it stopped reading, then deleted).
  const classify = classifier([...targetServices, ...deployedServices], env, envs, base.dependencyEdits, reads);
  const byService = new Map<string, ServiceChanges>(
    base.services.map((s) => [s, { service: s, from, kinds: [], files: [], commits: [], configKeys: [], deps: [] }]),
  );

  for (const file of base.files) {
    // The manifest is the fleet's: it counts for a service by what its change does to it (below).
    if (file.path === 'tranche.yaml') continue;
    const owning = owners(file.path, file.from);
    if (!owning.length) unowned.add(file.path);
    for (const name of owning) if (mine.has(name)) byService.get(name)!.files.push({ ...file, ...classify(name, file.path) });
  }
  for (const commit of base.commits) {
    const touched = new Map<string, string[]>();
    for (const path of commit.files) {
      if (path === 'tranche.yaml') continue; // attributed below, by what the manifest change does to each service
      for (const name of owners(path)) if (mine.has(name)) appendTo(touched, name, path);
    }
    for (const [name, files] of touched)
      byService.get(name)!.commits.push({ sha: commit.sha, author: commit.author, date: commit.date, subject: commit.subject, files });
  }

  const manifestChanged = base.files.some((f) => f.path === 'tranche.yaml');
  const result: ServiceChanges[] = [];
  for (const changes of byService.values()) {
    const service = to.manifest.services.get(changes.service)!;
    changes.configKeys = configKeyChanges(input.runningConfig.get(service.name), input.toConfigs.get(env)?.get(service.name), input.fingerprints);
    const manifestEdit = manifestChanged ? manifestChange(base.revision.manifest, to.manifest, service, env, changes.configKeys.length > 0) : undefined;
    if (manifestEdit) {
      changes.files.push({ path: 'tranche.yaml', status: 'M', ...manifestEdit });
      const commits = base.commits.filter((c) => c.files.includes('tranche.yaml') && !changes.commits.some((k) => k.sha === c.sha));
      changes.commits.push(...commits.map((c) => ({ sha: c.sha, author: c.author, date: c.date, subject: c.subject, files: ['tranche.yaml'] })));
    }
    // A config file matters by the values it gives: one edited without changing any (a comment, another service's part of a shared compose file) changes nothing here.
    if (!changes.configKeys.length)
      changes.files = changes.files.map((f) => (f.kind === 'config' && f.path !== 'tranche.yaml' ? { ...f, noEffectHere: true } : f));
    const kinds = new Set<ChangeKind>(changes.files.filter((f) => !f.noEffectHere).map((f) => f.kind));
    if (changes.configKeys.length) kinds.add('config');
    changes.kinds = CHANGE_KINDS.filter((k) => kinds.has(k));
    if (changes.files.length || changes.configKeys.length) result.push(changes);
  }
  return result;
}

/**
 * The services of a revision a file belongs to (see `fileOwners`): for files that are not part of
 * a range, such as the working tree's uncommitted edits.
 */
export function revisionOwners(revision: FleetRevision): (path: string) => string[] {
  const envs = revision.manifest.environments.map((e) => e.name);
  const reads: SourceReads = (service, source, env) => [
    ...sourceFiles(service, source, env),
    ...(revision.files.get(sourceKey(service, source, env))?.reads ?? []),
  ];
  const owners = fileOwners([...revision.manifest.services.values()], envs, reads);
  return (path) => owners(path);
}

/**
 * The services a file belongs to: those whose path or watched paths hold it (or held it, for a
 * rename's old path), and those that read it as a config source in an environment they run in.
 */
function fileOwners(services: Service[], envs: readonly string[], reads: SourceReads): (path: string, from?: string) => string[] {
  const byPath = ownerIndex(services);
  const sources = new Map<string, Set<string>>();
  for (const service of services) {
    const where = envs.filter((env) => runsIn(service, env));
    for (const source of service.config.sources) {
      for (const env of where) {
        for (const path of reads(service, source, env)) {
          let readers = sources.get(path);
          if (!readers) sources.set(path, (readers = new Set()));
          readers.add(service.name);
        }
      }
    }
  }
  const ownersOf = (path: string) => [...byPath(path), ...(sources.get(path) ?? [])];
  return (path, from) => [...new Set([...ownersOf(path), ...(from !== undefined ? ownersOf(from) : [])])];
}

/** The repo files a source reads in an environment. */
type SourceReads = (service: Service, source: SourceSpec, env: string) => string[];

/** What a file is to a service in `env`; `services` may name a service twice (as targeted and as deployed): both count. */
function classifier(services: Service[], env: string, envs: readonly string[], dependencyEdits: ReadonlySet<string>, reads: SourceReads) {
  const here = new Map<string, Set<string>>();
  const anywhere = new Map<string, Set<string>>();
  const contracts = new Map<string, Set<string>>();
  const protoContracts = new Map<string, Set<string>>();
  const add = (index: Map<string, Set<string>>, service: string, paths: Iterable<string>) => {
    let set = index.get(service);
    if (!set) index.set(service, (set = new Set()));
    for (const path of paths) set.add(path);
  };
  for (const service of services) {
    add(
      here,
      service.name,
      service.config.sources.flatMap((source) => reads(service, source, env)),
    );
    const where = envs.filter((e) => runsIn(service, e));
    add(
      anywhere,
      service.name,
      service.config.sources.flatMap((source) => where.flatMap((e) => reads(service, source, e))),
    );
    const provides = service.contracts?.provides ?? {};
    const specs = [provides.http, ...Object.values(provides.events ?? {})].filter((p): p is string => typeof p === 'string');
    add(
      contracts,
      service.name,
      specs.map((p) => joinRepoPath(service.path, p) ?? p),
    );
    // A protobuf contract is a .proto file or a directory of them.
    const protos = [
      ...(typeof provides.grpc === 'string' ? [provides.grpc] : provides.grpc ? [provides.grpc.proto] : []),
      ...Object.values(provides.events ?? {}).flatMap((e) => (typeof e === 'string' ? [] : [e.proto])),
    ];
    add(
      protoContracts,
      service.name,
      protos.map((p) => joinRepoPath(service.path, p) ?? p),
    );
  }
  const isProto = (service: string, path: string) =>
    path.endsWith('.proto') && [...(protoContracts.get(service) ?? [])].some((p) => path === p || path.startsWith(`${p}/`) || p === '.');
  return (service: string, path: string): Pick<ServiceFileChange, 'kind' | 'noEffectHere'> => {
    if (here.get(service)?.has(path)) return { kind: 'config' };
    if (anywhere.get(service)?.has(path)) return { kind: 'config', noEffectHere: true };
    if (contracts.get(service)?.has(path) || isProto(service, path)) return { kind: 'contract' };
    if (dependencyEdits.has(path)) return { kind: 'deps' };
    return { kind: 'code' };
  };
}

/** The keys whose shown value differs between what runs and the target (secrets compare by fingerprint). */
function configKeyChanges(
  running: Readonly<Record<string, string>> | undefined,
  target: ResolvedConfig | undefined,
  fingerprints: Fingerprinter,
): ConfigKeyChange[] {
  const before = running ?? {};
  const after = target ? shownConfig(target, fingerprints) : {};
  const changes: ConfigKeyChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = Object.hasOwn(before, key) ? before[key]! : null;
    const to = Object.hasOwn(after, key) ? after[key]! : null;
    if (from !== to) changes.push({ key, from, to });
  }
  return changes;
}

/**
 * What a manifest change is to a service in `env`: code when how it is deployed changes (run,
 * exec, kubernetes: a new start command is a new version); config when its definition or a
 * resource value it binds changes and its config here does (`configChanged`); config that changes
 * nothing here when only its definition does (values of other environments, its checks, its
 * dependencies…); nothing when neither changes.
 */
function manifestChange(
  before: Manifest,
  after: Manifest,
  service: Service,
  env: string,
  configChanged: boolean,
): Pick<ServiceFileChange, 'kind' | 'noEffectHere'> | undefined {
  const old = before.services.get(service.name);
  if (!old) return undefined;
  const deployment = (s: Service) => JSON.stringify([s.run ?? null, s.exec ?? null, s.kubernetes ?? null]);
  if (deployment(old) !== deployment(service)) return { kind: 'code' };
  const definition = canonical(old) !== canonical(service);
  if (configChanged && (definition || boundValueChanged(before, after, service, env))) return { kind: 'config' };
  return definition ? { kind: 'config', noEffectHere: true } : undefined;
}

/** Whether a resource value a key of the service binds to differs in `env` between two manifests. */
function boundValueChanged(before: Manifest, after: Manifest, service: Service, env: string): boolean {
  for (const spec of service.config.schema.values()) {
    if (!spec.bind) continue;
    const value = (m: Manifest) => m.resources.get(spec.bind!.resource)?.values.get(env)?.get(spec.bind!.field);
    if (String(value(before)) !== String(value(after))) return true;
  }
  return false;
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
