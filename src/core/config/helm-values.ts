import type { Finding } from '../finding.js';
import type { SourceLocation } from '../location.js';
import type { ReadYaml } from '../yaml/read-yaml.js';
import type { SourceEntry } from './source-file.js';
import { formatValuePath } from './value-path.js';

/** One values file, parsed with positions. */
export interface ValuesFile {
  path: string;
  tracked: boolean;
  yaml: ReadYaml;
}

type Path = (string | number)[];

/**
 * A service's config from Helm values files: the files layered in order as Helm coalesces them
 * (maps merged key by key, a later file's value wins, a `null` removes what an earlier file set),
 * then each config key read at the value path the manifest maps it to (`DB_PORT: database.port`).
 * A path that leads nowhere leaves the key unset here; one that holds a map or a list is a
 * located problem (`at`: where the manifest maps the key). Each entry is located at its value in
 * the file that set it; a plain scalar keeps the text as written (`1.10`, not `1.1`).
 */
export function helmValuesEntries(
  files: readonly ValuesFile[],
  keys: ReadonlyMap<string, Path>,
  at: (key: string) => SourceLocation,
): { entries: SourceEntry[]; findings: Finding[] } {
  const entries: SourceEntry[] = [];
  const findings: Finding[] = [];
  for (const [key, path] of keys) {
    const found = lookup(files, path);
    if (!found) continue;
    const { file, value } = found;
    if (value !== null && typeof value === 'object') {
      findings.push({
        rule: 'manifest/invalid',
        severity: 'error',
        message: `${key} is mapped to ${formatValuePath(path)}, which is a ${Array.isArray(value) ? 'list' : 'map'} in ${file.path}: map it to a value below it`,
        location: at(key),
      });
      continue;
    }
    const where = file.yaml.locate(path);
    entries.push({
      key,
      value: file.yaml.plainText(path) ?? String(value),
      line: where?.line ?? 1,
      column: where?.column ?? 1,
      file: file.path,
      tracked: file.tracked,
    });
  }
  return { entries, findings };
}

/**
 * The value at `path` after coalescing, and the file it comes from: the last file that sets the
 * path wins, unless a later file cuts it off above (a null, or a value that is not a map where
 * the path goes on).
 */
function lookup(files: readonly ValuesFile[], path: Path): { file: ValuesFile; value: unknown } | undefined {
  for (let f = files.length - 1; f >= 0; f--) {
    const file = files[f]!;
    let node: unknown = file.yaml.data;
    let depth = 0;
    for (; depth < path.length; depth++) {
      const segment = path[depth]!;
      if (node === null || typeof node !== 'object') break;
      if (typeof segment === 'number' ? !Array.isArray(node) || segment >= node.length : Array.isArray(node) || !Object.hasOwn(node, segment)) break;
      node = (node as Record<string | number, unknown>)[segment];
      // A null removes the key (and all below it) from what earlier files set.
      if (node === null) return undefined;
    }
    if (depth === path.length) return { file, value: node };
    // A map without the key: an earlier file may set it. Anything else that stops the path here
    // (a scalar, a list — Helm replaces lists whole — or a map asked for an index) replaced what
    // earlier files had below it.
    const isMap = node !== null && typeof node === 'object' && !Array.isArray(node);
    if ((isMap && typeof path[depth] === 'string') || depth === 0) continue;
    return undefined;
  }
  return undefined;
}
