import type { LockedPackage } from './lockfile.js';
import { compareVersions, parseSemver } from './semver.js';

/** A version that went away (`from`), one that appeared (`to`), or one that moved (both). */
export interface VersionPair {
  from?: LockedPackage;
  to?: LockedPackage;
}

/**
 * Matches the versions of one package that disappeared with those that appeared, so that a package
 * locked at several versions still reads as "2.1.1 → 2.1.3" rather than one removal and one
 * addition. Closest first: same role (direct or not) and same release line (major, or minor
 * below 1.0) before a different role or line, then the nearest version (the highest one below the
 * new version, else the lowest above it). What finds no partner is added or removed.
 */
export function pairVersions(removed: readonly LockedPackage[], added: readonly LockedPackage[]): VersionPair[] {
  const byVersion = (a: LockedPackage, b: LockedPackage): number => compareVersions(a.version, b.version);
  const left = [...removed].sort(byVersion);
  const waiting = [...added].sort(byVersion);
  const pairs: VersionPair[] = [];
  for (let distance = 0; distance <= 3 && left.length > 0; distance++) {
    for (let i = 0; i < waiting.length && left.length > 0; ) {
      const to = waiting[i] as LockedPackage;
      const match = nearest(left, to, distance);
      if (match === undefined) {
        i++;
        continue;
      }
      pairs.push({ from: left.splice(match, 1)[0], to });
      waiting.splice(i, 1);
    }
  }
  for (const to of waiting) pairs.push({ to });
  for (const from of left) pairs.push({ from });
  return pairs;
}

/** Index in `left` (sorted) of the nearest version at exactly `distance` from `to`. */
function nearest(left: readonly LockedPackage[], to: LockedPackage, distance: number): number | undefined {
  let below: number | undefined;
  for (let index = 0; index < left.length; index++) {
    const from = left[index] as LockedPackage;
    if (pairDistance(from, to) !== distance) continue;
    if (compareVersions(from.version, to.version) > 0) return below ?? index;
    below = index;
  }
  return below;
}

function pairDistance(from: LockedPackage, to: LockedPackage): number {
  const line = releaseLine(from.version);
  const sameLine = line !== undefined && line === releaseLine(to.version);
  return (from.direct === to.direct ? 0 : 2) + (sameLine ? 0 : 1);
}

/** `2` for 2.x, `0.3` for 0.3.x: the versions a caret range would accept together. */
function releaseLine(version: string): string | undefined {
  const parsed = parseSemver(version, true);
  if (!parsed) return undefined;
  return parsed.major > 0 ? String(parsed.major) : `0.${parsed.minor}`;
}
