import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';

/**
 * Files that only ever hold dependencies: lockfiles, and `requirements.txt`. Any edit of one is a
 * dependency change. (A Gemfile also names the Ruby version and is Ruby code: an edit of it is code.)
 */
const DEPENDENCY_ONLY = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'go.sum',
  'Cargo.lock',
  'requirements.txt',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'Gemfile.lock',
  'composer.lock',
  'gradle.lockfile',
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Package manifests whose dependency fields tranche tells from the rest: each gives the manifest
 * without them, as comparable text. An edit that leaves that text as it was touched dependencies
 * only; any other edit (scripts, the module path, the language version, build settings) is code.
 */
const WITHOUT_DEPENDENCIES: Readonly<Record<string, (text: string) => string>> = {
  'package.json': (text) => stable(omit(JSON.parse(text) as Json, NPM_FIELDS)),
  'composer.json': (text) => stable(omit(JSON.parse(text) as Json, [['require'], ['require-dev']])),
  'go.mod': goModWithoutDependencies,
  'Cargo.toml': (text) => stable(omit(parseToml(text) as Json, CARGO_FIELDS)),
  'pyproject.toml': (text) => stable(omit(parseToml(text) as Json, PYPROJECT_FIELDS)),
  Pipfile: (text) => stable(omit(parseToml(text) as Json, [['packages'], ['dev-packages']])),
};

const NPM_FIELDS = [
  ['dependencies'],
  ['devDependencies'],
  ['peerDependencies'],
  ['peerDependenciesMeta'],
  ['optionalDependencies'],
  ['bundleDependencies'],
  ['bundledDependencies'],
  ['overrides'],
  ['resolutions'],
  ['dependenciesMeta'],
  ['pnpm', 'overrides'],
];
const CARGO_TABLES = ['dependencies', 'dev-dependencies', 'build-dependencies', 'dev_dependencies', 'build_dependencies'];
const CARGO_FIELDS = [...CARGO_TABLES.map((t) => [t]), ...CARGO_TABLES.map((t) => ['target', '*', t]), ['workspace', 'dependencies'], ['patch'], ['replace']];
const PYPROJECT_FIELDS = [
  ['project', 'dependencies'],
  ['project', 'optional-dependencies'],
  ['dependency-groups'],
  ['build-system', 'requires'],
  ['tool', 'poetry', 'dependencies'],
  ['tool', 'poetry', 'dev-dependencies'],
  ['tool', 'poetry', 'group', '*', 'dependencies'],
  ['tool', 'uv', 'dev-dependencies'],
  ['tool', 'pdm', 'dev-dependencies'],
];

/** Package manifests whose edits `isDependencyEdit` must read to classify. */
export function isPackageManifest(path: string): boolean {
  return Object.hasOwn(WITHOUT_DEPENDENCIES, posix.basename(path));
}

/**
 * Whether changing a file from `before` to `after` (undefined: absent) changes dependencies
 * only. A lockfile always does; a package manifest does when everything but its dependency fields
 * stays the same (a manifest added, removed or that does not parse is code); any other file does
 * not.
 */
export function isDependencyEdit(path: string, before: string | undefined, after: string | undefined): boolean {
  const name = posix.basename(path);
  if (DEPENDENCY_ONLY.has(name)) return true;
  const strip = WITHOUT_DEPENDENCIES[name];
  if (!strip || before === undefined || after === undefined) return false;
  try {
    return strip(before) === strip(after);
  } catch {
    return false;
  }
}

/** `value` without the fields at `paths` (`*` matches any key at its level). */
function omit(value: Json, paths: readonly (readonly string[])[]): Json {
  const copy = clone(value);
  for (const path of paths) remove(copy, path);
  return copy;
}

/** Removes the fields at `path`, and the tables on the way that it leaves empty (`[target.'cfg(unix)'.dependencies]` alone). */
function remove(node: Json, path: readonly string[]): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !path.length) return;
  const [head, ...rest] = path;
  const keys = head === '*' ? Object.keys(node) : Object.hasOwn(node, head!) ? [head!] : [];
  for (const key of keys) {
    if (!rest.length) {
      delete node[key];
      continue;
    }
    const child = node[key]!;
    remove(child, rest);
    if (child !== null && typeof child === 'object' && !Array.isArray(child) && !Object.keys(child).length) delete node[key];
  }
}

function clone(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone);
  const copy: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) copy[k] = clone(v);
  return copy;
}

/** JSON with object keys in order, so two documents that differ only in layout give the same text. */
function stable(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable(value[k]!)}`)
    .join(',')}}`;
}

/** The directives of a go.mod other than require, replace and exclude, comments and layout dropped. */
function goModWithoutDependencies(text: string): string {
  const kept: string[] = [];
  let block: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (block !== undefined) {
      if (line === ')') block = undefined;
      else if (!GO_DEPENDENCY_DIRECTIVES.has(block)) kept.push(`${block} ${line}`);
      continue;
    }
    const [directive, ...rest] = line.split(/\s+/);
    if (rest.join(' ') === '(') {
      block = directive!;
      continue;
    }
    if (!GO_DEPENDENCY_DIRECTIVES.has(directive!)) kept.push(line.replace(/\s+/g, ' '));
  }
  return kept.join('\n');
}

const GO_DEPENDENCY_DIRECTIVES = new Set(['require', 'replace', 'exclude']);
