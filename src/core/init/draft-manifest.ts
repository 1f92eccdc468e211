import { posix } from 'node:path';
import { ComposeProject, composeEntries, readComposeService, type ReadFile } from '../config/compose-service.js';
import { readManifests, workloadEntries, type KubernetesObject } from '../config/kubernetes-workload.js';
import type { SourceEntry } from '../config/source-file.js';
import { inferKey, type InferredKey } from './infer-key.js';

/*
 * `tranche init`: a first tranche.yaml for a repository as it is. The services are what the
 * repository builds and deploys — compose services with a `build:`, Kubernetes workloads whose
 * directory is in the repository — each with the source its values come from and a schema of
 * every key seen there; `depends_on` from compose's and from values that name another service's
 * host. Everything it sees and does not use is a note, so the person finishes the draft knowing
 * what was left out.
 */

/** What init read of the repository: every file that is not git-ignored, and the text of the few it needs. */
export interface RepoScan {
  /** Fleet-relative paths, sorted. */
  files: readonly string[];
  /** Texts of the candidate files (compose files, .env files, YAML, package manifests). */
  texts: ReadonlyMap<string, string>;
}

export interface DraftService {
  name: string;
  path: string;
  source?: { compose: string[]; service: string } | { kubernetes: string; workload: string; kind?: string; container?: string };
  deploy: string[];
  keys: Map<string, InferredKey>;
  dependsOn: string[];
}

export interface Draft {
  name: string;
  env: string;
  services: DraftService[];
  /** What init saw and did not use, or could not decide: one line each. */
  notes: string[];
}

/** Workload kinds, as tranche reads them. */
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
const COMPOSE = /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/;
const PRIMARY_COMPOSE = /(^|\/)(docker-compose|compose)\.ya?ml$/;
/** Files that mark a directory as one the repository builds. */
const BUILD_MARKERS = /(^|\/)(Dockerfile[^/]*|package\.json|go\.mod|Cargo\.toml|pyproject\.toml|requirements\.txt|[^/]+\.csproj|build\.gradle|pom\.xml)$/;
/** Directories where a service's code usually lives, by the service's name. */
const CODE_DIRS = ['', 'src/', 'services/', 'apps/', 'cmd/', 'packages/'];

export function draftManifest(name: string, scan: RepoScan): Draft {
  const notes: string[] = [];
  const read = (path: string): ReadFile | undefined => (scan.texts.has(path) ? { path, text: scan.texts.get(path)!, tracked: true } : undefined);
  const buildDirs = new Set(scan.files.filter((f) => BUILD_MARKERS.test(f)).map((f) => posix.dirname(f)));

  const project = new ComposeProject();
  const compose = composeServices(scan, read, project, notes);
  const kubernetes = kubernetesWorkloads(scan, read, notes);
  const services = new Map<string, DraftService & { values: Map<string, string[]>; hosts: string[] }>();

  if (kubernetes) {
    for (const workload of kubernetes.workloads) {
      const path = codeDir(workload.name, buildDirs, compose?.services.get(workload.name)?.path);
      if (!path) {
        notes.push(
          `${workload.kind} ${workload.name} (${workload.file}): no directory of this repository builds it${workload.image ? ` (image ${workload.image})` : ''}, so it is not a service of this fleet`,
        );
        continue;
      }
      const query = { workload: workload.name, kind: workload.kind, ...(workload.container ? { container: workload.container } : {}) };
      const { entries } = workloadEntries(kubernetes.objects, { ...query, at: { file: 'tranche.yaml' } });
      services.set(workload.name, {
        name: workload.name,
        path,
        source: {
          kubernetes: kubernetes.dir,
          workload: workload.name,
          ...(workload.sameName > 1 ? { kind: workload.kind } : {}),
          ...(workload.container ? { container: workload.container } : {}),
        },
        deploy: ['kubectl', 'apply', '-f', workload.file],
        ...collect(entries),
        dependsOn: [],
      });
    }
    if (compose)
      notes.push(
        `${compose.files.join(', ')}: docker compose too; tranche.yaml reads one definition per environment (Kubernetes here): add a dev environment with - compose: sources to read it as well`,
      );
  } else if (compose) {
    for (const [service, info] of compose.services) {
      if (!info.path) {
        notes.push(
          `compose service ${service}${info.image ? ` (image ${info.image})` : ''}: it has no build: in this repository, so it is not a service of this fleet`,
        );
        continue;
      }
      const definition = readComposeService(
        compose.files.map((f) => read(f)).filter((f) => f !== undefined),
        read(compose.projectEnv),
        service,
        project,
      );
      const envFiles = new Map(definition.envFiles.flatMap((e) => (read(e.path) ? [[e.path, read(e.path)!] as const] : [])));
      const { entries } = composeEntries(definition, envFiles);
      services.set(service, {
        name: service,
        path: info.path,
        source: { compose: compose.files, service },
        deploy: ['docker', 'compose', 'up', '--detach', '--no-deps', '--build', service],
        ...collect(entries),
        dependsOn: [],
      });
    }
  }

  // depends_on: compose's own, and values that name another service as a host (cart:7070, http://cart/...).
  for (const service of services.values()) {
    const declared = compose?.services.get(service.name)?.dependsOn ?? [];
    const named = new Set<string>();
    for (const host of service.hosts) {
      if (host === service.name) continue;
      if (services.has(host)) named.add(host);
      else if (kubernetes?.allNames.has(host) || compose?.services.has(host))
        continue; // a backing service (redis, a database)
      else if (/service|svc|api/i.test(host))
        notes.push(`${service.name}: a value names the host ${host}, which nothing in this repository deploys alongside it`);
    }
    service.dependsOn = [...new Set([...declared.filter((d) => services.has(d) && d !== service.name), ...named])].sort();
  }
  dropCycles(services, notes);

  for (const dir of [...buildDirs].sort()) {
    if ([...services.values()].some((s) => dir === s.path || dir.startsWith(`${s.path}/`))) continue;
    if (kubernetes || compose) notes.push(`${dir} has build files (Dockerfile, package manifest) but nothing this draft reads deploys it: not added`);
  }
  for (const chart of scan.files.filter((f) => /(^|\/)Chart\.yaml$/.test(f))) {
    notes.push(
      `${posix.dirname(chart)} is a Helm chart: its values are not read; add a helm-values source (keys: or render:) to a service that deploys with it`,
    );
  }
  const overlays = scan.files.filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f)).map((f) => posix.dirname(f));
  if (overlays.length)
    notes.push(
      `kustomizations in ${overlays.slice(0, 4).join(', ')}${overlays.length > 4 ? ', …' : ''}: not read; a - kustomize: OVERLAY source reads one as kubectl kustomize renders it`,
    );
  if (!services.size)
    notes.push('no service found: no compose service with a build: and no Kubernetes workload built from this repository; describe the services by hand');

  const env = kubernetes ? 'prod' : 'dev';
  return {
    name,
    env,
    services: [...services.values()].map(({ values: _values, hosts: _hosts, ...service }) => service),
    notes,
  };
}

/** Each key's values (for type inference) and schema guess, and the hosts the values name. */
function collect(entries: readonly SourceEntry[]): { keys: Map<string, InferredKey>; values: Map<string, string[]>; hosts: string[] } {
  const values = new Map<string, string[]>();
  const secret = new Set<string>();
  for (const entry of entries) {
    let seen = values.get(entry.key);
    if (!seen) values.set(entry.key, (seen = []));
    if (entry.atRunTime === undefined) seen.push(String(entry.value));
    if (entry.secret) secret.add(entry.key);
  }
  const keys = new Map([...values].map(([key, seen]) => [key, secret.has(key) ? { ...inferKey(key, seen), secret: true as const } : inferKey(key, seen)]));
  const hosts = [...values.values()].flat().flatMap(hostsIn);
  return { keys, values, hosts };
}

/** The host names a value mentions: `cart:7070`, `http://cart/x`, `redis://cache:6379/0`. */
function hostsIn(value: string): string[] {
  const hosts: string[] = [];
  for (const token of value.split(/[\s,;]+/)) {
    const withoutScheme = token.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '');
    const host = /^([a-z0-9][a-z0-9-]*)(\.[a-z0-9.-]+)?(:\d+)?(\/|$)/i.exec(withoutScheme)?.[1];
    // A bare word is no host unless a port or a scheme says it is one.
    if (host && (token !== withoutScheme || /^[^/]+:\d+/.test(withoutScheme))) hosts.push(host.toLowerCase());
  }
  return hosts;
}

/** The directory that builds `name`: compose's build context, else one of the usual places, holding build files. */
function codeDir(name: string, buildDirs: ReadonlySet<string>, composePath: string | undefined): string | undefined {
  if (composePath) return composePath;
  for (const prefix of CODE_DIRS) {
    const dir = `${prefix}${name}`;
    if ([...buildDirs].some((d) => d === dir || d.startsWith(`${dir}/`))) return dir;
  }
  return undefined;
}

interface ComposeInfo {
  path?: string;
  image?: string;
  dependsOn: string[];
}

/** The primary compose file (and its override beside it), with each service's build directory, image and depends_on. */
function composeServices(
  scan: RepoScan,
  read: (path: string) => ReadFile | undefined,
  project: ComposeProject,
  notes: string[],
): { files: string[]; projectEnv: string; services: Map<string, ComposeInfo> } | undefined {
  const candidates = scan.files.filter((f) => PRIMARY_COMPOSE.test(f)).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  const primary = candidates[0];
  if (!primary) return undefined;
  const dir = posix.dirname(primary);
  const inDir = (p: string) => (dir === '.' ? p : `${dir}/${p}`);
  const override = ['docker-compose.override.yml', 'docker-compose.override.yaml', 'compose.override.yml', 'compose.override.yaml']
    .map(inDir)
    .find((p) => scan.texts.has(p));
  // A compose file too large to read (or past the scan's limit) is named, not read.
  const files = [primary, ...(override ? [override] : [])].filter((file) => {
    if (read(file) !== undefined) return true;
    notes.push(`${file} was not read (too large): its services are not read`);
    return false;
  });
  if (!files.length) return undefined;
  const others = scan.files.filter((f) => COMPOSE.test(f) && !files.includes(f));
  if (others.length) notes.push(`${others.join(', ')}: other compose files, not read (docker compose reads ${files.join(' and ')} by default)`);
  const services = new Map<string, ComposeInfo>();
  for (const file of files) {
    const data = project.yaml(read(file)!).yaml?.data;
    if (data === undefined) {
      notes.push(`${file} does not parse: its services are not read`);
      continue;
    }
    for (const [service, raw] of Object.entries(record(record(data).services))) {
      const definition = record(raw);
      const build = typeof definition.build === 'string' ? definition.build : record(definition.build).context;
      const path = typeof build === 'string' ? posix.normalize(posix.join(dir, build)) : undefined;
      const dependsOn = Array.isArray(definition.depends_on)
        ? definition.depends_on.filter((d): d is string => typeof d === 'string')
        : Object.keys(record(definition.depends_on));
      const before = services.get(service);
      services.set(service, {
        ...before,
        ...(path !== undefined && path !== '.' && !path.startsWith('..') ? { path } : {}),
        ...(typeof definition.image === 'string' ? { image: definition.image } : {}),
        dependsOn: [...(before?.dependsOn ?? []), ...dependsOn],
      });
      if (path === '.') notes.push(`compose service ${service} builds the whole repository (build: .): give it a path of its own`);
    }
  }
  return { files, projectEnv: inDir('.env'), services };
}

interface Workload {
  kind: string;
  name: string;
  file: string;
  image?: string;
  container?: string;
  /** How many workloads of the directory have this name (kind: is needed when more than one). */
  sameName: number;
}

/**
 * The Kubernetes workloads of the directory that holds most of them (one file per workload
 * beats one rendered bundle); other directories with workloads are notes.
 */
function kubernetesWorkloads(
  scan: RepoScan,
  read: (path: string) => ReadFile | undefined,
  notes: string[],
): { dir: string; objects: KubernetesObject[]; workloads: Workload[]; allNames: Set<string> } | undefined {
  const yaml = scan.files.filter(
    (f) => /\.ya?ml$/.test(f) && !COMPOSE.test(f) && !/(^|\/)(Chart|kustomization|values[^/]*)\.ya?ml$/.test(f) && !/(^|\/)templates\//.test(f),
  );
  const byDir = new Map<string, { objects: KubernetesObject[]; files: Set<string> }>();
  for (const path of yaml) {
    const file = read(path);
    if (!file || !/^kind:/m.test(file.text)) continue;
    const { objects } = readManifests([file]);
    if (!objects.some((o) => WORKLOADS.has(o.kind))) continue;
    const dir = posix.dirname(path);
    const entry = byDir.get(dir) ?? { objects: [], files: new Set<string>() };
    entry.objects.push(...objects);
    entry.files.add(path);
    byDir.set(dir, entry);
  }
  const workloadsIn = (objects: KubernetesObject[]) => objects.filter((o) => WORKLOADS.has(o.kind));
  const ranked = [...byDir].sort(
    ([a, x], [b, y]) =>
      new Set(workloadsIn(y.objects).map((o) => o.name)).size - new Set(workloadsIn(x.objects).map((o) => o.name)).size ||
      y.files.size - x.files.size ||
      a.localeCompare(b),
  );
  const best = ranked[0];
  if (!best) return undefined;
  const [dir, { objects }] = best;
  if (ranked.length > 1)
    notes.push(
      `${ranked
        .slice(1)
        .map(([d]) => d)
        .join(', ')}: other Kubernetes manifests, not read (${dir} holds the most workloads)`,
    );
  const counts = new Map<string, number>();
  for (const o of workloadsIn(objects)) counts.set(o.name, (counts.get(o.name) ?? 0) + 1);
  const workloads = workloadsIn(objects).map((o): Workload => {
    const spec = record(
      o.kind === 'CronJob'
        ? record(record(record(o.data.spec).jobTemplate).spec).template
        : o.kind === 'Pod'
          ? { spec: o.data.spec }
          : record(o.data.spec).template,
    );
    const containers = (Array.isArray(record(spec.spec).containers) ? (record(spec.spec).containers as unknown[]) : []).map(record);
    const main = containers.length > 1 ? (containers.find((c) => c.name === o.name) ?? containers[0]) : undefined;
    if (main && main.name !== o.name)
      notes.push(`${o.kind} ${o.name} has ${containers.length} containers: the draft reads ${String(main.name)}; say which with container:`);
    const image = (main ?? containers[0])?.image;
    return {
      kind: o.kind,
      name: o.name,
      file: o.file,
      ...(typeof image === 'string' ? { image } : {}),
      ...(main ? { container: String(main.name) } : {}),
      sameName: counts.get(o.name)!,
    };
  });
  // What the chosen manifests define (Services, Deployments of backing services): hosts a value may name.
  return { dir, objects, workloads, allNames: new Set(objects.map((o) => o.name)) };
}

/** Removes depends_on edges that close a cycle (the later service's), each a note. */
function dropCycles(services: Map<string, { name: string; dependsOn: string[] }>, notes: string[]): void {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string) => {
    if (done.has(name)) return;
    visiting.add(name);
    const service = services.get(name)!;
    for (const dep of [...service.dependsOn]) {
      if (visiting.has(dep)) {
        service.dependsOn = service.dependsOn.filter((d) => d !== dep);
        notes.push(`${name} and ${dep} name each other: ${name}'s depends_on on ${dep} is left out (a cycle); say which starts first`);
      } else visit(dep);
    }
    visiting.delete(name);
    done.add(name);
  };
  for (const name of [...services.keys()].sort()) visit(name);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
