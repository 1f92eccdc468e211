import { isRecord } from './is-record.js';
import type { LockedPackage } from './lockfile.js';
import type { NpmPair } from './read-npm-pair.js';
import { dependencyNames, INSTALLED_FIELDS, isInstallPath, PROJECT_FIELDS, resolveInstallPath } from './parse-npm-lock.js';

/** A side of the pair, as a bit: an entry the two sides share (the same object) is on both. */
export const BEFORE = 1;
export const AFTER = 2;
export type Side = typeof BEFORE | typeof AFTER;
const BOTH = 3;

interface Entry {
  key: string;
  sides: number;
}

const NODE_MODULES = 'node_modules/';

/**
 * The dependency graphs of both sides of a package-lock pair (see NpmPair), as parseNpmLock reads
 * them, indexed once for the two: an entry the after side does not replace or remove is indexed
 * once, for both sides. Answers only what describing a few moved packages needs.
 */
export class NpmPairGraph {
  /** The before side's keys. */
  private readonly keys: string[];
  private readonly projects: Entry[] = [];
  /** Link entries by the path they point to. */
  private readonly linksTo = new Map<string, Entry[]>();
  /** Nodes by the names they declare as dependencies. */
  private readonly declaring = new Map<string, Entry[]>();
  private readonly directIds = new Map<Side, Set<string>>();
  private readonly parents: Record<Side, Map<string, string[]>> = { [BEFORE]: new Map(), [AFTER]: new Map() };
  private readonly has: Record<Side, (path: string) => boolean>;

  constructor(private readonly pair: Pick<NpmPair, 'before' | 'replaced' | 'removed'>) {
    const { packages } = pair.before;
    this.has = {
      [BEFORE]: (path) => Object.hasOwn(packages, path),
      [AFTER]: (path) => pair.replaced.has(path) || (!pair.removed.has(path) && Object.hasOwn(packages, path)),
    };
    this.keys = Object.keys(packages);
    for (const key of this.keys) this.add(key, packages[key], this.moved(key) ? BEFORE : BOTH);
    for (const [key, entry] of pair.replaced) this.add(key, entry, AFTER);
  }

  /** Every key whose entry is not the same on both sides. */
  differing(): string[] {
    return [...this.pair.replaced.keys(), ...this.pair.removed];
  }

  /** The installed version the entry at `path` stands for on `side`, when it is a node of the graph. */
  versionAt(side: Side, path: string): string | undefined {
    return this.has[side](path) ? nodeVersion(path, this.entry(side, path)) : undefined;
  }

  /** For each of `names`, its versions on `side` with the install paths of each. */
  versionsOf(side: Side, names: ReadonlySet<string>): Map<string, Map<string, string[]>> {
    const result = new Map<string, Map<string, string[]>>();
    // Most keys are told apart by the length of their name alone, without cutting it out.
    const lengths = new Set([...names].map((name) => name.length));
    const keys = side === BEFORE ? this.keys : [...this.keys.filter((key) => !this.moved(key)), ...this.pair.replaced.keys()];
    for (const key of keys) {
      const cut = key.lastIndexOf(NODE_MODULES);
      if (cut < 0 || !lengths.has(key.length - cut - NODE_MODULES.length)) continue;
      const name = key.slice(cut + NODE_MODULES.length);
      const version = names.has(name) ? this.versionAt(side, key) : undefined;
      if (version === undefined) continue;
      let versions = result.get(name);
      if (!versions) result.set(name, (versions = new Map()));
      const paths = versions.get(version);
      if (paths) paths.push(key);
      else versions.set(version, [key]);
    }
    return result;
  }

  /** The LockedPackage buildLockfile would make of the nodes at `paths` (one name, one version), without its line. */
  lockedPackage(side: Side, name: string, version: string, paths: readonly string[]): LockedPackage {
    const direct = this.direct(side);
    const pkg: LockedPackage = { name, version, direct: paths.some((path) => direct.has(path)), via: [] };
    if (!pkg.direct) {
      const names = new Set<string>();
      for (const id of this.ancestors(side, paths)) if (direct.has(id)) names.add(nameOfPath(id));
      pkg.via = [...names].sort();
    }
    return pkg;
  }

  private add(key: string, entry: unknown, sides: number): void {
    if (!isRecord(entry)) return;
    if (!isInstallPath(key)) {
      this.projects.push({ key, sides });
      return;
    }
    if (entry.link === true) {
      if (typeof entry.resolved === 'string') push(this.linksTo, entry.resolved, { key, sides });
      return;
    }
    if (typeof entry.version !== 'string' || entry.version === '') return;
    const node = { key, sides };
    for (const field of INSTALLED_FIELDS) {
      const map = entry[field];
      if (!isRecord(map)) continue;
      // A name declared in two fields lists its node twice; parentsOf keeps each parent once.
      for (const name of Object.keys(map)) push(this.declaring, name, node);
    }
  }

  /** Whether the after side replaces or removes the before side's entry at `key`. */
  private moved(key: string): boolean {
    return this.pair.replaced.has(key) || this.pair.removed.has(key);
  }

  /** The entry at `path` on `side`, which has one. */
  private entry(side: Side, path: string): unknown {
    return side === AFTER && this.pair.replaced.has(path) ? this.pair.replaced.get(path) : this.pair.before.packages[path];
  }

  /** Where `require(name)` from `from` lands on `side`, as a node id (parseNpmLock's `resolve`). */
  private resolve(side: Side, from: string, name: string): string | undefined {
    const found = resolveInstallPath(this.has[side], from, name);
    if (found === undefined) return undefined;
    const entry = this.entry(side, found);
    if (isRecord(entry) && entry.link === true) {
      const target = entry.resolved;
      return typeof target === 'string' && this.versionAt(side, target) !== undefined ? target : undefined;
    }
    return nodeVersion(found, entry) !== undefined ? found : undefined;
  }

  private direct(side: Side): Set<string> {
    let direct = this.directIds.get(side);
    if (direct) return direct;
    direct = new Set<string>();
    for (const project of this.projects) {
      if (!(project.sides & side)) continue;
      for (const name of dependencyNames(this.entry(side, project.key), PROJECT_FIELDS)) {
        const id = this.resolve(side, project.key, name);
        if (id !== undefined) direct.add(id);
      }
    }
    this.directIds.set(side, direct);
    return direct;
  }

  /** Every node from which one of `targets` is reachable (the targets themselves possibly included). */
  private ancestors(side: Side, targets: readonly string[]): Set<string> {
    const seen = new Set<string>(targets);
    const queue = [...targets];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      for (const parent of this.parentsOf(side, next)) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        queue.push(parent);
      }
    }
    return seen;
  }

  /** The nodes whose dependencies resolve to the node at `id`, directly or through a link. */
  private parentsOf(side: Side, id: string): string[] {
    const known = this.parents[side].get(id);
    if (known) return known;
    const found = new Set<string>();
    const aliases = [id, ...(this.linksTo.get(id) ?? []).filter((link) => link.sides & side).map((link) => link.key)];
    for (const alias of aliases) {
      if (!isInstallPath(alias)) continue;
      const name = nameOfPath(alias);
      for (const from of this.declaring.get(name) ?? []) {
        // `alias` is the node itself or a link to it, so landing on it is resolving to the node.
        if (from.sides & side && resolveInstallPath(this.has[side], from.key, name) === alias) found.add(from.key);
      }
    }
    const list = [...found];
    this.parents[side].set(id, list);
    return list;
  }
}

/** The installed version an entry of `packages` stands for, when it is a node of the graph (as parseNpmLock reads it). */
function nodeVersion(path: string, entry: unknown): string | undefined {
  if (!isInstallPath(path) || !isRecord(entry) || entry.link === true) return undefined;
  return typeof entry.version === 'string' && entry.version !== '' ? entry.version : undefined;
}

export function nameOfPath(path: string): string {
  return path.slice(path.lastIndexOf(NODE_MODULES) + NODE_MODULES.length);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
