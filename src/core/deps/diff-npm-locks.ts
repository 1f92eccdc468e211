import { sortPackages } from './build-lockfile.js';
import type { DependencyChange } from './dependency-change.js';
import { diffLockfiles } from './diff-lockfiles.js';
import type { LockedPackage, Lockfile } from './lockfile.js';
import { npmKeyLines } from './npm-key-lines.js';
import { AFTER, BEFORE, nameOfPath, NpmPairGraph } from './npm-pair-graph.js';
import { readNpmPair } from './read-npm-pair.js';

/**
 * `diffLockfiles(parseNpmLock(before).lockfile, parseNpmLock(after).lockfile)`, computed without
 * building either lockfile in full: the before side is parsed, and of the after side only the
 * entries it writes differently (see readNpmPair); the packages whose version moved are traced up
 * to the direct dependencies, and only the lines the changes report are looked for. Undefined when
 * either side is not a readable lockfileVersion 2/3 file (`before` missing included): the caller
 * then takes the general path, which reports the problems.
 */
export function diffNpmLocks(beforeText: string | undefined, afterText: string): DependencyChange[] | undefined {
  if (beforeText === undefined) return undefined;
  const pair = readNpmPair(beforeText, afterText);
  if (!pair) return undefined;
  const graph = new NpmPairGraph(pair);

  // The names some install path of which differs (added, removed, another version, or no longer a node).
  const candidates = new Set<string>();
  for (const path of graph.differing()) if (graph.versionAt(BEFORE, path) !== graph.versionAt(AFTER, path)) candidates.add(nameOfPath(path));
  if (candidates.size === 0) return [];

  const old = graph.versionsOf(BEFORE, candidates);
  const now = graph.versionsOf(AFTER, candidates);
  const removed: LockedPackage[] = [];
  const added: LockedPackage[] = [];
  for (const name of candidates) {
    const was = old.get(name);
    const is = now.get(name);
    for (const [version, paths] of was ?? []) if (!is?.has(version)) removed.push(graph.lockedPackage(BEFORE, name, version, paths));
    for (const [version, paths] of is ?? []) if (!was?.has(version)) added.push(graph.lockedPackage(AFTER, name, version, paths));
  }
  const partial = (packages: LockedPackage[]): Lockfile => ({ format: 'npm', packages: sortPackages(packages), tracesVia: true });
  const changes = diffLockfiles(partial(removed), partial(added));

  // A change is located at its version after (before, for a removal): the earliest of its entries.
  const pathsOf = (change: DependencyChange): string[] =>
    (change.to !== undefined ? now.get(change.name)?.get(change.to) : old.get(change.name)?.get(change.from ?? '')) ?? [];
  const removals = changes.filter((change) => change.to === undefined);
  const beforeLines = npmKeyLines(pair.before.text, removals.flatMap(pathsOf));
  const afterLines = npmKeyLines(pair.afterText, changes.filter((change) => change.to !== undefined).flatMap(pathsOf));
  for (const change of changes) {
    const lines = change.to !== undefined ? afterLines : beforeLines;
    change.line = Math.min(...pathsOf(change).map((path) => lines.get(path) ?? 1));
  }
  return changes;
}
