import { declaredKey, readSourceFile, sourcePath, variablesPaths, type SourceFile } from '../core/config/source-file.js';
import type { ParsedSpecs } from '../core/contracts/index.js';
import type { Finding } from '../core/finding.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { isKeyFile, runsIn, type Manifest, type SourceSpec } from '../core/manifest/manifest.js';
import { MANIFEST_FILE, parseManifest, type ParsedManifest } from '../core/manifest/parse-manifest.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';
import { notUtf8Finding, readTexts, refusedLinkFinding } from './read-texts.js';

/** A revision with no tranche.yaml: not a fleet (yet) — the user's input, unless it is read with another's manifest. */
export class NoManifestError extends InputError {
  constructor(
    readonly label: string,
    atCommit = true,
  ) {
    super(
      `there is no ${MANIFEST_FILE} at the root of the fleet in ${label}${atCommit ? ` (one written since is read once it is committed: commands read the fleet from git)` : ''}`,
    );
    this.name = 'NoManifestError';
  }
}

type Gathered = { files: Map<string, SourceFile>; findings: Finding[] };
type GatherDerived = (tree: FileTree, manifest: Manifest, sourcesOptional: boolean) => Promise<Gathered>;

/**
 * The readers of sources that take a service's config from another tool's definition (compose,
 * Kubernetes manifests, Helm values, kustomize and rendered charts): what sources each reads, and
 * the reader, loaded only when a service names such a source — most fleets use one kind or none,
 * and a command loads only what it uses.
 */
const DERIVED_SOURCES: ReadonlyArray<{ reads: (source: SourceSpec) => boolean; load: () => Promise<GatherDerived> }> = [
  { reads: (source) => source.format === 'compose', load: async () => (await import('./gather-compose.js')).gatherComposeSources },
  { reads: (source) => source.format === 'kubernetes', load: async () => (await import('./gather-kubernetes.js')).gatherKubernetesSources },
  {
    reads: (source) => source.format === 'helm-values' && !source.render,
    load: async () => (await import('./gather-helm-values.js')).gatherHelmValuesSources,
  },
  {
    reads: (source) => source.format === 'kustomize' || (source.format === 'helm-values' && source.render !== undefined),
    load: async () => (await import('./gather-rendered.js')).gatherRenderedSources,
  },
];

/**
 * Parse results by content id, in memory, shared by every revision one command reads: an unchanged
 * file is parsed once per run (the `ParseCache` port keeps results across runs).
 */
export class ParseMemo {
  readonly manifests = new Map<string, ParsedManifest>();
  readonly sources = new Map<string, ReturnType<typeof readSourceFile>>();
  /** Contract files parsed (and resolved, when self-contained), by blob id. */
  readonly specs: ParsedSpecs = new Map();
}

export type GatheredRevision = { revision: FleetRevision; findings: [] } | { revision?: undefined; findings: Finding[] };

/**
 * Reads the fleet at one revision into plain data: the manifest, then every config source any
 * service names in any environment, in one batch. Problems that make the fleet unusable — the
 * manifest's, a service path or a required source that does not exist, a source that does not
 * parse — come back as located `manifest/invalid` findings, all of them at once.
 */
export async function gatherRevision(tree: FileTree, cache = new ParseMemo(), fallback?: Manifest): Promise<GatheredRevision> {
  const manifestNode = (await tree.lookup([MANIFEST_FILE])).get(MANIFEST_FILE);
  let parsed: ParsedManifest;
  let borrowed: FleetRevision['manifestBorrowed'];
  if (manifestNode?.kind === 'file') {
    parsed = await cached(cache.manifests, manifestNode, async () => {
      const { texts, notUtf8 } = await readTexts(tree, [MANIFEST_FILE]);
      const bad = notUtf8.get(MANIFEST_FILE);
      return bad ? { findings: [notUtf8Finding(MANIFEST_FILE, bad, 'manifest/invalid')] } : parseManifest(texts.get(MANIFEST_FILE) ?? '');
    });
  } else if (manifestNode?.kind === 'refused-link') {
    return { findings: [refusedLinkFinding('the manifest', MANIFEST_FILE, manifestNode, { file: MANIFEST_FILE })] };
  } else if (fallback) {
    // A revision from before the fleet had a manifest (the usual baseline right after tranche init) is read with the fallback's.
    const read = await borrowManifest(tree, fallback);
    parsed = { manifest: read.manifest, findings: [] };
    borrowed = { absent: read.absent };
  } else {
    throw new NoManifestError(tree.label, tree.commit !== undefined);
  }
  if (!parsed.manifest) return { findings: parsed.findings };
  const { manifest } = parsed;
  const findings = [...parsed.findings];

  const wanted = new Map<
    string,
    { format: 'yaml' | 'dotenv'; namedBy: { service: string; index: number }; required: { service: string; index: number; env: string }[] }
  >();
  // A service whose path is itself invalid (already reported) has no files to look for.
  const located = [...manifest.services.values()].filter((s) => s.path !== '');
  for (const service of located) {
    for (const env of manifest.environments) {
      if (!runsIn(service, env.name)) continue;
      for (const source of service.config.sources) {
        if (!isKeyFile(source.format)) continue; // read by their own gatherers, below
        const path = sourcePath(service, source, env.name);
        let entry = wanted.get(path);
        if (!entry) wanted.set(path, (entry = { format: source.format, namedBy: { service: service.name, index: source.index }, required: [] }));
        if (!source.optional && !borrowed) entry.required.push({ service: service.name, index: source.index, env: env.name });
        // Variables files are read like optional dotenv sources: one that is absent sets nothing.
        for (const variables of variablesPaths(service, source, env.name)) {
          if (!wanted.has(variables)) wanted.set(variables, { format: 'dotenv', namedBy: { service: service.name, index: source.index }, required: [] });
        }
      }
    }
  }
  const servicePaths = located.flatMap((s) => [s.path, ...s.watch.filter(Boolean)]);
  const nodes = await tree.lookup([...new Set([...servicePaths, ...wanted.keys()])]);

  findings.push(...missingPaths(manifest, nodes, tree.label));
  findings.push(...submodulePaths(manifest, nodes, wanted));
  const present = [...wanted].filter(([path]) => nodes.get(path)?.kind === 'file');
  for (const [path, { required, namedBy }] of wanted) {
    const node = nodes.get(path);
    if (node?.kind === 'refused-link') {
      findings.push(
        refusedLinkFinding('config source', path, node, manifest.locate(['services', namedBy.service, 'config', 'sources', namedBy.index]), namedBy.service),
      );
      continue;
    }
    const kind = node?.kind;
    if (kind === 'file' || kind === 'submodule' || required.length === 0) continue;
    const first = required[0]!;
    const envs = [...new Set(required.map((r) => r.env))];
    findings.push({
      rule: 'manifest/invalid',
      severity: 'error',
      service: first.service,
      message: `config source ${path} (${envs.join(', ')}) does not exist in ${tree.label}`,
      hint: 'create it, fix the path, or mark the source optional: true',
      location: manifest.locate(['services', first.service, 'config', 'sources', first.index]),
    });
  }

  const uncachedPaths = present.filter(([path]) => !cache.sources.has(contentKey(nodes.get(path)!, path, wanted.get(path)!.format)));
  const { texts, notUtf8 } = await readTexts(
    tree,
    uncachedPaths.map(([path]) => path),
  );
  const isKey = declaredKey(manifest);
  const files = new Map<string, SourceFile>();
  for (const [path, { format, namedBy }] of present) {
    const node = nodes.get(path) as TreeNode & { kind: 'file' };
    const key = contentKey(node, path, format);
    let result = cache.sources.get(key);
    const bad = notUtf8.get(path);
    if (bad) {
      findings.push(notUtf8Finding(path, bad, 'config/invalid', namedBy.service));
      continue;
    }
    if (!result) {
      result = readSourceFile(path, format, texts.get(path) ?? '', node.tracked, isKey);
      if (node.id) cache.sources.set(key, result);
    }
    // A cached parse may come from another path or tracking state with the same content.
    const file =
      result.file.path === path && result.file.tracked === node.tracked && !node.real ? result.file : { ...result.file, path, tracked: node.tracked };
    // Read through a link: the file it leads to is this source's too (a change to it is a config change).
    if (node.real) file.reads = [node.real];
    files.set(path, file);
    findings.push(...result.findings.map((f) => (f.location?.file === path ? f : { ...f, location: { ...f.location, file: path } })));
  }

  const optional = borrowed !== undefined;
  const named = [...manifest.services.values()].flatMap((service) => service.config.sources);
  const readers = DERIVED_SOURCES.filter((reader) => named.some(reader.reads));
  for (const derived of await Promise.all(readers.map(async (reader) => (await reader.load())(tree, manifest, optional)))) {
    for (const [key, file] of derived.files) files.set(key, file);
    findings.push(...derived.findings);
  }

  if (findings.length) return { findings };
  const manifestTracked = manifestNode?.kind === 'file' ? manifestNode.tracked : true;
  const revision: FleetRevision = { label: tree.label, manifest, files, manifestTracked, ...(borrowed ? { manifestBorrowed: borrowed } : {}) };
  if (tree.commit) {
    revision.commit = tree.commit;
    revision.contents = await contentIds(manifest, nodes);
  }
  return { revision, findings: [] };
}

/**
 * Paths the manifest names that are (or are inside) a git submodule: their files live in another
 * repository, which tranche neither reads nor extracts, so they cannot be checked or deployed.
 */
function submodulePaths(manifest: Manifest, nodes: Map<string, TreeNode>, sources: Map<string, { namedBy: { service: string; index: number } }>): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  const report = (service: string, what: string, path: string, at: (string | number)[]) => {
    const node = nodes.get(path);
    if (node?.kind !== 'submodule' || reported.has(`${service}\0${node.submodule}`)) return;
    reported.add(`${service}\0${node.submodule}`);
    const where = node.submodule === path ? 'is a git submodule' : `is inside the git submodule ${node.submodule}`;
    findings.push({
      rule: 'manifest/invalid',
      severity: 'error',
      service,
      message: `${what} ${path} ${where}${node.id ? ` (at ${node.id.slice(0, 7)})` : ''}: tranche reads a fleet from one repository and cannot read, check or deploy a submodule's files`,
      hint: `vendor the submodule's files into this repository, or make ${node.submodule} a fleet of its own (with its own tranche.yaml)`,
      location: manifest.locate(at),
    });
  };
  for (const service of manifest.services.values()) {
    if (service.path !== '') report(service.name, `the path of service ${service.name},`, service.path, ['services', service.name, 'path']);
    service.watch.forEach((path, i) => path !== '' && report(service.name, 'the watched path', path, ['services', service.name, 'watch', i]));
  }
  for (const [path, { namedBy }] of sources)
    report(namedBy.service, 'the config source', path, ['services', namedBy.service, 'config', 'sources', namedBy.index]);
  return findings;
}

/**
 * Service and watched paths that do not exist, or are not what they must be. Such a path must be
 * the repository's own path to what it names, with no symbolic link on the way: it says which
 * files are the service's (their changes, its content id, what is deployed), and git records a
 * change below a link's target under the target's path, not the link's. A link is refused with
 * the path to write instead.
 */
function missingPaths(manifest: Manifest, nodes: Map<string, TreeNode>, label: string): Finding[] {
  const findings: Finding[] = [];
  const linked = (service: string, what: string, path: string, at: (string | number)[]): boolean => {
    const node = nodes.get(path);
    if (node?.kind === 'refused-link') findings.push(refusedLinkFinding(what, path, node, manifest.locate(at), service));
    else if ((node?.kind === 'dir' || node?.kind === 'file') && node.real !== undefined) {
      findings.push({
        rule: 'manifest/invalid',
        severity: 'error',
        service,
        message: `${what} ${path} goes through a symbolic link (it resolves to ${node.real}): it must name the ${node.kind === 'dir' ? 'directory' : 'file'} itself, so that its changes are the service's`,
        hint: `write ${node.real}`,
        location: manifest.locate(at),
      });
    } else return false;
    return true;
  };
  for (const service of manifest.services.values()) {
    if (service.path === '') continue;
    const kind = nodes.get(service.path)?.kind;
    const reported = linked(service.name, `the path of service ${service.name},`, service.path, ['services', service.name, 'path']);
    if (!reported && kind !== 'dir' && kind !== 'submodule') {
      findings.push({
        rule: 'manifest/invalid',
        severity: 'error',
        service: service.name,
        message: `path ${service.path} of service ${service.name} is not a directory in ${label}`,
        location: manifest.locate(['services', service.name, 'path']),
      });
    }
    service.watch.forEach((path, i) => {
      if (path === '' || linked(service.name, 'the watched path', path, ['services', service.name, 'watch', i])) return;
      if (!nodes.has(path)) {
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          service: service.name,
          message: `watched path ${path} does not exist in ${label}`,
          location: manifest.locate(['services', service.name, 'watch', i]),
        });
      }
    });
  }
  return findings;
}

async function contentIds(manifest: Manifest, nodes: Map<string, TreeNode>): Promise<Map<string, string>> {
  // Loaded (with node:crypto) by the first revision read at a commit: the working tree has no content ids.
  const { contentId } = await import('../core/content-id.js');
  const ids = new Map<string, string>();
  for (const service of manifest.services.values()) {
    const paths = [service.path, ...service.watch].map((path) => {
      const node = nodes.get(path);
      return { path, id: (node && 'id' in node ? node.id : undefined) ?? '' };
    });
    ids.set(service.name, contentId(paths, { run: service.run ?? null, exec: service.exec ?? null, kubernetes: service.kubernetes ?? null }));
  }
  return ids;
}

function contentKey(node: TreeNode, path: string, format: string): string {
  return node.kind === 'file' && node.id ? `${format}:${node.id}` : `${format}:path:${path}`;
}

async function cached<T>(cache: Map<string, T>, node: TreeNode, compute: () => Promise<T>): Promise<T> {
  const id = node.kind === 'file' ? node.id : undefined;
  if (id === undefined) return compute();
  let value = cache.get(id);
  if (value === undefined) {
    value = await compute();
    cache.set(id, value);
  }
  return value;
}

/**
 * Another revision's manifest, for a revision that has none: the services whose paths are not
 * there did not exist yet, and are left out. A revision where the fleet's directory or none of
 * the services exist is no fleet at all.
 */
async function borrowManifest(tree: FileTree, fallback: Manifest): Promise<{ manifest: Manifest; absent: string[] }> {
  const services = [...fallback.services.values()];
  const nodes = await tree.lookup(['.', ...services.flatMap((s) => (s.path === '' ? [] : [s.path]))]);
  const there = services.filter((s) => s.path !== '' && nodes.get(s.path)?.kind === 'dir');
  if (nodes.get('.')?.kind !== 'dir' || !there.length) throw new NoManifestError(tree.label, false);
  const absent = services.filter((s) => !there.includes(s)).map((s) => s.name);
  return { manifest: absent.length ? { ...fallback, services: new Map(there.map((s) => [s.name, s])) } : fallback, absent };
}
