import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { GitCli } from '../../src/adapters/git/git-cli.js';
import type { ChangeManifest, ServiceChanges } from '../../src/core/changes/change-manifest.js';
import { addDependencyChanges } from '../../src/engine/dependency-changes.js';
import type { Git } from '../../src/ports/git.js';
import { MemoryParseCache } from '../support/fakes/memory-parse-cache.js';
import { GitRepo } from '../support/git-repo.js';

const repos: GitRepo[] = [];
const clients: GitCli[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  repos.forEach((r) => r.dispose());
});

const npmLock = (version: string) =>
  JSON.stringify({
    name: 'a',
    lockfileVersion: 3,
    packages: {
      '': { name: 'a', dependencies: { 'left-pad': `^${version}` } },
      'node_modules/left-pad': { version },
    },
  });
const packageJson = (version: string) => JSON.stringify({ name: 'a', dependencies: { 'left-pad': `^${version}` } });

/** A git whose trees count the paths read from them. */
function counting(git: Git, reads: string[]): Git {
  return new Proxy(git, {
    get(target, name) {
      if (name === 'commitTree') {
        return (commit: string, label: string) => {
          const tree = target.commitTree(commit, label);
          const read = (paths: readonly string[]) => {
            reads.push(...paths);
            return tree.read(paths);
          };
          return { ...tree, lookup: tree.lookup.bind(tree), read };
        };
      }
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

test('a pair kept in the parse cache gives the same changes and problems without reading its files; a run without one, the same', async () => {
  const repo = new GitRepo({
    'a/package-lock.json': npmLock('1.0.0'),
    'a/package.json': packageJson('1.0.0'),
    'b/yarn.lock': '# yarn lockfile v1\n\n\nleft-pad@^1.0.0:\n  version "1.0.0"\n',
  });
  repos.push(repo);
  const base = repo.commit('base');
  const head = repo
    .write({ 'a/package-lock.json': npmLock('1.1.0'), 'a/package.json': packageJson('1.1.0'), 'b/yarn.lock': 'left-pad@^1.0.0:\n  version "1.1.0\n  x:: [\n' })
    .commit('bump');
  const git = new GitCli(repo.dir, process.env);
  clients.push(git);
  const service = (name: string, file: string): ServiceChanges => ({
    service: name,
    from: { commit: base, label: 'base' },
    kinds: ['deps'],
    files: [{ path: file, status: 'M', kind: 'deps' }],
    commits: [],
    configKeys: [],
    deps: [],
  });
  const changes = (): ChangeManifest => ({
    env: 'prod',
    to: { commit: head, label: 'head' },
    services: [service('a', 'a/package-lock.json'), service('b', 'b/yarn.lock')],
    unowned: [],
  });
  const run = async (cache?: MemoryParseCache) => {
    const reads: string[] = [];
    const manifest = changes();
    const problems = await addDependencyChanges(counting(git, reads), manifest, cache);
    return { deps: manifest.services.map((s) => s.deps), problems, reads };
  };

  const uncached = await run();
  const entries = new Map<string, string>();
  const cold = await run(new MemoryParseCache(entries));
  const warm = await run(new MemoryParseCache(entries));
  assert.equal(entries.size, 2, 'both pairs kept, the one that does not parse too');
  assert.deepEqual(
    uncached.deps[0]!.map((d) => `${d.name} ${d.from} → ${d.to}`),
    ['left-pad 1.0.0 → 1.1.0'],
  );
  assert.equal(uncached.problems.target.length, 1);
  assert.match(uncached.problems.target[0]!.message, /^lockfile: /);
  assert.deepEqual(cold.deps, uncached.deps);
  assert.deepEqual(cold.problems, uncached.problems);
  assert.deepEqual(warm.deps, uncached.deps);
  assert.deepEqual(warm.problems, uncached.problems);
  assert.ok(cold.reads.includes('a/package-lock.json'));
  assert.deepEqual(warm.reads, [], 'nothing read from git when every pair is kept');
});

/** The dependency changes of service `a`'s lockfile from `base` to `to`, read through `git` (and `cache`). */
async function depsOfA(git: Git, base: string, to: string, cache?: MemoryParseCache) {
  const manifest: ChangeManifest = {
    env: 'prod',
    to: { commit: to, label: to.slice(0, 7) },
    services: [
      {
        service: 'a',
        from: { commit: base, label: 'base' },
        kinds: ['deps'],
        files: [{ path: 'a/package-lock.json', status: 'M', kind: 'deps' }],
        commits: [],
        configKeys: [],
        deps: [],
      },
    ],
    unowned: [],
  };
  await addDependencyChanges(git, manifest, cache);
  return manifest.services[0]!.deps;
}

test('the key covers the manifest beside the lockfile: the same lockfiles with another package.json are diffed again', async () => {
  const devOnly = (version: string) => JSON.stringify({ name: 'a', devDependencies: { 'left-pad': `^${version}` } });
  const repo = new GitRepo({ 'a/package-lock.json': npmLock('1.0.0'), 'a/package.json': packageJson('1.0.0') });
  repos.push(repo);
  const base = repo.commit('base');
  const shipped = repo.write({ 'a/package-lock.json': npmLock('1.1.0'), 'a/package.json': packageJson('1.1.0') }).commit('bump');
  const dev = repo.write({ 'a/package.json': devOnly('1.1.0') }).commit('left-pad is for development only');
  const git = new GitCli(repo.dir, process.env);
  clients.push(git);
  const deps = (to: string, cache?: MemoryParseCache) => depsOfA(git, base, to, cache);
  const entries = new Map<string, string>();
  assert.deepEqual(await deps(shipped, new MemoryParseCache(entries)), await deps(shipped));
  const uncached = await deps(dev);
  assert.equal(uncached[0]?.dev, true);
  assert.deepEqual(await deps(dev, new MemoryParseCache(entries)), uncached);
  assert.equal(entries.size, 2);
});

test('a kept value of another shape is no answer: the pair is diffed again, and its answer kept in its place', async () => {
  const repo = new GitRepo({ 'a/package-lock.json': npmLock('1.0.0'), 'a/package.json': packageJson('1.0.0') });
  repos.push(repo);
  const base = repo.commit('base');
  const head = repo.write({ 'a/package-lock.json': npmLock('1.1.0'), 'a/package.json': packageJson('1.1.0') }).commit('bump');
  const git = new GitCli(repo.dir, process.env);
  clients.push(git);
  const deps = (cache?: MemoryParseCache) => depsOfA(git, base, head, cache);
  const entries = new Map<string, string>();
  const expected = await deps(new MemoryParseCache(entries));
  assert.equal(expected.length, 1);
  const [key] = [...entries.keys()];
  for (const planted of [{ changes: 5 }, { changes: [{ kind: 'gone', name: 'left-pad' }] }, { problems: [{ message: 1 }] }, null, 'text']) {
    entries.set(key!, JSON.stringify(planted));
    assert.deepEqual(await deps(new MemoryParseCache(entries)), expected, JSON.stringify(planted));
    assert.deepEqual(JSON.parse(entries.get(key!)!), JSON.parse(JSON.stringify({ changes: expected.map(({ lockfile: _, ...change }) => change) })));
  }
});
