import type { GraphNode } from './build-lockfile.js';
import { packageNameOf } from './package-name-of.js';

/**
 * Which nodes of a lockfile graph the project depends on directly, for formats that do not say
 * (yarn classic; yarn berry when asked). `direct` lists the project's dependencies either as
 * descriptors exactly as package.json declares them (`debug@^4.1.0`), which name one entry, or as
 * bare names: a bare name locked at several versions picks the versions nothing else depends on
 * (all of them when each is also someone's dependency). Without `direct`, the graph's roots, the
 * packages no other package depends on, are taken as the direct ones.
 */
export function selectDirectNodes(
  nodes: ReadonlyMap<string, GraphNode>,
  direct: readonly string[] | undefined,
  lookup: (descriptor: string) => string | undefined,
): string[] {
  const dependedOn = new Set<string>();
  for (const node of nodes.values()) for (const id of node.dependencies) dependedOn.add(id);
  if (direct === undefined) return [...nodes.keys()].filter((id) => !dependedOn.has(id));
  const selected: string[] = [];
  for (const wanted of direct) {
    if (packageNameOf(wanted) !== wanted) {
      const id = lookup(wanted);
      if (id !== undefined) selected.push(id);
      continue;
    }
    const candidates = [...nodes].filter(([, node]) => node.name === wanted).map(([id]) => id);
    const roots = candidates.filter((id) => !dependedOn.has(id));
    selected.push(...(roots.length > 0 ? roots : candidates));
  }
  return selected;
}
