import { classifyVersionChange, isBreakingChange } from './classify-version-change.js';
import type { DependencyChange } from './dependency-change.js';
import type { LockedPackage, Lockfile } from './lockfile.js';
import { pairVersions } from './pair-versions.js';
import { compareVersions } from './semver.js';

/**
 * What moved between two lockfiles of one service: one change per package version added,
 * removed or changed, sorted by name. Versions are compared as sets per name, so a package
 * installed at several versions reports only the versions that moved. `before` undefined (a
 * first deployment) makes every package `added`. Each transitive change says whether a change of a
 * direct dependency that pulls it in explains it (see `DependencyChange.explained`).
 */
export function diffLockfiles(before: Lockfile | undefined, after: Lockfile): DependencyChange[] {
  const old = byName(before?.packages ?? []);
  const now = byName(after.packages);
  const names = [...new Set([...old.keys(), ...now.keys()])].sort();
  const moved: Array<{ name: string; from?: LockedPackage; to?: LockedPackage }> = [];
  for (const name of names) {
    const was = old.get(name) ?? [];
    const is = now.get(name) ?? [];
    const removed = was.filter((pkg) => !is.some((other) => other.version === pkg.version));
    const added = is.filter((pkg) => !was.some((other) => other.version === pkg.version));
    for (const pair of pairVersions(removed, added)) moved.push({ name, ...pair });
  }
  const directlyChanged = new Set(moved.filter(({ from, to }) => (to ?? from)?.direct).map(({ name }) => name));
  const traced = after.tracesVia && (before?.tracesVia ?? true);
  const changes = moved.map(({ name, from, to }): DependencyChange => {
    const direct = (to ?? from)?.direct ?? false;
    const via = direct ? [] : [...new Set([...(from?.via ?? []), ...(to?.via ?? [])])].sort();
    const explained = direct || (via.length > 0 ? via.some((n) => directlyChanged.has(n)) : !traced && directlyChanged.size > 0);
    const change: DependencyChange = { kind: from && to ? 'changed' : to ? 'added' : 'removed', name, direct, via, explained };
    if (from) change.from = from.version;
    if (to) change.to = to.version;
    if (from && to) change.semver = classifyVersionChange(from.version, to.version);
    if (from && to && isBreakingChange(from.version, to.version)) change.breaking = true;
    const line = (to ?? from)?.line;
    if (line !== undefined) change.line = line;
    return change;
  });
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(a.from ?? a.to ?? '', b.from ?? b.to ?? '')));
}

function byName(packages: readonly LockedPackage[]): Map<string, LockedPackage[]> {
  const groups = new Map<string, LockedPackage[]>();
  for (const pkg of packages) {
    const group = groups.get(pkg.name);
    if (group) group.push(pkg);
    else groups.set(pkg.name, [pkg]);
  }
  return groups;
}
