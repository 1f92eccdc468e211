import type { ParseProblem } from '../location.js';
import { buildLockfile, type GraphNode } from './build-lockfile.js';
import { isRecord } from './is-record.js';
import type { LockfileParse } from './lockfile.js';
import { packageNameOf } from './package-name-of.js';
import { readSyml } from './read-syml.js';
import { selectDirectNodes } from './select-direct-nodes.js';

/**
 * Reads a yarn berry (v2 and later) `yarn.lock`: YAML whose keys list descriptors
 * (`ms@npm:^2.1.1, ms@npm:^2.1.3`) and whose entries give the `resolution` they share, the version
 * and the dependency descriptors. Workspace entries (`name@workspace:.`) are the project itself:
 * their dependencies are the direct ones, unless `direct` names them instead (see
 * `selectDirectNodes`). Other soft links (`link:`, `portal:`) are local folders, not packages.
 */
export function parseYarnBerryLock(text: string, direct?: readonly string[]): LockfileParse {
  const read = readSyml(text);
  if (!read.syml) return { problems: read.problems };
  const { entries, lines } = read.syml;
  const problems: ParseProblem[] = [];
  const nodes = new Map<string, GraphNode & { dependencies: string[] }>();
  const resolutionOf = new Map<string, string>();
  const dependencyMaps = new Map<string, Record<string, unknown>[]>();
  const workspaces: string[] = [];
  for (const [key, entry] of Object.entries(entries)) {
    if (key === '__metadata') continue;
    const descriptors = key.split(/,\s*/);
    const line = lines.get(descriptors[0] ?? key) ?? 1;
    if (!isRecord(entry) || typeof entry.resolution !== 'string' || typeof entry.version !== 'string') {
      problems.push({ message: `entry ${key} needs a resolution and a version`, line, column: 1 });
      continue;
    }
    const id = entry.resolution;
    for (const descriptor of descriptors) resolutionOf.set(descriptor, id);
    const maps = ['dependencies', 'optionalDependencies'].map((field) => entry[field]).filter(isRecord);
    dependencyMaps.set(id, maps);
    if (entry.linkType === 'soft') {
      if (id.includes('@workspace:')) workspaces.push(id);
      continue;
    }
    if (!nodes.has(id)) nodes.set(id, { name: packageNameOf(id), version: entry.version, line, dependencies: [] });
  }
  const lookup = (descriptor: string): string | undefined => {
    const id = resolutionOf.get(descriptor) ?? resolutionOf.get(withNpmProtocol(descriptor));
    return id !== undefined && nodes.has(id) ? id : undefined;
  };
  const dependenciesOf = (id: string): string[] => {
    const found = new Set<string>();
    for (const map of dependencyMaps.get(id) ?? []) {
      for (const [name, range] of Object.entries(map)) {
        const target = lookup(`${name}@${String(range)}`);
        if (target !== undefined) found.add(target);
      }
    }
    return [...found];
  };
  for (const [id, node] of nodes) node.dependencies.push(...dependenciesOf(id));
  const directIds = direct === undefined && workspaces.length > 0 ? workspaces.flatMap(dependenciesOf) : selectDirectNodes(nodes, direct, lookup);
  problems.sort((a, b) => a.line - b.line);
  return { lockfile: buildLockfile('yarn-berry', nodes, directIds), problems };
}

/** `ms@^2.1.1` as berry keys it (`ms@npm:^2.1.1`); descriptors that already name a protocol stay. */
function withNpmProtocol(descriptor: string): string {
  const name = packageNameOf(descriptor);
  const range = descriptor.slice(name.length + 1);
  return /^[a-z]+:/.test(range) ? descriptor : `${name}@npm:${range}`;
}
