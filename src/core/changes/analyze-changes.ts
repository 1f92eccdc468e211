import { posix } from 'node:path';
import type { ResolvedFleet } from '../config/resolve-fleet.js';
import { sourcePath } from '../config/source-file.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { rawText, showValue } from '../config/show-value.js';
import type { FleetRevision } from '../fleet-revision.js';
import type { Service } from '../manifest/manifest.js';
import { joinRepoPath } from '../manifest/repo-path.js';
import type { ChangeKind, ChangeManifest, ConfigKeyChange, ServiceChanges } from './change-manifest.js';
import { ownerIndex } from './owner-index.js';

/** Dependency manifests and lockfiles, by file name. */
const DEPENDENCY_FILES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'go.mod',
  'go.sum',
  'Cargo.toml',
  'Cargo.lock',
  'requirements.txt',
  'pyproject.toml',
  'poetry.lock',
  'Pipfile',
  'Pipfile.lock',
  'Gemfile',
  'Gemfile.lock',
  'pom.xml',
  'build.gradle',
  'gradle.lockfile',
]);

export interface ChangeInput {
  env: string;
  from: FleetRevision & { commit: string };
  to: FleetRevision & { commit: string };
  /** Every file that differs between the two commits. */
  files: readonly { path: string; status: string }[];
  /** The commits of the range with their files. */
  commits: readonly { sha: string; author: string; date: string; subject: string; files: string[] }[];
  fromConfigs: ResolvedFleet;
  toConfigs: ResolvedFleet;
}

/**
 * Buckets one diff and one log of the whole range into services, in memory: a file belongs to
 * every service whose path or watched paths contain it, and is classified as the service's
 * config (a config source it names in any environment), contract (a spec it provides), deps (a
 * dependency manifest or lockfile) or code. A manifest change that alters a service's resolved
 * config or definition is a config change of that service.
 */
export function analyzeChanges(input: ChangeInput): ChangeManifest {
  const { to, env } = input;
  const services = [...to.manifest.services.values()];
  const owners = ownerIndex(services);
  const classify = classifier(services, to.manifest.environments.map((e) => e.name));
  const byService = new Map<string, ServiceChanges>(services.map((s) => [s.name, { service: s.name, kinds: [], files: [], commits: [], configKeys: [], deps: [] }]));
  const unowned: string[] = [];

  for (const file of input.files) {
    const owning = owners(file.path);
    if (!owning.length && file.path !== 'tranche.yaml') unowned.push(file.path);
    for (const name of owning) byService.get(name)!.files.push({ path: file.path, status: file.status, kind: classify(name, file.path) });
  }
  for (const commit of input.commits) {
    const touched = new Map<string, string[]>();
    for (const path of commit.files) for (const name of owners(path)) touched.set(name, [...(touched.get(name) ?? []), path]);
    for (const [name, files] of touched) byService.get(name)!.commits.push({ sha: commit.sha, author: commit.author, date: commit.date, subject: commit.subject, files });
  }

  const manifestChanged = input.files.some((f) => f.path === 'tranche.yaml');
  for (const service of services) {
    const changes = byService.get(service.name)!;
    changes.configKeys = configKeyChanges(input, service.name, env);
    const definitionChanged = manifestChanged && canonical(input.from.manifest.services.get(service.name)) !== canonical(service);
    if (manifestChanged && (changes.configKeys.length || definitionChanged)) {
      changes.files.push({ path: 'tranche.yaml', status: 'M', kind: 'config' });
      const commits = input.commits.filter((c) => c.files.includes('tranche.yaml') && !changes.commits.some((k) => k.sha === c.sha));
      changes.commits.push(...commits.map((c) => ({ sha: c.sha, author: c.author, date: c.date, subject: c.subject, files: ['tranche.yaml'] })));
    }
    const kinds = new Set<ChangeKind>(changes.files.map((f) => f.kind));
    if (changes.configKeys.length) kinds.add('config');
    changes.kinds = (['config', 'code', 'deps', 'contract'] as const).filter((k) => kinds.has(k));
  }
  return {
    env,
    from: { commit: input.from.commit, label: input.from.label },
    to: { commit: to.commit, label: to.label },
    services: [...byService.values()].filter((c) => c.files.length || c.configKeys.length),
    unowned,
  };
}

function classifier(services: Service[], envs: string[]): (service: string, path: string) => ChangeKind {
  const config = new Map<string, Set<string>>();
  const contracts = new Map<string, Set<string>>();
  for (const service of services) {
    config.set(service.name, new Set(service.config.sources.flatMap((source) => envs.map((env) => sourcePath(service, source, env)))));
    const provides = (service.contracts?.provides ?? {}) as { http?: string; events?: Record<string, string> };
    const specs = [provides.http, ...Object.values(provides.events ?? {})].filter((p): p is string => typeof p === 'string');
    contracts.set(service.name, new Set(specs.map((p) => joinRepoPath(service.path, p) ?? p)));
  }
  return (service, path) => {
    if (config.get(service)?.has(path)) return 'config';
    if (contracts.get(service)?.has(path)) return 'contract';
    if (DEPENDENCY_FILES.has(posix.basename(path))) return 'deps';
    return 'code';
  };
}

function configKeyChanges(input: ChangeInput, service: string, env: string): ConfigKeyChange[] {
  const before = input.fromConfigs.get(env)?.get(service);
  const after = input.toConfigs.get(env)?.get(service);
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

/** A service definition as comparable text: what deploys it, what it runs with, how it is checked. */
function canonical(service: Service | undefined): string {
  if (!service) return '';
  const { config } = service;
  return JSON.stringify([
    service.path,
    service.watch,
    service.depends_on,
    service.uses,
    service.run ?? null,
    service.exec ?? null,
    service.kubernetes ?? null,
    [...service.address],
    [...config.schema.values()],
    config.sources,
    [...config.env].map(([env, vars]) => [env, [...vars]]),
    service.contracts ?? null,
    service.checks ?? null,
  ]);
}
