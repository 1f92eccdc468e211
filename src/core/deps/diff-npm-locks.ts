import type { DependencyChange } from './dependency-change.js';
import { diffLockfiles } from './diff-lockfiles.js';
import { isRecord } from './is-record.js';
import type { LockedPackage, Lockfile } from './lockfile.js';
import {
  dependencyNames,
  INSTALLED_FIELDS,
  isInstallPath,
  keyPositions,
  PROJECT_FIELDS,
  resolveInstallPath,
} from './parse-npm-lock.js';
import { sortPackages } from './build-lockfile.js';

const NODE_MODULES = 'node_modules/';

/**
 * `diffLockfiles(parseNpmLock(before).lockfile, parseNpmLock(after).lockfile)`, computed without
 * building either lockfile in full: both `packages` maps are compared key by key, and `direct`,
 * `via` and `line` are worked out only for the package versions that moved (via by walking up from
 * them to the direct dependencies; line by a search for their keys in the text). Undefined when
 * either side is not a readable lockfileVersion 2/3 file (`before` missing included): the caller
 * then takes the general path, which reports the problems.
 */
export function diffNpmLocks(beforeText: string | undefined, afterText: string): DependencyChange[] | undefined {
  if (beforeText === undefined) return undefined;
  const before = NpmSide.read(beforeText);
  if (!before) return undefined;
  const after = NpmSide.read(afterText);
  if (!after) return undefined;

  // The names some install path of which differs (added, removed, another version, or no longer a node).
  const candidates = new Set<string>();
  for (const key in after.packages) {
    if (!Object.hasOwn(after.packages, key)) continue;
    const now = after.classify(key);
    const was = Object.hasOwn(before.packages, key) ? nodeVersion(key, before.packages[key]) : undefined;
    if (now !== was) candidates.add(nameOfPath(key));
  }
  for (const key in before.packages) {
    if (!Object.hasOwn(before.packages, key)) continue;
    const was = before.classify(key);
    if (was !== undefined && !Object.hasOwn(after.packages, key)) candidates.add(nameOfPath(key));
  }
  if (candidates.size === 0) return [];

  const old = before.versionsOf(candidates);
  const now = after.versionsOf(candidates);
  const removed: LockedPackage[] = [];
  const added: LockedPackage[] = [];
  for (const name of candidates) {
    const was = old.get(name);
    const is = now.get(name);
    for (const [version, paths] of was ?? []) if (!is?.has(version)) removed.push(before.lockedPackage(name, version, paths));
    for (const [version, paths] of is ?? []) if (!was?.has(version)) added.push(after.lockedPackage(name, version, paths));
  }
  const partial = (packages: LockedPackage[]): Lockfile => ({ format: 'npm', packages: sortPackages(packages), tracesVia: true });
  return diffLockfiles(partial(removed), partial(added));
}

/** The installed version an entry of `packages` stands for, when it is a node of the graph (as parseNpmLock reads it). */
function nodeVersion(path: string, entry: unknown): string | undefined {
  if (!isInstallPath(path) || !isRecord(entry) || entry.link === true) return undefined;
  return typeof entry.version === 'string' && entry.version !== '' ? entry.version : undefined;
}

function nameOfPath(path: string): string {
  return path.slice(path.lastIndexOf(NODE_MODULES) + NODE_MODULES.length);
}

/** One side of the pair: its parsed `packages` map, with what is needed to describe a few of its packages. */
class NpmSide {
  private readonly projects: string[] = [];
  /** Link entries by the install path they point to. */
  private readonly linksTo = new Map<string, string[]>();
  private directIds: Set<string> | undefined;
  /** Nodes by the dependency names they declare (built on first need). */
  private declaring: Map<string, string[]> | undefined;
  private readonly parents = new Map<string, string[]>();
  private positions: Map<string, { line: number }> | undefined;

  private constructor(
    private readonly source: string,
    readonly packages: Record<string, unknown>,
  ) {}

  static read(text: string): NpmSide | undefined {
    const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let data: unknown;
    try {
      data = JSON.parse(source);
    } catch {
      return undefined;
    }
    if (!isRecord(data) || data.packages === undefined || data.lockfileVersion === 1 || !isRecord(data.packages)) return undefined;
    return new NpmSide(source, data.packages);
  }

  /** nodeVersion of `key`, noting the projects and links on the way (call once per key). */
  classify(key: string): string | undefined {
    const entry = this.packages[key];
    if (!isRecord(entry)) return undefined;
    if (!isInstallPath(key)) {
      this.projects.push(key);
      return undefined;
    }
    if (entry.link === true) {
      if (typeof entry.resolved === 'string') {
        const links = this.linksTo.get(entry.resolved);
        if (links) links.push(key);
        else this.linksTo.set(entry.resolved, [key]);
      }
      return undefined;
    }
    return typeof entry.version === 'string' && entry.version !== '' ? entry.version : undefined;
  }

  /** For each of `names`, its versions with the install paths of each, in the map's order. */
  versionsOf(names: ReadonlySet<string>): Map<string, Map<string, string[]>> {
    const result = new Map<string, Map<string, string[]>>();
    for (const key in this.packages) {
      if (!Object.hasOwn(this.packages, key)) continue;
      const name = nameOfPath(key);
      if (!names.has(name)) continue;
      const version = nodeVersion(key, this.packages[key]);
      if (version === undefined) continue;
      let versions = result.get(name);
      if (!versions) result.set(name, (versions = new Map()));
      const paths = versions.get(version);
      if (paths) paths.push(key);
      else versions.set(version, [key]);
    }
    return result;
  }

  /** The LockedPackage buildLockfile would make of the nodes at `paths` (one name, one version). */
  lockedPackage(name: string, version: string, paths: readonly string[]): LockedPackage {
    const direct = this.direct();
    const pkg: LockedPackage = { name, version, direct: paths.some((path) => direct.has(path)), via: [] };
    if (!pkg.direct) {
      const names = new Set<string>();
      for (const id of this.ancestors(paths)) if (direct.has(id)) names.add(nameOfPath(id));
      pkg.via = [...names].sort();
    }
    let line: number | undefined;
    for (const path of paths) {
      const at = this.lineOf(path);
      if (line === undefined || at < line) line = at;
    }
    if (line !== undefined) pkg.line = line;
    return pkg;
  }

  /** Where `require(name)` from `from` lands, as a node id (parseNpmLock's `resolve`). */
  private resolve(from: string, name: string): string | undefined {
    const found = resolveInstallPath(this.packages, from, name);
    if (found === undefined) return undefined;
    const entry = this.packages[found];
    if (isRecord(entry) && entry.link === true) {
      const target = entry.resolved;
      return typeof target === 'string' && Object.hasOwn(this.packages, target) && nodeVersion(target, this.packages[target]) !== undefined ? target : undefined;
    }
    return nodeVersion(found, entry) !== undefined ? found : undefined;
  }

  private direct(): Set<string> {
    if (this.directIds) return this.directIds;
    const direct = new Set<string>();
    for (const project of this.projects) {
      for (const name of dependencyNames(this.packages[project], PROJECT_FIELDS)) {
        const id = this.resolve(project, name);
        if (id !== undefined) direct.add(id);
      }
    }
    return (this.directIds = direct);
  }

  /** Every node from which one of `targets` is reachable (the targets themselves possibly included). */
  private ancestors(targets: readonly string[]): Set<string> {
    const seen = new Set<string>(targets);
    const queue = [...targets];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      for (const parent of this.parentsOf(next)) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        queue.push(parent);
      }
    }
    return seen;
  }

  /** The nodes whose dependencies resolve to the node at `id`, directly or through a link. */
  private parentsOf(id: string): string[] {
    const known = this.parents.get(id);
    if (known) return known;
    const declaring = this.declaringIndex();
    const found = new Set<string>();
    for (const alias of [id, ...(this.linksTo.get(id) ?? [])]) {
      if (!isInstallPath(alias)) continue;
      const name = nameOfPath(alias);
      for (const from of declaring.get(name) ?? []) {
        // `alias` is the node itself or a link to it, so landing on it is resolving to the node.
        if (resolveInstallPath(this.packages, from, name) === alias) found.add(from);
      }
    }
    const list = [...found];
    this.parents.set(id, list);
    return list;
  }

  private declaringIndex(): Map<string, string[]> {
    if (this.declaring) return this.declaring;
    const index = new Map<string, string[]>();
    for (const key in this.packages) {
      if (!Object.hasOwn(this.packages, key)) continue;
      const entry = this.packages[key];
      if (nodeVersion(key, entry) === undefined) continue;
      for (const field of INSTALLED_FIELDS) {
        const map = (entry as Record<string, unknown>)[field];
        if (!isRecord(map)) continue;
        // A name declared in two fields lists its node twice; parentsOf keeps each parent once.
        for (const name in map) {
          if (!Object.hasOwn(map, name)) continue;
          const from = index.get(name);
          if (from) from.push(key);
          else index.set(name, [key]);
        }
      }
    }
    return (this.declaring = index);
  }

  /** The line parseNpmLock gives the entry at `key` (1 when its key is not found). */
  private lineOf(key: string): number {
    if (this.positions === undefined && this.source.indexOf('\\') === -1) return keyLine(this.source, key) ?? 1;
    this.positions ??= keyPositions(this.source);
    return this.positions.get(key)?.line ?? 1;
  }
}

const LINE_BREAKS = new Set(['\n', '\r', '\u2028', '\u2029']);

/**
 * The line keyPositions finds `key` on (a line opening with `"key": {`), searched for directly. Only
 * for a text without backslashes, where every key is written as JSON.stringify writes it.
 */
function keyLine(text: string, key: string): number | undefined {
  const needle = JSON.stringify(key);
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    let start = at;
    while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    if (start > 0 && !LINE_BREAKS.has(text[start - 1] as string)) continue;
    let i = at + needle.length;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== ':') continue;
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '{') continue;
    let line = 1;
    for (let n = text.indexOf('\n'); n !== -1 && n < at; n = text.indexOf('\n', n + 1)) line++;
    return line;
  }
  return undefined;
}
