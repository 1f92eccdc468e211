import type { LockfileParse } from './lockfile.js';
import { parseCargoLock } from './parse-cargo-lock.js';
import { parseGoMod } from './parse-go-mod.js';
import { parseGoSum } from './parse-go-sum.js';
import { parseNpmLock } from './parse-npm-lock.js';
import { parsePnpmLock } from './parse-pnpm-lock.js';
import { parseRequirementsTxt } from './parse-requirements-txt.js';
import { parseYarnBerryLock } from './parse-yarn-berry-lock.js';
import { parseYarnClassicLock } from './parse-yarn-classic-lock.js';

type Parser = (text: string, direct?: readonly string[]) => LockfileParse;

/** yarn.lock is classic or berry by content: berry's starts its entries with a `__metadata` block. */
const parseYarnLock: Parser = (text, direct) => (/^__metadata:/m.test(text) ? parseYarnBerryLock(text, direct) : parseYarnClassicLock(text, direct));

const PARSERS: Readonly<Record<string, Parser>> = {
  'package-lock.json': parseNpmLock,
  'npm-shrinkwrap.json': parseNpmLock,
  'yarn.lock': parseYarnLock,
  'pnpm-lock.yaml': parsePnpmLock,
  'go.mod': parseGoMod,
  'go.sum': parseGoSum,
  'Cargo.lock': parseCargoLock,
  'requirements.txt': parseRequirementsTxt,
};

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The package ecosystem of a lockfile: one package name means one package within one ecosystem only. */
export function ecosystemOf(path: string): 'npm' | 'go' | 'cargo' | 'pypi' | undefined {
  const name = baseName(path);
  if (['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'].includes(name)) return 'npm';
  if (name === 'go.mod' || name === 'go.sum') return 'go';
  if (name === 'Cargo.lock') return 'cargo';
  if (name === 'requirements.txt') return 'pypi';
  return undefined;
}

/**
 * The file whose diff says what moved when `path` changes: go.sum's go.mod (go.sum also keeps
 * versions the module graph only considered), the file itself otherwise.
 */
export function resolutionFile(path: string): string {
  return baseName(path) === 'go.sum' ? `${path.slice(0, path.length - 'go.sum'.length)}go.mod` : path;
}

/** Lockfiles of package managers tranche does not read: their changes are said to go unchecked, once each. */
const UNREAD = new Set([
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'bun.lock',
  'bun.lockb',
  'Gemfile.lock',
  'composer.lock',
  'gradle.lockfile',
  'packages.lock.json',
  'mix.lock',
  'pubspec.lock',
  'Package.resolved',
]);

/** Whether `path` is a lockfile tranche does not read. */
export function isUnreadLockfile(path: string): boolean {
  return UNREAD.has(baseName(path));
}

/** Whether `parseLockfile` reads the file at `path`, judged by its file name alone. */
export function isLockfileName(path: string): boolean {
  return Object.hasOwn(PARSERS, baseName(path));
}

/**
 * Reads a lockfile of any supported format, chosen by its file name: `package-lock.json` and
 * `npm-shrinkwrap.json`, `yarn.lock` (classic or berry), `pnpm-lock.yaml`, `go.mod`, `go.sum`, `Cargo.lock`,
 * `requirements.txt`. `direct` names the project's direct dependencies for the formats that do not
 * record them (yarn.lock, go.sum, requirements.txt); the others ignore it. Never throws: bad input
 * gives problems located in the file, an unknown file name one problem at 1:1.
 */
export function parseLockfile(path: string, text: string, direct?: readonly string[]): LockfileParse {
  const name = baseName(path);
  const parser = Object.hasOwn(PARSERS, name) ? PARSERS[name] : undefined;
  if (!parser) {
    const known = Object.keys(PARSERS).join(', ');
    return { problems: [{ message: `${name} is not a lockfile tranche reads (it reads ${known})`, line: 1, column: 1 }] };
  }
  return parser(text, direct);
}
