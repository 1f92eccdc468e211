import type { ParseProblem } from '../location.js';
import type { DependencyChange } from './dependency-change.js';
import { devOnlyNames, manifestBeside, markDev } from './dev-dependencies.js';
import { diffLockfiles } from './diff-lockfiles.js';
import { diffNpmLocks } from './diff-npm-locks.js';
import { isRecord } from './is-record.js';
import { parseLockfile } from './parse-lockfile.js';

/** One lockfile at both ends of a range, with the package manifest beside it at each end (see `manifestBeside`). Plain data. */
export interface LockfilePair {
  path: string;
  /** Undefined when the range adds the lockfile. */
  before?: string;
  after: string;
  manifestBefore?: string;
  manifestAfter?: string;
}

/**
 * What moved in a lockfile (and, when its before side does not parse, the first problem there),
 * or why its after side cannot be read (problems located in it). Plain data.
 */
export type LockfilePairDiff = { changes: DependencyChange[]; beforeProblem?: ParseProblem } | { problems: ParseProblem[] };

/**
 * The version of `diffLockfilePair`'s answer, in the keys of the results a parse cache keeps:
 * raise it with any change to what it gives for the same pair (this file, the lockfile readers,
 * `markDev`, the shapes of `DependencyChange` and `ParseProblem`), or runs would read the old
 * answers back.
 */
export const LOCKFILE_PAIR_VERSION = 1;

/**
 * Whether a value (kept by a parse cache, which holds what JSON holds) has the shape of a
 * `LockfilePairDiff`: one that does not is no answer, and is diffed again.
 */
export function isLockfilePairDiff(value: unknown): value is LockfilePairDiff {
  if (!isRecord(value)) return false;
  if ('problems' in value) return Array.isArray(value.problems) && value.problems.every(isParseProblem);
  return Array.isArray(value.changes) && value.changes.every(isDependencyChange) && (value.beforeProblem === undefined || isParseProblem(value.beforeProblem));
}

const KINDS = new Set(['added', 'removed', 'changed']);
const SEMVER = new Set(['major', 'minor', 'patch', 'prerelease', 'other']);

function isDependencyChange(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { kind, name, from, to, direct, via, semver, breaking, dev, explained, line } = value;
  return (
    typeof kind === 'string' &&
    KINDS.has(kind) &&
    typeof name === 'string' &&
    (from === undefined || typeof from === 'string') &&
    (to === undefined || typeof to === 'string') &&
    typeof direct === 'boolean' &&
    Array.isArray(via) &&
    via.every((v) => typeof v === 'string') &&
    (semver === undefined || (typeof semver === 'string' && SEMVER.has(semver))) &&
    (breaking === undefined || breaking === true) &&
    (dev === undefined || dev === true) &&
    typeof explained === 'boolean' &&
    (line === undefined || Number.isInteger(line))
  );
}

function isParseProblem(value: unknown): boolean {
  return isRecord(value) && typeof value.message === 'string' && Number.isInteger(value.line) && Number.isInteger(value.column);
}

/**
 * The dependency changes of one lockfile pair: npm lockfiles by diffNpmLocks, which does not build
 * either side in full, every other format (and an npm pair it cannot read) by parsing both sides.
 * A before side that does not parse counts as no lockfile (everything after is added), and says so.
 */
export function diffLockfilePair(pair: LockfilePair): LockfilePairDiff {
  const manifest = manifestBeside(pair.path);
  // Development-only dependencies are those the manifest after lists (before, for what was removed).
  const dev = new Set([...(manifest ? devOnlyNames(manifest, pair.manifestAfter) : []), ...(manifest ? devOnlyNames(manifest, pair.manifestBefore) : [])]);
  const fast = isNpmLockName(pair.path) ? diffNpmLocks(pair.before, pair.after) : undefined;
  if (fast) {
    markDev(fast, dev);
    return { changes: fast };
  }
  const npmManifest = manifest?.endsWith('package.json');
  const next = parseLockfile(pair.path, pair.after, npmManifest ? directOf(pair.manifestAfter) : undefined);
  if (!next.lockfile) return { problems: next.problems };
  const previous = pair.before === undefined ? undefined : parseLockfile(pair.path, pair.before, npmManifest ? directOf(pair.manifestBefore) : undefined);
  const changes = diffLockfiles(previous?.lockfile, next.lockfile);
  markDev(changes, dev);
  return previous && !previous.lockfile
    ? { changes, beforeProblem: previous.problems[0] ?? { message: 'it does not parse', line: 1, column: 1 } }
    : { changes };
}

/** package-lock.json and npm-shrinkwrap.json, which diffNpmLocks compares without building either lockfile. */
function isNpmLockName(path: string): boolean {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return name === 'package-lock.json' || name === 'npm-shrinkwrap.json';
}

/** The direct dependencies a package.json names (`name@range`), for lockfiles that do not record them. */
function directOf(packageJson: string | undefined): string[] | undefined {
  if (packageJson === undefined) return undefined;
  try {
    const manifest = JSON.parse(packageJson) as Record<string, Record<string, string> | undefined>;
    const sections = ['dependencies', 'devDependencies', 'optionalDependencies'];
    return sections.flatMap((section) => Object.entries(manifest[section] ?? {}).map(([name, range]) => `${name}@${range}`));
  } catch {
    return undefined;
  }
}
