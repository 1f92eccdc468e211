import type { ParseProblem } from '../location.js';
import { buildLockfile, type GraphNode } from './build-lockfile.js';
import { isRecord } from './is-record.js';
import { locateJsonError } from './locate-json-error.js';
import type { LockfileParse } from './lockfile.js';

/** The dependency fields npm installs for any package; a project's own devDependencies come on top. */
export const INSTALLED_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;
export const PROJECT_FIELDS = [...INSTALLED_FIELDS, 'devDependencies'] as const;
const NODE_MODULES = 'node_modules/';

interface Position {
  line: number;
  column: number;
}

/**
 * Reads a `package-lock.json` (or `npm-shrinkwrap.json`) of lockfileVersion 2 or 3: its `packages`
 * map, keyed by install path. Each dependency is resolved the way Node resolves `require`, from the
 * requiring package's own `node_modules` up to the project's, so a package nested at
 * `node_modules/a/node_modules/b` is traced to whatever pulls `a` in. The project's dependencies
 * (and those of workspace folders) are the direct ones, devDependencies included.
 */
export function parseNpmLock(text: string): LockfileParse {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    const located = locateJsonError(source);
    return { problems: [located ?? { message: `invalid JSON: ${(error as Error).message}`, line: 1, column: 1 }] };
  }
  if (!isRecord(data)) return { problems: [{ message: 'expected a JSON object at the top level', line: 1, column: 1 }] };
  if (data.packages === undefined || data.lockfileVersion === 1) {
    const at = positionOf(source, /"lockfileVersion"\s*:/) ?? { line: 1, column: 1 };
    const version = JSON.stringify(data.lockfileVersion ?? null);
    return { problems: [{ message: `lockfileVersion ${version} has no "packages" map: regenerate the lockfile with npm 7 or later`, ...at }] };
  }
  const packages = data.packages;
  if (!isRecord(packages)) {
    const at = positionOf(source, /"packages"\s*:/) ?? { line: 1, column: 1 };
    return { problems: [{ message: '"packages" must be an object', ...at }] };
  }
  const keys = keyPositions(source);
  const problems: ParseProblem[] = [];
  const nodes = new Map<string, GraphNode & { dependencies: string[] }>();
  const projects: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    const at = keys.get(path) ?? { line: 1, column: 1 };
    if (!isRecord(entry)) {
      problems.push({ message: `package entry "${path}" must be an object`, ...at });
    } else if (!isInstallPath(path)) {
      projects.push(path);
    } else if (entry.link !== true) {
      if (typeof entry.version !== 'string' || entry.version === '') {
        problems.push({ message: `package entry "${path}" has no version`, ...at });
        continue;
      }
      const name = path.slice(path.lastIndexOf(NODE_MODULES) + NODE_MODULES.length);
      nodes.set(path, { name, version: entry.version, line: at.line, dependencies: [] });
    }
  }
  const has = (path: string): boolean => Object.hasOwn(packages, path);
  const resolve = (from: string, name: string): string | undefined => {
    const found = resolveInstallPath(has, from, name);
    const entry = found === undefined ? undefined : packages[found];
    if (isRecord(entry) && entry.link === true) return typeof entry.resolved === 'string' && nodes.has(entry.resolved) ? entry.resolved : undefined;
    return found !== undefined && nodes.has(found) ? found : undefined;
  };
  for (const [path, node] of nodes) {
    for (const name of dependencyNames(packages[path], INSTALLED_FIELDS)) {
      const id = resolve(path, name);
      if (id !== undefined) node.dependencies.push(id);
    }
  }
  const direct: string[] = [];
  for (const project of projects) {
    for (const name of dependencyNames(packages[project], PROJECT_FIELDS)) {
      const id = resolve(project, name);
      if (id !== undefined) direct.push(id);
    }
  }
  return { lockfile: buildLockfile('npm', nodes, direct), problems };
}

/** `node_modules/x` and anything nested in one; other keys are the project ('') and its workspace folders. */
export function isInstallPath(path: string): boolean {
  return path.startsWith(NODE_MODULES) || path.includes(`/${NODE_MODULES}`);
}

/**
 * Where `require(name)` from the package installed at `from` lands: its own node_modules, then each
 * one above; `has` says which keys the `packages` map holds.
 */
export function resolveInstallPath(has: (path: string) => boolean, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `${NODE_MODULES}${name}` : `${base}/${NODE_MODULES}${name}`;
    if (has(candidate)) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf(`/${NODE_MODULES}`);
    base = cut >= 0 ? base.slice(0, cut) : '';
  }
}

export function dependencyNames(entry: unknown, fields: readonly string[]): string[] {
  if (!isRecord(entry)) return [];
  const names: string[] = [];
  for (const field of fields) {
    const map = entry[field];
    if (isRecord(map)) names.push(...Object.keys(map));
  }
  return names;
}

/**
 * Where each object-valued key first appears (`"node_modules/ms": {`). npm writes one key per line,
 * so a line scan is enough; a key it does not find is reported at 1:1.
 */
export function keyPositions(text: string): Map<string, Position> {
  const positions = new Map<string, Position>();
  const pattern = /^([ \t]*)"((?:[^"\\\n]|\\.)*)"[ \t]*:[ \t]*\{/gm;
  let line = 1;
  let counted = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) line++;
    counted = match.index;
    const key = unescapeKey(match[2] ?? '');
    if (!positions.has(key)) positions.set(key, { line, column: (match[1]?.length ?? 0) + 1 });
  }
  return positions;
}

function unescapeKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function positionOf(text: string, pattern: RegExp): Position | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index);
  return { line: before.split('\n').length, column: match.index - before.lastIndexOf('\n') };
}
