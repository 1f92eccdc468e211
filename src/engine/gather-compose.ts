import { composeEntries, readComposeService, type ReadFile } from '../core/config/compose-service.js';
import { composePaths, sourceKey, type SourceEntry, type SourceFile } from '../core/config/source-file.js';
import type { Finding } from '../core/finding.js';
import { runsIn, type Manifest } from '../core/manifest/manifest.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';

/**
 * Reads every compose source a revision's services name, in two rounds: the compose files and
 * the project `.env` (every source's at once), then the env files the compose services name. Each
 * becomes a `SourceFile` under its `sourceKey`, its entries located in the file each comes from.
 * A compose file missing (the source not optional), one that does not parse or lacks the service,
 * an env file that is required and missing, are located `manifest/invalid` findings.
 */
export async function gatherComposeSources(tree: FileTree, manifest: Manifest): Promise<{ files: Map<string, SourceFile>; findings: Finding[] }> {
  const wanted = new Map<string, { files: string[]; projectEnv: string; service: string; optional: boolean; at: (string | number)[] }>();
  for (const service of manifest.services.values()) {
    if (service.path === '') continue;
    for (const source of service.config.sources) {
      if (source.format !== 'compose') continue;
      for (const env of manifest.environments) {
        if (!runsIn(service, env.name)) continue;
        const key = sourceKey(service, source, env.name);
        if (!wanted.has(key)) wanted.set(key, { ...composePaths(service, source, env.name), service: source.compose!.service, optional: source.optional, at: ['services', service.name, 'config', 'sources', source.index] });
      }
    }
  }
  const files = new Map<string, SourceFile>();
  const findings: Finding[] = [];
  if (!wanted.size) return { files, findings };

  const read = async (paths: string[]): Promise<Map<string, ReadFile>> => {
    const nodes = await tree.lookup(paths);
    const present = paths.filter((p) => nodes.get(p)?.kind === 'file');
    const texts = await tree.read(present);
    return new Map(present.map((path) => [path, { path, text: texts.get(path) ?? '', tracked: (nodes.get(path) as TreeNode & { kind: 'file' }).tracked }]));
  };
  const first = await read([...new Set([...wanted.values()].flatMap((w) => [...w.files, w.projectEnv]))]);

  const services = new Map<string, ReturnType<typeof readComposeService>>();
  for (const [key, want] of wanted) {
    const missing = want.files.filter((f) => !first.has(f));
    if (missing.length) {
      if (!want.optional) {
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          message: `compose file ${missing.join(', ')} does not exist in ${tree.label}`,
          hint: 'create it, fix the path, or mark the source optional: true',
          location: manifest.locate(want.at),
        });
      }
      continue;
    }
    const service = readComposeService(want.files.map((f) => first.get(f)!), first.get(want.projectEnv), want.service);
    findings.push(...service.findings);
    services.set(key, service);
  }

  const envFiles = await read([...new Set([...services.values()].flatMap((s) => s.envFiles.map((e) => e.path)))]);
  for (const [key, service] of services) {
    const want = wanted.get(key)!;
    const { entries, findings: problems } = composeEntries(service, envFiles);
    findings.push(...problems);
    const byKey = new Map<string, SourceEntry>();
    for (const entry of entries) byKey.set(entry.key, entry);
    const reads = [...want.files, ...(first.has(want.projectEnv) ? [want.projectEnv] : []), ...service.envFiles.map((e) => e.path).filter((p) => envFiles.has(p))];
    files.set(key, { path: want.files[0]!, format: 'compose', tracked: want.files.every((f) => first.get(f)!.tracked), byKey, entries, reads });
  }
  // Services of one compose file report its problems each: once is enough.
  const seen = new Set<string>();
  return { files, findings: findings.filter((f) => !seen.has(JSON.stringify([f.message, f.location])) && seen.add(JSON.stringify([f.message, f.location]))) };
}
