/** A small deterministic PRNG, so every run checks the same lockfiles. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NAMES = ['a', 'b', 'c', 'd', '@s/e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];

type Packages = Record<string, unknown>;

interface LockData {
  name: string;
  lockfileVersion: number;
  requires: boolean;
  packages: Packages;
  /** lockfileVersion 2's tree of the same packages, after the map. */
  dependencies?: Record<string, unknown>;
}

/** How a package-lock is written: npm's layout by default, and how some entries depart from it. */
interface Style {
  indent: string;
  eol: string;
  bom: boolean;
  /** Entries written on one line, and entries with their keys in reverse order. */
  compact?: ReadonlySet<string>;
  reordered?: ReadonlySet<string>;
}

/**
 * A package-lock with nested installs, cycles, duplicate versions, links (to install paths, to
 * workspaces and to nothing), a workspace, entries without a version and non-object entries.
 */
function lockData(rand: () => number): LockData {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const deps = (): Record<string, string> => {
    const map: Record<string, string> = {};
    const count = Math.floor(rand() * 4);
    for (let i = 0; i < count; i++) map[pick(NAMES)] = '*';
    return map;
  };
  const packages: Packages = {
    '': { name: 'root', dependencies: deps(), devDependencies: deps(), workspaces: ['packages/w'] },
    'packages/w': { name: 'w', dependencies: deps() },
  };
  const paths: string[] = [];
  for (const name of NAMES) if (rand() < 0.8) paths.push(`node_modules/${name}`);
  for (let i = 0; i < 6; i++) {
    const parent = paths.length > 0 ? pick(paths) : 'packages/w';
    paths.push(`${parent}/node_modules/${pick(NAMES)}`);
  }
  for (const path of paths) {
    const roll = rand();
    if (roll < 0.04) packages[path] = 'oops';
    else if (roll < 0.08) packages[path] = { dependencies: deps() };
    else if (roll < 0.14) packages[path] = { link: true, resolved: pick([...paths, 'packages/w', 'nowhere']) };
    else {
      const version = pick(['1.0.0', '1.0.1', '1.2.0', '2.0.0', '0.3.1', '0.4.0', '1.0.0-rc.1', 'github:x/y']);
      const entry: Record<string, unknown> = { version, dependencies: deps() };
      if (rand() < 0.3) entry.optionalDependencies = deps();
      if (rand() < 0.2) entry.peerDependencies = deps();
      packages[path] = entry;
    }
  }
  const lockfileVersion = pick([2, 3]);
  return { name: 'root', lockfileVersion, requires: true, packages, ...(lockfileVersion === 2 ? { dependencies: legacyTree(packages) } : {}) };
}

/** lockfileVersion 2's `dependencies`: the hoisted packages by name, which move with the map. */
function legacyTree(packages: Packages): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const [path, entry] of Object.entries(packages)) {
    if (/^node_modules\/[^/]+$/.test(path) && typeof entry === 'object' && entry !== null && 'version' in entry)
      tree[path.slice(13)] = { version: entry.version };
  }
  return tree;
}

/** `data` with a few entries' versions moved, some entries dropped and some added (nested ones too). */
function mutate(data: LockData, rand: () => number): LockData {
  const packages: Packages = structuredClone(data.packages);
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '' || typeof entry !== 'object' || entry === null) continue;
    const roll = rand();
    const record = entry as Record<string, unknown>;
    if (roll < 0.15) record.version = `${Math.floor(rand() * 3)}.${Math.floor(rand() * 3)}.0`;
    else if (roll < 0.2) delete packages[path];
    else if (roll < 0.25) record.dependencies = { [NAMES[Math.floor(rand() * NAMES.length)] as string]: '*' };
  }
  if (rand() < 0.5) packages['node_modules/new'] = { version: '1.0.0', dependencies: { a: '*' } };
  if (rand() < 0.3) packages['node_modules/a/node_modules/new'] = { version: '2.0.0' };
  return { ...data, packages, ...(data.dependencies ? { dependencies: legacyTree(packages) } : {}) };
}

/** The text of `data` in `style`; the entries npm would write as JSON.stringify does, the others as the style says. */
function writeLock(data: LockData, style: Style): string {
  const { indent, eol } = style;
  const entries = Object.entries(data.packages).map(([key, value]) => {
    let text: string;
    if (style.compact?.has(key)) text = JSON.stringify(value);
    else {
      const shown = style.reordered?.has(key) && typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).reverse()) : value;
      text = JSON.stringify(shown, null, indent).replace(/\n/g, `\n${indent}${indent}`);
    }
    return `${indent}${indent}${JSON.stringify(key)}: ${text}`;
  });
  const map = entries.length ? `{\n${entries.join(',\n')}\n${indent}}` : '{}';
  const marker = '"__packages__"';
  const text = `${JSON.stringify({ ...data, packages: '__packages__' }, null, indent).replace(marker, map)}\n`;
  return `${style.bom ? '\ufeff' : ''}${text.replace(/\n/g, eol)}`;
}

/**
 * The before and after text of a generated pair. Most keep npm's layout on both sides, so that the
 * after side is read entry by entry; some depart from it in a few entries (written on one line, or
 * keys reordered), some use tabs, CRLF or a byte order mark, and some are two unrelated lockfiles
 * or a whole file written another way.
 */
export function generatedPair(seed: number): { before: string; after: string } {
  const rand = random(seed);
  const style: Style = { indent: seed % 3 === 0 ? '\t' : '  ', eol: seed % 5 === 0 ? '\r\n' : '\n', bom: seed % 7 === 0 };
  const data = lockData(rand);
  const before = writeLock(data, style);
  if (seed % 4 === 0) return { before, after: writeLock(lockData(rand), style) };
  const next = mutate(data, rand);
  const keys = Object.keys(next.packages);
  const some = () => new Set(keys.filter(() => rand() < 0.1));
  const afterStyle: Style = seed % 11 === 0 ? { ...style, indent: '   ' } : { ...style, compact: some(), reordered: some() };
  return { before, after: writeLock(next, afterStyle) };
}

/** A lockfileVersion 3 text in npm's layout around `entries` (each written at the map's indent). */
export const V3 = (entries: string): string => `{\n  "name": "x",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n${entries}\n  }\n}\n`;
export const ROOT = '    "": {\n      "name": "x",\n      "dependencies": {\n        "a": "^1.0.0"\n      }\n    }';
export const A = (version: string): string =>
  `    "node_modules/a": {\n      "version": "${version}",\n      "dependencies": {\n        "b": "*"\n      }\n    }`;
export const B = '    "node_modules/b": {\n      "version": "2.0.0"\n    }';
export const NESTED = '    "node_modules/a/node_modules/b": {\n      "version": "3.0.0"\n    }';
