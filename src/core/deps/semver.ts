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

const NUMERIC = '0|[1-9]\\d*';
const IDENTIFIER = `(?:${NUMERIC}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const STRICT = new RegExp(
  `^v?(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})` +
    `(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`,
);
/** `1`, `1.2`: release numbers with components left out, as PyPI and some tags write them. */
const SHORT = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;

/**
 * Reads a SemVer 2.0.0 version, with an optional leading `v` (Go writes `v1.2.3`). With `loose`,
 * also `1` and `1.2`, missing components read as 0. Anything else is undefined, as are numbers
 * too large to compare exactly.
 */
export function parseSemver(text: string, loose = false): Semver | undefined {
  const strict = STRICT.exec(text);
  if (strict) {
    const [major, minor, patch] = [strict[1], strict[2], strict[3]].map(Number) as [number, number, number];
    if (![major, minor, patch].every(Number.isSafeInteger)) return undefined;
    return { major, minor, patch, prerelease: strict[4]?.split('.') ?? [], build: strict[5]?.split('.') ?? [] };
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
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A release comes after its own pre-releases.
  if (a.prerelease.length === 0 && b.prerelease.length === 0) return 0;
  if (a.prerelease.length === 0) return 1;
  if (b.prerelease.length === 0) return -1;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = compareIdentifiers(x, y);
    if (order !== 0) return order;
  }
  return 0;
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

function compareIdentifiers(x: string, y: string): number {
  const xNumeric = /^\d+$/.test(x);
  const yNumeric = /^\d+$/.test(y);
  if (xNumeric && yNumeric) return Math.sign(Number(x) - Number(y));
  if (xNumeric) return -1;
  if (yNumeric) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
