import { helmValuesEntries, type ValuesFile } from '../core/config/helm-values.js';
import { helmValuesPaths, type SourceEntry, type SourceFile } from '../core/config/source-file.js';
import type { Finding } from '../core/finding.js';
import type { Manifest } from '../core/manifest/manifest.js';
import { readYaml } from '../core/yaml/read-yaml.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';
import { notUtf8Finding, readTexts, realOf, refusedLinkFinding, withReal } from './read-texts.js';
import { missingSource, uniqueFindings, wantedSources } from './wanted-sources.js';

/**
 * Reads every helm-values source a revision's services name: each values file read and parsed
 * once, then each source's keys looked up in its files as Helm layers them. Each becomes a
 * `SourceFile` under its `sourceKey`, its entries located at their values. A values file missing
 * (the source not optional), one that does not parse, a key mapped to a map or a list, are
 * located `manifest/invalid` findings. `sourcesOptional`: every source is read as if optional.
 */
export async function gatherHelmValuesSources(
  tree: FileTree,
  manifest: Manifest,
  sourcesOptional = false,
): Promise<{ files: Map<string, SourceFile>; findings: Finding[] }> {
  // A rendered chart is read as kubernetes (gatherRenderedSources).
  const wanted = wantedSources(
    manifest,
    'helm-values',
    sourcesOptional,
    (service, source, env) => ({ paths: helmValuesPaths(service, source, env), keys: source.helm!.keys }),
    (source) => !source.render,
  );
  const files = new Map<string, SourceFile>();
  const findings: Finding[] = [];
  if (!wanted.size) return { files, findings };

  const all = [...new Set([...wanted.values()].flatMap((w) => w.paths))];
  const nodes = await tree.lookup(all);
  const present = all.filter((p) => nodes.get(p)?.kind === 'file');
  const { texts, notUtf8 } = await readTexts(tree, present);
  for (const [path, at] of notUtf8) findings.push(notUtf8Finding(path, at));
  const parsed = new Map<string, ValuesFile>();
  for (const path of present) {
    if (notUtf8.has(path)) continue;
    const read = readYaml(texts.get(path) ?? '', path);
    if (!read.yaml) {
      findings.push(...read.findings);
      continue;
    }
    parsed.set(path, { path, tracked: (nodes.get(path) as TreeNode & { kind: 'file' }).tracked, yaml: read.yaml });
  }

  for (const [key, want] of wanted) {
    for (const path of want.paths) {
      const node = nodes.get(path);
      if (node?.kind === 'refused-link') findings.push(refusedLinkFinding('values file', path, node, manifest.locate(want.at)));
    }
    const missing = want.paths.filter((p) => !nodes.has(p));
    if (missing.length && !want.optional) {
      findings.push(missingSource(manifest, want, 'values file', missing, tree.label));
      continue;
    }
    // An optional source reads the values files that are there, in their order.
    const layered = want.paths.flatMap((p) => (parsed.has(p) ? [parsed.get(p)!] : []));
    if (layered.length < want.paths.filter((p) => nodes.has(p)).length) continue; // one did not parse, is not UTF-8 or leads out of the repository: reported above
    const { entries, findings: problems } = helmValuesEntries(layered, want.keys, (k) => manifest.locate([...want.at, 'keys', k]));
    findings.push(...problems);
    const byKey = new Map<string, SourceEntry>(entries.map((e) => [e.key, e]));
    files.set(key, {
      path: want.paths[0]!,
      format: 'helm-values',
      tracked: layered.every((f) => f.tracked),
      byKey,
      entries,
      reads: withReal(
        layered.map((f) => f.path),
        realOf(nodes),
      ),
    });
  }
  return { files, findings: uniqueFindings(findings) };
}
