import { readManifests, workloadEntries, type KubernetesObject } from '../core/config/kubernetes-workload.js';
import type { ReadFile } from '../core/config/compose-service.js';
import { kubernetesPaths, type SourceEntry, type SourceFile } from '../core/config/source-file.js';
import type { Finding } from '../core/finding.js';
import type { Manifest } from '../core/manifest/manifest.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';
import { notUtf8Finding, readTexts, realOf, refusedLinkFinding, withReal } from './read-texts.js';
import { missingSource, uniqueFindings, wantedSources } from './wanted-sources.js';

/** A file of a manifests directory that holds manifests. */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

/**
 * Reads every kubernetes source a revision's services name: each manifests path is a file or a
 * directory (every YAML or JSON file below it); every file is read and parsed once, whatever
 * number of sources read it. Each source becomes a `SourceFile` under its `sourceKey`, its
 * entries located in the manifest each comes from. A path that does not exist (the source not
 * optional), a document that does not parse, a workload or container that is not there, are
 * located `manifest/invalid` findings. `sourcesOptional`: every source is read as if marked optional.
 */
export async function gatherKubernetesSources(
  tree: FileTree,
  manifest: Manifest,
  sourcesOptional = false,
): Promise<{ files: Map<string, SourceFile>; findings: Finding[] }> {
  const wanted = wantedSources(manifest, 'kubernetes', sourcesOptional, (service, source, env) => {
    const { workload, kind, container } = source.kubernetes!;
    return {
      paths: kubernetesPaths(service, source, env),
      query: { workload, ...(kind !== undefined ? { kind } : {}), ...(container !== undefined ? { container } : {}) },
    };
  });
  const files = new Map<string, SourceFile>();
  const findings: Finding[] = [];
  if (!wanted.size) return { files, findings };

  // Which paths are files and which directories, then every manifest file below the directories.
  const roots = [...new Set([...wanted.values()].flatMap((w) => w.paths))];
  const nodes = await tree.lookup(roots);
  const below = new Map(
    await Promise.all(
      roots.filter((r) => nodes.get(r)?.kind === 'dir').map(async (dir) => [dir, (await tree.list(dir)).filter((p) => MANIFEST_FILE.test(p))] as const),
    ),
  );
  const filesOf = (path: string) => (nodes.get(path)?.kind === 'file' ? [path] : (below.get(path) ?? []));
  const all = [...new Set(roots.flatMap(filesOf))];
  const [{ texts, notUtf8 }, fileNodes] = await Promise.all([readTexts(tree, all), tree.lookup(all)]);
  for (const [path, at] of notUtf8) findings.push(notUtf8Finding(path, at));
  /** A root or a file below one that passes through a link out of the repository. */
  const refused = (path: string) => {
    const node = nodes.get(path)?.kind === 'refused-link' ? nodes.get(path) : fileNodes.get(path);
    return node?.kind === 'refused-link' ? node : undefined;
  };

  // Each file parsed once.
  const parsed = new Map<string, KubernetesObject[]>();
  for (const path of all) {
    if (notUtf8.has(path) || refused(path)) continue;
    const file: ReadFile = { path, text: texts.get(path) ?? '', tracked: (fileNodes.get(path) as (TreeNode & { kind: 'file' }) | undefined)?.tracked ?? true };
    const result = readManifests([file]);
    findings.push(...result.findings);
    parsed.set(path, result.objects);
  }

  for (const [key, want] of wanted) {
    const blocked = [...want.paths, ...want.paths.flatMap(filesOf)].filter((p) => refused(p) || notUtf8.has(p));
    if (blocked.length) {
      for (const path of blocked) if (refused(path)) findings.push(refusedLinkFinding('kubernetes manifests', path, refused(path)!, manifest.locate(want.at)));
      continue;
    }
    const missing = want.paths.filter((p) => !nodes.has(p));
    if (missing.length) {
      if (!want.optional) findings.push(missingSource(manifest, want, 'kubernetes manifests', missing, tree.label));
      continue;
    }
    const read = want.paths.flatMap(filesOf);
    const {
      entries,
      findings: problems,
      used,
    } = workloadEntries(
      read.flatMap((p) => parsed.get(p) ?? []),
      { ...want.query, at: manifest.locate(want.at) },
    );
    findings.push(...problems);
    const byKey = new Map<string, SourceEntry>();
    for (const entry of entries) byKey.set(entry.key, entry);
    files.set(key, {
      path: want.paths[0]!,
      format: 'kubernetes',
      tracked: used.every((p) => (fileNodes.get(p) as (TreeNode & { kind: 'file' }) | undefined)?.tracked ?? true),
      byKey,
      entries,
      reads: withReal(used, realOf(fileNodes)),
    });
  }
  return { files, findings: uniqueFindings(findings) };
}
