import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { DependencyChange } from '../../../src/core/deps/dependency-change.js';
import type { LockedPackage, Lockfile } from '../../../src/core/deps/lockfile.js';
import { parseLockfile } from '../../../src/core/deps/parse-lockfile.js';
import { FIXTURES } from '../../support/paths.js';

/** The lockfile each fixture tool directory holds. */
export const LOCKFILE_OF = {
  npm: 'package-lock.json',
  'npm-v2': 'package-lock.json',
  'yarn-classic': 'yarn.lock',
  'yarn-berry': 'yarn.lock',
  pnpm: 'pnpm-lock.yaml',
  'pnpm-env': 'pnpm-lock.yaml',
  go: 'go.sum',
  cargo: 'Cargo.lock',
  pip: 'requirements.txt',
} as const;

export type FixtureTool = keyof typeof LOCKFILE_OF;

/** The JavaScript package managers, whose fixtures share the same four cases. */
export const JS_TOOLS = ['npm', 'yarn-classic', 'yarn-berry', 'pnpm'] as const;

export function fixtureDir(tool: FixtureTool, name: string, state: 'before' | 'after'): string {
  return `${FIXTURES}/lockfiles/${tool}/${name}/${state}`;
}

export function readFixture(tool: FixtureTool, name: string, state: 'before' | 'after'): string {
  return readFileSync(`${fixtureDir(tool, name, state)}/${LOCKFILE_OF[tool]}`, 'utf8');
}

/**
 * The direct dependencies the gatherer would pass: package.json's as `name@range`, or go.mod's
 * `require` lines without `// indirect`.
 */
export function directOf(tool: FixtureTool, name: string, state: 'before' | 'after'): string[] | undefined {
  const dir = fixtureDir(tool, name, state);
  if (existsSync(`${dir}/package.json`)) {
    const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as Record<string, Record<string, string> | undefined>;
    const ranges = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.optionalDependencies };
    return Object.entries(ranges).map(([dependency, range]) => `${dependency}@${range}`);
  }
  if (existsSync(`${dir}/go.mod`)) {
    return [...readFileSync(`${dir}/go.mod`, 'utf8').matchAll(/^\t(\S+) \S+$/gm)].map((match) => match[1] ?? '');
  }
  return undefined;
}

/** The fixture parsed through `parseLockfile`, with the direct dependencies its manifest gives; fails on any problem. */
export function parseFixture(tool: FixtureTool, name: string, state: 'before' | 'after', direct = directOf(tool, name, state)): Lockfile {
  const { lockfile, problems } = parseLockfile(LOCKFILE_OF[tool], readFixture(tool, name, state), direct);
  assert.deepEqual(problems, []);
  assert.ok(lockfile);
  return lockfile;
}

/** The one package of that name and version; fails when absent. */
export function pkg(lockfile: Lockfile, name: string, version?: string): LockedPackage {
  const found = lockfile.packages.filter((p) => p.name === name && (version === undefined || p.version === version));
  assert.equal(found.length, 1, `${name}${version ? `@${version}` : ''}: found ${found.map((p) => p.version).join(', ') || 'nothing'}`);
  return found[0] as LockedPackage;
}

/** `name@version` of every package, for membership checks. */
export function ids(lockfile: Lockfile): string[] {
  return lockfile.packages.map((p) => `${p.name}@${p.version}`);
}

/** A change as one comparable line: `kind name from→to semver direct|via:a,b explained|unexplained`. */
export function summary(change: DependencyChange): string {
  const role = change.direct ? 'direct' : `via:${change.via.join(',')}`;
  return [
    change.kind,
    change.name,
    `${change.from ?? '-'}→${change.to ?? '-'}`,
    change.semver ?? '-',
    role,
    change.explained ? 'explained' : 'unexplained',
  ].join(' ');
}

/** 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `${needle} not found`);
  return index + 1;
}
