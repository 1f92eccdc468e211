import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Measure, measureCli } from './measure-cli.js';

/** How big a changes fleet is: the bench's, or a smaller one for tests. */
export interface ChangesFleetSize {
  services: number;
  commits: number;
  /** The services the lockfile bumps go to, in turn: some get two. */
  bumpedServices: number;
}
const FULL: ChangesFleetSize = { services: 1000, commits: 5000, bumpedServices: 300 };
/** The last services are never touched: the command must not report them. */
const UNTOUCHED = 20;
/** Package names the lockfiles draw from; each service installs about three quarters of them. */
const UNIVERSE = 2000;
/** Packages below this index are the ones a service may ask for directly. */
const TOP = 24;
/** Services built from the same template share most of their dependencies. */
const FAMILIES = 6;
/** Every 14th commit (7, 21, 35…) bumps versions in one service's lockfile: 357 of them. */
const BUMP_EVERY = 14;
const SEED = 0x5eed1e55;
const CODE_FILES = ['src/index.ts', 'src/handlers.ts', 'src/routes.ts'] as const;
const AUTHORS = ['Ana Ortiz', 'Bo Chen', 'Chidi Okafor', 'Dana Weiss', 'Eli Novak', 'Fatima Khan', 'Gus Lindqvist', 'Hana Sato'];

export interface ChangesFigures {
  /** Without the parse cache. */
  uncached: Measure;
  /** With an empty parse cache, filled by the run. */
  cold: Measure;
  /** With the parse cache the previous run filled. */
  warm: Measure;
  /** What no cold run can go below: git's reads of the range (log, diff) and of every changed lockfile pair. */
  coldFloor: number;
  /** What no warm run can go below: git's reads of the range, and the CLI's start. */
  warmFloor: number;
  /** Services the command reports as changed. */
  services: number;
  /** Commits counted per service, summed (a commit touching two services counts twice). */
  commits: number;
  /** Dependency changes reported, over every service's lockfile. */
  depChanges: number;
  /** How long writing the repository took. */
  generationSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// Deterministic choices: every decision is a hash of what it is about, so that a lockfile can be
// generated again from its service index alone.

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash(a: number, b: number, c: number): number {
  return mix(mix(mix(SEED ^ Math.imul(a + 1, 0x9e3779b1)) ^ Math.imul(b + 1, 0x7feb352d)) ^ Math.imul(c + 1, 0x846ca68b));
}

// ---------------------------------------------------------------------------------------------
// The package universe: names, versions and who requires whom.

const FIRST = [
  'fast',
  'tiny',
  'micro',
  'lite',
  'safe',
  'deep',
  'pretty',
  'simple',
  'node',
  'json',
  'yaml',
  'http',
  'stream',
  'async',
  'path',
  'glob',
  'color',
  'string',
  'object',
  'array',
  'is',
  'get',
  'set',
  'parse',
  'format',
  'babel-plugin',
  'eslint-plugin',
  'postcss',
  'webpack',
  'rollup',
  'vite',
  'jest',
  'mocha',
  'uuid',
  'crypto',
  'buffer',
  'event',
  'url',
  'query',
  'cli',
];
const SECOND = [
  'utils',
  'core',
  'loader',
  'parser',
  'compat',
  'shim',
  'helper',
  'emitter',
  'runtime',
  'config',
  'types',
  'plugin',
  'transform',
  'resolver',
  'cache',
  'matcher',
  'wrapper',
  'client',
  'server',
  'proxy',
  'logger',
  'schema',
  'validator',
  'merge',
  'clone',
  'equal',
  'escape',
  'extend',
  'debounce',
  'pool',
  'queue',
  'retry',
  'timer',
  'watch',
  'walk',
  'hash',
  'encode',
  'decode',
  'stringify',
  'map',
  'filter',
  'sort',
  'diff',
  'patch',
  'lexer',
  'tokenizer',
  'printer',
  'builder',
  'bundle',
  'kit',
];
const SCOPES = ['@babel', '@types', '@aws-sdk', '@smithy', '@opentelemetry', '@grpc', '@nestjs', '@octokit', '@sinonjs', '@jridgewell'];
const LICENSES = ['MIT', 'MIT', 'MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause', 'BSD-2-Clause'];

interface UniversePackage {
  name: string;
  major: number;
  minor: number;
  patch: number;
  /** Lower-indexed packages that require this one (in a service that installs them). */
  parents: number[];
  license: string;
  engines: string | undefined;
  /** The other major some dependents pin, installed nested under them. */
  nestedVersion: string;
}

function buildUniverse(): UniversePackage[] {
  const packages: UniversePackage[] = [];
  for (let i = 0; i < UNIVERSE; i++) {
    const h = hash(i, 0, 0);
    const base = `${FIRST[i % FIRST.length]}-${SECOND[Math.floor(i / FIRST.length) % SECOND.length]}`;
    const name = i % 9 === 4 ? `${SCOPES[h % SCOPES.length]}/${base}` : base;
    const parents = new Set<number>();
    if (i > 0) {
      const count = 1 + (hash(i, 1, 0) % 3);
      // Biased towards low indices: the frameworks everything hangs off.
      for (let k = 0; k < count; k++) parents.add(Math.floor(i * (hash(i, 2, k) / 2 ** 32) ** 2));
    }
    const major = ((h >>> 3) % 5) + (i < TOP ? 1 : 0);
    packages.push({
      name,
      major,
      minor: (h >>> 7) % 30,
      patch: (h >>> 12) % 15,
      parents: [...parents].sort((a, b) => a - b),
      license: LICENSES[(h >>> 17) % LICENSES.length]!,
      engines: (h >>> 20) % 3 === 0 ? `>=${[8, 10, 12, 14, 16, 18][(h >>> 22) % 6]}` : undefined,
      nestedVersion: `${major + 1}.${hash(i, 9, 0) % 10}.${hash(i, 10, 0) % 20}`,
    });
  }
  return packages;
}

const integrities = new Map<string, string>();
function integrity(name: string, version: string): string {
  const key = `${name}@${version}`;
  let value = integrities.get(key);
  if (value === undefined) {
    value = `sha512-${createHash('sha512').update(`${SEED}:${key}`).digest('base64')}`;
    integrities.set(key, value);
  }
  return value;
}

function tarball(name: string, version: string): string {
  return `https://registry.npmjs.org/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}

// ---------------------------------------------------------------------------------------------
// One service's dependency tree and its package-lock.json.

interface ServiceTree {
  service: number;
  /** Hoisted packages (universe indices), ascending. */
  members: number[];
  prod: number[];
  dev: number[];
  /** Hoisted package → the packages it requires. */
  children: Map<number, number[]>;
  /** Hoisted package → the packages installed under its own node_modules at another major. */
  nested: Map<number, number[]>;
  /** Packages reached only through devDependencies. */
  devOnly: Set<number>;
  /** Hoisted packages the project does not ask for itself. */
  transitive: number[];
}

/** Version moves applied on top of the base lockfile, by package. */
type Bumps = Map<number, { minor: number; patch: number }>;

function serviceTree(universe: UniversePackage[], s: number): ServiceTree {
  const family = s % FAMILIES;
  // The family decides; a few packages per service differ from its family's.
  const isMember = (i: number) => i < TOP || hash(family, i, 3) % 1000 < 735 !== hash(s, i, 8) % 100 < 3;
  const members: number[] = [];
  for (let i = 0; i < UNIVERSE; i++) if (isMember(i)) members.push(i);
  const memberSet = new Set(members);
  const prod = members.filter((i) => i < TOP && (i === 0 || hash(family, i, 4) % 3 === 0) !== (i > 0 && hash(s, i, 4) % 17 === 0));
  const dev = members.filter((i) => i >= TOP && i < 3 * TOP && hash(family, i, 5) % 7 === 0);
  const direct = new Set([...prod, ...dev]);
  const children = new Map<number, number[]>();
  const nested = new Map<number, number[]>();
  let previous = 0;
  for (const i of members) {
    if (direct.has(i)) {
      previous = i;
      continue;
    }
    let parents = universe[i]!.parents.filter((p) => memberSet.has(p));
    if (!parents.length) parents = [previous];
    for (const p of parents) children.set(p, [...(children.get(p) ?? []), i]);
    // A dependent pinning another major gets its own copy, as npm nests it.
    if (parents.length >= 2 && hash(s, i, 6) % 12 === 0) {
      const holder = parents[parents.length - 1]!;
      nested.set(holder, [...(nested.get(holder) ?? []), i]);
    }
    previous = i;
  }
  const prodReach = new Set<number>(prod);
  const queue = [...prod];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const c of children.get(next) ?? []) {
      if (!prodReach.has(c)) {
        prodReach.add(c);
        queue.push(c);
      }
    }
  }
  return {
    service: s,
    members,
    prod,
    dev,
    children,
    nested,
    devOnly: new Set(members.filter((i) => !prodReach.has(i))),
    transitive: members.filter((i) => !direct.has(i)),
  };
}

function versionOf(universe: UniversePackage[], tree: ServiceTree, i: number, bumps: Bumps): string {
  const p = universe[i]!;
  const vary = hash(tree.service, i, 7) % 20 === 0 ? 1 + (tree.service % 3) : 0;
  const bump = bumps.get(i);
  return `${p.major}.${p.minor + (bump?.minor ?? 0)}.${p.patch + vary + (bump?.patch ?? 0)}`;
}

function directRanges(universe: UniversePackage[], tree: ServiceTree, list: number[], bumps: Bumps): Record<string, string> {
  const ranges: Record<string, string> = {};
  for (const i of [...list].sort((a, b) => (universe[a]!.name < universe[b]!.name ? -1 : 1)))
    ranges[universe[i]!.name] = `^${versionOf(universe, tree, i, bumps)}`;
  return ranges;
}

function packageJson(universe: UniversePackage[], tree: ServiceTree, bumps: Bumps): string {
  const manifest = {
    name: `svc-${tree.service}`,
    version: '1.0.0',
    private: true,
    type: 'module',
    scripts: { start: 'node dist/index.js', build: 'tsc -p .', test: 'node --test' },
    dependencies: directRanges(universe, tree, tree.prod, bumps),
    devDependencies: directRanges(universe, tree, tree.dev, bumps),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** An npm lockfileVersion 3 `package-lock.json`: the project entry, then every install path. */
function packageLock(universe: UniversePackage[], tree: ServiceTree, bumps: Bumps): string {
  const entries = new Map<string, Record<string, unknown>>();
  /** What the package requires; a nested copy's own requirements all resolve to hoisted packages. */
  const requires = (p: number, copy: boolean) => {
    const list = [...(tree.children.get(p) ?? [])].sort((a, b) => (universe[a]!.name < universe[b]!.name ? -1 : 1));
    if (!list.length) return undefined;
    const nestedHere = new Set(copy ? [] : (tree.nested.get(p) ?? []));
    const ranges: Record<string, string> = {};
    for (const c of list) {
      const u = universe[c]!;
      ranges[u.name] = nestedHere.has(c) ? `^${u.nestedVersion}` : `^${u.major}.${u.minor}.0`;
    }
    return ranges;
  };
  const entry = (name: string, version: string, i: number, dev: boolean, dependencies: Record<string, string> | undefined) => {
    const u = universe[i]!;
    const e: Record<string, unknown> = { version, resolved: tarball(name, version), integrity: integrity(name, version) };
    if (dev) e.dev = true;
    e.license = u.license;
    if (dependencies) e.dependencies = dependencies;
    if (u.engines) e.engines = { node: u.engines };
    return e;
  };
  for (const i of tree.members) {
    const u = universe[i]!;
    const dev = tree.devOnly.has(i);
    const dependencies = requires(i, false);
    entries.set(`node_modules/${u.name}`, entry(u.name, versionOf(universe, tree, i, bumps), i, dev, dependencies));
    for (const c of tree.nested.get(i) ?? []) {
      const n = universe[c]!;
      entries.set(`node_modules/${u.name}/node_modules/${n.name}`, entry(n.name, n.nestedVersion, c, dev, requires(c, true)));
    }
  }
  const packages: Record<string, unknown> = {
    '': {
      name: `svc-${tree.service}`,
      version: '1.0.0',
      dependencies: directRanges(universe, tree, tree.prod, bumps),
      devDependencies: directRanges(universe, tree, tree.dev, bumps),
    },
  };
  for (const key of [...entries.keys()].sort()) packages[key] = entries.get(key);
  return `${JSON.stringify({ name: `svc-${tree.service}`, version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

function codeFile(s: number, file: string, revision: number): string {
  return [
    `// ${file} of svc-${s}`,
    "import { createServer } from 'node:http';",
    '',
    `export const SERVICE = 'svc-${s}';`,
    `export const REVISION = ${revision};`,
    '',
    'export function handler(path: string): string {',
    `  return path === '/health' ? 'ok' : \`\${SERVICE}@\${REVISION}: \${path}\`;`,
    '}',
    '',
    `export const server = createServer((req, res) => res.end(handler(req.url ?? '/')));`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The history, written as one git fast-import stream.

interface BumpEvent {
  commit: number;
  service: number;
  kind: 'direct' | 'transitive';
  /** Filled while the blobs are written. */
  lockMark?: number;
  packageJson?: string;
  subject?: string;
}

/** Buffers the stream and writes it out in large pieces. */
class StreamFile {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  /** `data` command: exact byte count, then the bytes. */
  data(text: string): void {
    this.raw(`data ${Buffer.byteLength(text)}\n`);
    this.raw(text);
    this.raw('\n');
  }
  raw(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 8 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

interface Expected {
  /** Services with a file that differs between base and head. */
  changed: Set<string>;
  /** Commits per service. */
  commits: Map<string, number>;
  /** Packages whose version moves per service, and how many of those are direct. */
  deps: Map<string, { total: number; direct: number }>;
}

function writeHistory(dir: string, streamPath: string, size: ChangesFleetSize): { base: string; head: string; expected: Expected } {
  const { services, commits, bumpedServices } = size;
  const universe = buildUniverse();
  const touchable = services - UNTOUCHED;
  const bumpedList = Array.from({ length: bumpedServices }, (_, k) => (k * 331 + 17) % touchable);
  const events: BumpEvent[] = [];
  for (let j = BUMP_EVERY >> 1, k = 0; j <= commits; j += BUMP_EVERY, k++) {
    events.push({ commit: j, service: bumpedList[k % bumpedServices]!, kind: hash(k, 12, 0) % 3 === 0 ? 'direct' : 'transitive' });
  }
  const byService = new Map<number, BumpEvent[]>();
  for (const e of events) byService.set(e.service, [...(byService.get(e.service) ?? []), e]);
  const expected: Expected = { changed: new Set(), commits: new Map(), deps: new Map() };

  const fd = openSync(streamPath, 'w');
  const out = new StreamFile(fd);
  let mark = 0;
  const baseLockMarks = new Map<number, number>();
  const basePackageJsons = new Map<number, string>();
  try {
    // Lockfile blobs first, services of a family next to each other and every version of one
    // lockfile right after its base, so that fast-import stores each as a small delta of the last.
    const order = Array.from({ length: services }, (_, s) => s).sort((a, b) => (a % FAMILIES) - (b % FAMILIES) || a - b);
    for (const s of order) {
      const tree = serviceTree(universe, s);
      const bumps: Bumps = new Map();
      out.raw(`blob\nmark :${++mark}\n`);
      out.data(packageLock(universe, tree, bumps));
      baseLockMarks.set(s, mark);
      basePackageJsons.set(s, packageJson(universe, tree, bumps));
      const moved = new Set<number>();
      (byService.get(s) ?? []).forEach((event, n) => {
        const bump = (i: number, minor: number, patch: number) => {
          const was = bumps.get(i) ?? { minor: 0, patch: 0 };
          bumps.set(i, { minor: was.minor + minor, patch: was.patch + patch });
          moved.add(i);
        };
        if (event.kind === 'direct') {
          const d = tree.prod[hash(s, n, 13) % tree.prod.length]!;
          bump(d, 1, 0);
          // Upgrading it brings a newer release of one of its own dependencies.
          const pulled = (tree.children.get(d) ?? []).filter((c) => tree.transitive.includes(c));
          if (pulled.length) bump(pulled[hash(s, n, 14) % pulled.length]!, 0, 1);
          event.packageJson = packageJson(universe, tree, bumps);
          event.subject = `svc-${s}: bump ${universe[d]!.name} to ${versionOf(universe, tree, d, bumps)}`;
        } else {
          for (let k = 0; k < 3; k++) bump(tree.transitive[hash(s, n, 15 + k) % tree.transitive.length]!, 0, 1);
          event.subject = `svc-${s}: npm update (lockfile maintenance)`;
        }
        out.raw(`blob\nmark :${++mark}\n`);
        out.data(packageLock(universe, tree, bumps));
        event.lockMark = mark;
      });
      if (moved.size) {
        const direct = new Set([...tree.prod, ...tree.dev]);
        expected.deps.set(`svc-${s}`, { total: moved.size, direct: [...moved].filter((i) => direct.has(i)).length });
      }
    }

    let time = 1_700_000_000;
    const commitHeader = (message: string, author: string, parent: number | undefined) => {
      time += 600;
      const email = `${author.toLowerCase().replace(/ /g, '.')}@example.com`;
      out.raw(`commit refs/heads/main\nmark :${++mark}\nauthor ${author} <${email}> ${time} +0000\ncommitter ${author} <${email}> ${time} +0000\n`);
      out.data(message);
      if (parent !== undefined) out.raw(`from :${parent}\n`);
      return mark;
    };
    const inline = (path: string, text: string) => {
      out.raw(`M 100644 inline ${path}\n`);
      out.data(text);
    };

    // The deployed revision.
    let parent = commitHeader('deployed fleet\n', AUTHORS[0]!, undefined);
    const manifest = ['version: 1', 'name: bench', 'environments:', '  prod: { driver: local }', 'services:'];
    for (let s = 0; s < services; s++) manifest.push(`  svc-${s}:`, `    path: services/svc-${s}`);
    inline('tranche.yaml', `${manifest.join('\n')}\n`);
    inline('.gitignore', 'node_modules/\ndist/\n.tranche/\n');
    for (let s = 0; s < services; s++) {
      out.raw(`M 100644 :${baseLockMarks.get(s)} services/svc-${s}/package-lock.json\n`);
      inline(`services/svc-${s}/package.json`, basePackageJsons.get(s)!);
      for (const file of CODE_FILES) inline(`services/svc-${s}/${file}`, codeFile(s, file, 0));
    }
    out.raw('\n');

    // The range: code changes, a bump of a lockfile every 14th commit.
    const eventAt = new Map(events.map((e) => [e.commit, e]));
    const count = (s: number) => {
      const name = `svc-${s}`;
      expected.changed.add(name);
      expected.commits.set(name, (expected.commits.get(name) ?? 0) + 1);
    };
    for (let j = 1; j <= commits; j++) {
      const author = AUTHORS[hash(j, 20, 0) % AUTHORS.length]!;
      const event = eventAt.get(j);
      if (event) {
        const s = event.service;
        parent = commitHeader(`${event.subject}\n`, author, parent);
        out.raw(`M 100644 :${event.lockMark} services/svc-${s}/package-lock.json\n`);
        if (event.packageJson) inline(`services/svc-${s}/package.json`, event.packageJson);
        count(s);
      } else {
        // Mostly one service; one commit in eight is a change across two to four.
        const span = hash(j, 21, 0) % 8 === 0 ? 2 + (hash(j, 22, 0) % 3) : 1;
        const touched = new Set<number>();
        for (let k = 0; k < span; k++) touched.add(hash(j, 23, k) % touchable);
        const names = [...touched].map((s) => `svc-${s}`);
        const subject =
          span > 1
            ? `${names.join(', ')}: share the retry helper`
            : `${names[0]}: ${['fix', 'tidy', 'speed up', 'log'][hash(j, 24, 0) % 4]} ${CODE_FILES[hash(j, 25, 0) % 3]}`;
        parent = commitHeader(`${subject}\n\nChange ${j} of the range.\n`, author, parent);
        for (const s of touched) {
          inline(`services/svc-${s}/${CODE_FILES[hash(j, 26, s) % CODE_FILES.length]}`, codeFile(s, 'code', j));
          count(s);
        }
      }
      out.raw('\n');
    }
    out.raw('done\n');
    out.flush();
  } finally {
    closeSync(fd);
  }

  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return result.stdout.trim();
  };
  mkdirSync(dir, { recursive: true });
  git('init', '-q', '-b', 'main');
  const input = openSync(streamPath, 'r');
  try {
    const imported = spawnSync('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: [input, 'pipe', 'pipe'], maxBuffer: 1 << 26 });
    if (imported.status !== 0) throw new Error(`git fast-import exited ${imported.status}: ${imported.stderr.toString()}`);
  } finally {
    closeSync(input);
    rmSync(streamPath, { force: true });
  }
  // A clone as an operator has it: the target checked out.
  git('reset', '-q', '--hard', 'main');
  return { base: git('rev-parse', `main~${commits}`), head: git('rev-parse', 'main'), expected };
}

// ---------------------------------------------------------------------------------------------

interface ChangesOutput {
  services: { service: string; commits: unknown[]; deps: { direct: boolean; lockfile: string }[] }[];
}

/** Writes a changes fleet of `size` into `dir` (a new directory): the deployed commit and the target. */
export function writeChangesFleet(dir: string, size: ChangesFleetSize): { base: string; head: string } {
  const { base, head } = writeHistory(dir, `${dir}.fast-import`, size);
  return { base, head };
}

/**
 * `tranche changes` over a 1,000-service fleet whose services each lock ~1,500 npm packages, with
 * 5,000 commits in the range (357 of them bumping lockfile versions): wall time and peak RSS
 * without the parse cache, with an empty one (cold) and with the one the previous run filled
 * (warm), run in turn; each beside its floor, measured in the same run; and what it found,
 * checked against what the history was written to contain. The three print the same JSON.
 */
export function benchChanges(dir: string, bin: string, runs: number): ChangesFigures {
  const started = process.hrtime.bigint();
  const { base, head, expected } = writeHistory(dir, `${dir}.fast-import`, FULL);
  const generationSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const args = ['changes', '--env', 'prod', '--from', base, '--to', head, '--json'];
  const caches = mkdtempSync(join(tmpdir(), 'tranche-bench-cache-'));
  const samples = { uncached: [] as Measure[], cold: [] as Measure[], warm: [] as Measure[], coldFloor: [] as number[], warmFloor: [] as number[] };
  try {
    const filled = join(caches, 'filled');
    measureCli(bin, [...args, '--cache-dir', filled], dir, 1, [0]);
    const floor = floorOf(dir, base, head, bin);
    for (let i = 0; i < runs; i++) {
      samples.uncached.push(measureCli(bin, [...args, '--no-cache'], dir, 1, [0]));
      samples.cold.push(measureCli(bin, [...args, '--cache-dir', join(caches, `cold-${i}`)], dir, 1, [0]));
      samples.warm.push(measureCli(bin, [...args, '--cache-dir', filled], dir, 1, [0]));
      const { git, lockfiles, start } = floor();
      samples.coldFloor.push(git + lockfiles);
      samples.warmFloor.push(git + start);
    }
  } finally {
    rmSync(caches, { recursive: true, force: true });
  }
  const outputs = new Set([...samples.uncached, ...samples.cold, ...samples.warm].map((m) => m.stdout));
  if (outputs.size !== 1) throw new Error('changes printed different JSON with and without the parse cache');
  const out = JSON.parse(samples.warm[0]!.stdout) as ChangesOutput;

  const reported = new Set(out.services.map((s) => s.service));
  const missing = [...expected.changed].filter((s) => !reported.has(s));
  const extra = [...reported].filter((s) => !expected.changed.has(s));
  if (missing.length || extra.length)
    throw new Error(`changes reported the wrong services: missing ${missing.slice(0, 5).join(', ')}; extra ${extra.slice(0, 5).join(', ')}`);
  let commits = 0;
  let depChanges = 0;
  for (const s of out.services) {
    commits += s.commits.length;
    depChanges += s.deps.length;
    if (s.commits.length !== expected.commits.get(s.service))
      throw new Error(`${s.service}: ${s.commits.length} commits reported, ${expected.commits.get(s.service)} made`);
    const deps = expected.deps.get(s.service) ?? { total: 0, direct: 0 };
    const direct = s.deps.filter((d) => d.direct).length;
    if (s.deps.length !== deps.total || direct !== deps.direct) {
      throw new Error(`${s.service}: ${s.deps.length} dependency changes (${direct} direct) reported, ${deps.total} (${deps.direct} direct) made`);
    }
  }
  if (commits < FULL.commits) throw new Error(`commits per service sum to ${commits}, fewer than the ${FULL.commits} in the range`);
  return {
    uncached: medianOf(samples.uncached),
    cold: medianOf(samples.cold),
    warm: medianOf(samples.warm),
    coldFloor: median(samples.coldFloor),
    warmFloor: median(samples.warmFloor),
    services: out.services.length,
    commits,
    depChanges,
    generationSeconds,
  };
}

/**
 * The floors' parts, one sample each call: git's reads of the range (the log with the files each
 * commit touches, the diff), git's read of every changed lockfile pair (both ends of each
 * package-lock.json and package.json), and the CLI's start (`tranche version`).
 */
function floorOf(dir: string, base: string, head: string, bin: string): () => { git: number; lockfiles: number; start: number } {
  // What git writes is counted, not what it costs this process to keep: with `discard`, it goes to /dev/null.
  const run = (command: string, args: string[], input?: string, discard = false) => {
    const result = spawnSync(command, args, {
      cwd: dir,
      maxBuffer: 1 << 30,
      ...(input !== undefined ? { input } : {}),
      ...(discard ? { stdio: ['pipe', 'ignore', 'pipe'] as const } : {}),
    });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
    return result.stdout?.toString('utf8') ?? '';
  };
  const blobs = run('git', ['diff', '--raw', '--no-abbrev', base, head])
    .split('\n')
    .filter((line) => /\/package(-lock)?\.json$/.test(line))
    .flatMap((line) => line.split(' ').slice(2, 4))
    .filter((id) => !/^0+$/.test(id));
  const timed = (body: () => void) => {
    const start = process.hrtime.bigint();
    body();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  return () => ({
    git: timed(() => {
      run('git', ['log', '--name-only', '--format=%H%x00%an%x00%aI%x00%s', `${base}..${head}`]);
      run('git', ['diff', '--name-status', '-M', base, head]);
    }),
    lockfiles: timed(() => run('git', ['cat-file', '--batch'], `${blobs.join('\n')}\n`, true)),
    start: timed(() => run(process.execPath, [bin, 'version'])),
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function medianOf(measures: Measure[]): Measure {
  return { ...measures[0]!, seconds: median(measures.map((m) => m.seconds)), peakMb: Math.max(...measures.map((m) => m.peakMb)) };
}
