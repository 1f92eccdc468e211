import semver from 'semver';

/** A SemVer 2.0.0 version, read by `parseSemver`. */
export interface Semver {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated pre-release identifiers (`['rc', '1']`); empty for a release. */
  prerelease: string[];
  /** Dot-separated build metadata (`['incompatible']` for Go's `+incompatible`); never affects order. */
  build: string[];
}

/** `1`, `1.2`: release numbers with components left out, as PyPI and some tags write them. */
const SHORT = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;

/**
 * Reads a SemVer 2.0.0 version with the `semver` package (strict: an optional leading `v`, as Go
 * writes them, and nothing else it would tolerate). With `loose`, also `1` and `1.2`, missing
 * components read as 0. Anything else is undefined, as are numbers too large to compare exactly.
 */
export function parseSemver(text: string, loose = false): Semver | undefined {
  const strict = /^v?\d/.test(text) ? semver.parse(text) : null;
  if (strict && (text.startsWith('v') ? text.slice(1) : text) === strict.raw.replace(/^v/, '')) {
    return { major: strict.major, minor: strict.minor, patch: strict.patch, prerelease: strict.prerelease.map(String), build: [...strict.build] };
  }
  const short = loose ? SHORT.exec(text) : null;
  if (!short) return undefined;
  const major = Number(short[1]);
  const minor = Number(short[2] ?? 0);
  if (!Number.isSafeInteger(major) || !Number.isSafeInteger(minor)) return undefined;
  return { major, minor, patch: 0, prerelease: [], build: [] };
}

/** SemVer precedence: negative when `a` comes first, 0 when equal (build metadata is ignored). */
export function compareSemver(a: Semver, b: Semver): number {
  return semver.compare(text(a), text(b));
}

/** Orders any two version strings: SemVer ones by precedence and before the rest, the rest as text. */
export function compareVersions(a: string, b: string): number {
  const x = parseSemver(a, true);
  const y = parseSemver(b, true);
  if (x && y) return compareSemver(x, y) || (a < b ? -1 : a > b ? 1 : 0);
  if (x) return -1;
  if (y) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether moving from `a` to `b` may break a caller, as SemVer's rules (and npm's caret ranges)
 * read versions: a new major; below 1.0.0, a new minor; below 0.1.0, a new patch.
 */
export function isBreakingMove(a: Semver, b: Semver): boolean {
  if (a.major !== b.major) return true;
  if (a.major === 0 && a.minor !== b.minor) return true;
  return a.major === 0 && a.minor === 0 && a.patch !== b.patch;
}

function text(v: Semver): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join('.')}` : ''}`;
}
