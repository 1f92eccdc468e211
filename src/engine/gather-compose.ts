import { ComposeProject, composeEntries, readComposeService, type ReadFile } from '../core/config/compose-service.js';
import { composePaths, declaredKey, type SourceEntry, type SourceFile } from '../core/config/source-file.js';
import type { Finding } from '../core/finding.js';
import type { Manifest } from '../core/manifest/manifest.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';
import { notUtf8Finding, readTexts, realOf, refusedLinkFinding, withReal, type RefusedLink } from './read-texts.js';
import { missingSource, uniqueFindings, wantedSources } from './wanted-sources.js';

/**
 * Reads every compose source a revision's services name, in two rounds: the compose files and
 * the project `.env` (every source's at once), then the env files the compose services name. Each
 * becomes a `SourceFile` under its `sourceKey`, its entries located in the file each comes from.
 * A compose file missing (the source not optional), one that does not parse or lacks the service,
 * an env file that is required and missing, are located `manifest/invalid` findings.
 * `sourcesOptional`: every source is read as if marked optional (a revision read with another's manifest).
 */
export async function gatherComposeSources(
  tree: FileTree,
  manifest: Manifest,
  sourcesOptional = false,
): Promise<{ files: Map<string, SourceFile>; findings: Finding[] }> {
  const wanted = wantedSources(manifest, 'compose', sourcesOptional, (service, source, env) => ({
    ...composePaths(service, source, env),
    service: source.compose!.service,
  }));
  const files = new Map<string, SourceFile>();
  const findings: Finding[] = [];
  if (!wanted.size) return { files, findings };

  // Files that cannot be read as they are: a link out of the repository, bytes that are not UTF-8 (each reported once, here).
  const refused = new Map<string, RefusedLink>();
  const unusable = new Set<string>();
  /** Files read through a link: the file each leads to (a change to it is a change to the source). */
  const real = new Map<string, string>();
  const read = async (paths: string[]): Promise<Map<string, ReadFile>> => {
    const nodes = await tree.lookup(paths);
    const present = paths.filter((p) => nodes.get(p)?.kind === 'file');
    const { texts, notUtf8 } = await readTexts(tree, present);
    for (const [path, to] of realOf(nodes)) real.set(path, to);
    for (const [path, node] of nodes) {
      if (node.kind !== 'refused-link') continue;
      refused.set(path, node);
      unusable.add(path);
    }
    for (const [path, at] of notUtf8) {
      findings.push(notUtf8Finding(path, at));
      unusable.add(path);
    }
    return new Map(
      present
        .filter((p) => texts.has(p))
        .map((path) => [path, { path, text: texts.get(path)!, tracked: (nodes.get(path) as TreeNode & { kind: 'file' }).tracked }]),
    );
  };
  const first = await read([...new Set([...wanted.values()].flatMap((w) => [...w.files, w.projectEnv]))]);

  const services = new Map<string, ReturnType<typeof readComposeService>>();
  const project = new ComposeProject();
  for (const [key, want] of wanted) {
    const blocked = [...want.files, want.projectEnv].filter((f) => unusable.has(f));
    if (blocked.length) {
      for (const path of blocked)
        if (refused.has(path))
          findings.push(
            refusedLinkFinding(want.files.includes(path) ? 'compose file' : 'compose project file', path, refused.get(path)!, manifest.locate(want.at)),
          );
      continue;
    }
    const missing = want.files.filter((f) => !first.has(f));
    if (missing.length) {
      if (!want.optional) findings.push(missingSource(manifest, want, 'compose file', missing, tree.label));
      continue;
    }
    const service = readComposeService(
      want.files.map((f) => first.get(f)!),
      first.get(want.projectEnv),
      want.service,
      project,
    );
    findings.push(...service.findings);
    services.set(key, service);
  }

  const envFiles = await read([...new Set([...services.values()].flatMap((s) => s.envFiles.map((e) => e.path)))]);
  for (const [key, service] of services) {
    const want = wanted.get(key)!;
    const blocked = service.envFiles.filter((e) => unusable.has(e.path));
    if (blocked.length) {
      for (const { path, location } of blocked)
        if (refused.has(path)) findings.push(refusedLinkFinding('compose env_file', path, refused.get(path)!, location));
      continue;
    }
    const { entries, findings: problems } = composeEntries(service, envFiles, declaredKey(manifest));
    findings.push(...problems);
    const byKey = new Map<string, SourceEntry>();
    for (const entry of entries) byKey.set(entry.key, entry);
    const reads = [
      ...want.files,
      ...(first.has(want.projectEnv) ? [want.projectEnv] : []),
      ...service.envFiles.map((e) => e.path).filter((p) => envFiles.has(p)),
    ];
    files.set(key, {
      path: want.files[0]!,
      format: 'compose',
      tracked: want.files.every((f) => first.get(f)!.tracked),
      byKey,
      entries,
      reads: withReal(reads, real),
    });
  }
  return { files, findings: uniqueFindings(findings) };
}
