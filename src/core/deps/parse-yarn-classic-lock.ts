import type { ParseProblem } from '../location.js';
import { buildLockfile, type GraphNode } from './build-lockfile.js';
import { isRecord } from './is-record.js';
import type { LockfileParse } from './lockfile.js';
import { packageNameOf } from './package-name-of.js';
import { readSyml } from './read-syml.js';
import { selectDirectNodes } from './select-direct-nodes.js';

/**
 * Reads a yarn classic (v1) `yarn.lock`. Its entries are keyed by the ranges asked for
 * (`ms@^2.1.1`), each with the version that range resolved to and that version's own dependency
 * ranges, which chain entries into the dependency graph. The lockfile does not record the
 * project's own dependencies: pass them as `direct` (see `selectDirectNodes`), or the graph's roots
 * are taken.
 */
export function parseYarnClassicLock(text: string, direct?: readonly string[]): LockfileParse {
  const read = readSyml(text);
  if (!read.syml) return { problems: read.problems };
  const { entries, lines } = read.syml;
  const problems: ParseProblem[] = [];
  const nodes = new Map<string, GraphNode & { dependencies: string[] }>();
  const idOfPattern = new Map<string, string>();
  const rangesOf = new Map<string, Record<string, unknown>[]>();
  for (const [pattern, entry] of Object.entries(entries)) {
    const line = lines.get(pattern) ?? 1;
    if (!isRecord(entry) || typeof entry.version !== 'string' || entry.version === '') {
      problems.push({ message: `entry ${pattern} has no version`, line, column: 1 });
      continue;
    }
    const name = packageNameOf(pattern);
    const id = `${name}@${entry.version}`;
    idOfPattern.set(pattern, id);
    const node = nodes.get(id);
    if (!node) nodes.set(id, { name, version: entry.version, line, dependencies: [] });
    else if (node.line === undefined || line < node.line) node.line = line;
    const ranges = rangesOf.get(id) ?? [];
    for (const field of ['dependencies', 'optionalDependencies']) {
      const map = entry[field];
      if (isRecord(map)) ranges.push(map);
    }
    rangesOf.set(id, ranges);
  }
  for (const [id, node] of nodes) {
    const seen = new Set<string>();
    for (const ranges of rangesOf.get(id) ?? []) {
      for (const [name, range] of Object.entries(ranges)) {
        const target = idOfPattern.get(`${name}@${String(range)}`);
        if (target !== undefined && !seen.has(target)) {
          seen.add(target);
          node.dependencies.push(target);
        }
      }
    }
  }
  problems.sort((a, b) => a.line - b.line);
  const directIds = selectDirectNodes(nodes, direct, (descriptor) => idOfPattern.get(descriptor));
  return { lockfile: buildLockfile('yarn-classic', nodes, directIds), problems };
}
