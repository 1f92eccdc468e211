import type { SemverClass } from './dependency-change.js';
import { isBreakingMove, parseSemver } from './semver.js';

/**
 * A Go pseudo-version (`v0.0.0-20210101000000-abcdef123456`, `v1.2.4-0.20210101000000-abcdef123456`):
 * SemVer by syntax, but it names a commit, so its components say nothing about compatibility.
 */
const GO_PSEUDO_VERSION = /(?:^|[-.])\d{14}-[0-9a-f]{12}(?:\+incompatible)?$/;

/** How far apart two versions of one package are (see `SemverClass`). */
export function classifyVersionChange(from: string, to: string): SemverClass {
  if (GO_PSEUDO_VERSION.test(from) || GO_PSEUDO_VERSION.test(to)) return 'other';
  const a = parseSemver(from, true);
  const b = parseSemver(to, true);
  if (!a || !b) return 'other';
  if (a.major !== b.major) return 'major';
  if (a.minor !== b.minor) return 'minor';
  if (a.patch !== b.patch) return 'patch';
  if (a.prerelease.join('.') !== b.prerelease.join('.')) return 'prerelease';
  return 'other';
}

/** Whether a move may break callers by SemVer's rules (see `isBreakingMove`); never for commits or Go pseudo-versions. */
export function isBreakingChange(from: string, to: string): boolean {
  if (GO_PSEUDO_VERSION.test(from) || GO_PSEUDO_VERSION.test(to)) return false;
  const a = parseSemver(from, true);
  const b = parseSemver(to, true);
  return a !== undefined && b !== undefined && isBreakingMove(a, b);
}
