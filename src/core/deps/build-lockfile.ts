import type { LockedPackage, Lockfile, LockfileFormat } from './lockfile.js';
import { compareVersions } from './semver.js';

/** One installed package in a lockfile's dependency graph, as a parser reads it. */
export interface GraphNode {
  name: string;
  version: string;
  line?: number;
  /** Ids of the nodes it depends on (unresolvable ones already left out). */
  dependencies: readonly string[];
}

/**
 * Turns a parser's dependency graph into a `Lockfile`: the nodes in `directIds` are direct, and
 * every node reachable from a direct one lists that direct dependency's name in `via`. Nodes of the
 * same name and version (one package installed at several places, or pnpm's peer variants) merge.
 */
export function buildLockfile(format: LockfileFormat, nodes: ReadonlyMap<string, GraphNode>, directIds: Iterable<string>, tracesVia = true): Lockfile {
  const direct = new Set<string>();
  for (const id of directIds) if (nodes.has(id)) direct.add(id);
  const via = new Map<string, Set<string>>();
  for (const root of direct) {
    const rootName = nodes.get(root)?.name ?? root;
    const seen = new Set<string>([root]);
    const queue = [root];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      for (const dependency of nodes.get(next)?.dependencies ?? []) {
        if (seen.has(dependency) || !nodes.has(dependency)) continue;
        seen.add(dependency);
        queue.push(dependency);
        if (direct.has(dependency)) continue;
        let names = via.get(dependency);
        if (!names) via.set(dependency, (names = new Set()));
        names.add(rootName);
      }
    }
  }
  const merged = new Map<string, { pkg: LockedPackage; via: Set<string> }>();
  for (const [id, node] of nodes) {
    const key = `${node.name}\0${node.version}`;
    let entry = merged.get(key);
    if (!entry) {
      entry = { pkg: { name: node.name, version: node.version, direct: false, via: [] }, via: new Set() };
      merged.set(key, entry);
    }
    if (direct.has(id)) entry.pkg.direct = true;
    for (const name of via.get(id) ?? []) entry.via.add(name);
    if (node.line !== undefined && (entry.pkg.line === undefined || node.line < entry.pkg.line)) entry.pkg.line = node.line;
  }
  const packages = [...merged.values()].map(({ pkg, via: names }) => {
    if (!pkg.direct) pkg.via = [...names].sort();
    return pkg;
  });
  return { format, packages: sortPackages(packages), tracesVia };
}

/** Packages by name, then version (SemVer order where both are SemVer). */
export function sortPackages(packages: LockedPackage[]): LockedPackage[] {
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(a.version, b.version)));
}
