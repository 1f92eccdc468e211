import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { writeChangesFleet } from '../../bench/changes-bench.js';
import { decodeEntry, encodeEntry, isEntryName } from '../../src/adapters/cache/cache-entry.js';
import { LOCKFILE_PAIR_VERSION } from '../../src/core/deps/diff-lockfile-pair.js';
import { buildCorpusFleet } from '../support/corpus-fleet.js';
import { GitRepo } from '../support/git-repo.js';
import { BIN } from '../support/paths.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { expectOk, tempDir } from '../support/scratch.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The bench's changes fleet, small: 60 services, 300 commits, 21 lockfile bumps over 20 services. */
const bench = (() => {
  let made: { dir: string; args: string[] } | undefined;
  return () => {
    if (made) return made;
    const repo = new GitRepo();
    dirs.push(repo.dir);
    const dir = join(repo.dir, 'fleet');
    const { base, head } = writeChangesFleet(dir, { services: 60, commits: 300, bumpedServices: 20 });
    return (made = { dir, args: ['changes', '--env', 'prod', '--from', base, '--to', head, '--json'] });
  };
})();

const entriesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter(isEntryName).sort() : []);
const key = (inputs: readonly string[]) => ({ kind: 'lockfile-pair', version: LOCKFILE_PAIR_VERSION, inputs });
/** The key an entry file holds (its second line). */
const keyOf = (path: string) => key((JSON.parse(readFileSync(path, 'utf8').split('\n')[1]!) as string[]).slice(3));

function runAsync(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the parse cache of lockfile pair diffs', () => {
  test('changes --json prints the same bytes with no cache, an empty one and a filled one; the filled one is what is read', () => {
    const { dir, args } = bench();
    const cache = join(dir, '.tranche', 'cache');
    const uncached = expectOk(runCli([...args, '--no-cache'], dir), 'uncached');
    assert.equal(existsSync(cache), false, '--no-cache makes no cache directory');
    const cold = expectOk(runCli(args, dir), 'cold');
    const entries = entriesIn(cache);
    assert.equal(entries.length, 20, 'one entry per changed lockfile pair');
    assert.equal(readFileSync(join(cache, '.gitignore'), 'utf8'), '*\n');
    const warm = expectOk(runCli(args, dir), 'warm');
    assert.equal(cold.stdout, uncached.stdout);
    assert.equal(warm.stdout, uncached.stdout);
    assert.equal(cold.stderr + warm.stderr, '');
    assert.ok((JSON.parse(warm.stdout) as { services: { deps: unknown[] }[] }).services.some((s) => s.deps.length > 0));

    // A filled entry is read instead of the lockfiles: one holding another (valid) answer shows it.
    const path = join(cache, entries[0]!);
    const real = readFileSync(path);
    const entryKey = keyOf(path);
    const value = decodeEntry(real, entryKey)!.value as { changes: { name: string }[] };
    writeFileSync(path, encodeEntry(entryKey, { changes: value.changes.map((c) => ({ ...c, name: `planted-${c.name}` })) })!);
    const planted = expectOk(runCli(args, dir), 'planted');
    assert.match(planted.stdout, /"planted-/);
    writeFileSync(path, real);
  });

  test('a corrupt or truncated entry is ignored and written again; the output does not change', () => {
    const { dir, args } = bench();
    const expected = expectOk(runCli([...args, '--no-cache'], dir), 'uncached').stdout;
    const cache = join(dir, '.tranche', 'cache');
    expectOk(runCli(args, dir), 'fill');
    const [first, second] = entriesIn(cache).map((name) => join(cache, name));
    const good = [readFileSync(first!), readFileSync(second!)];
    writeFileSync(first!, good[0]!.subarray(0, good[0]!.length - 10));
    const flipped = Buffer.from(good[1]!);
    flipped[flipped.length - 5]! ^= 0x20;
    writeFileSync(second!, flipped);
    assert.equal(expectOk(runCli(args, dir), 'damaged').stdout, expected);
    assert.deepEqual([readFileSync(first!), readFileSync(second!)], good, 'both entries rebuilt');
  });

  test('--no-cache leaves a filled cache directory as it was', () => {
    const { dir, args } = bench();
    const cache = join(dir, '.tranche', 'cache');
    expectOk(runCli(args, dir), 'fill');
    const before = entriesIn(cache).map((name) => [name, statSync(join(cache, name)).mtimeMs]);
    for (const [name] of before) writeFileSync(join(cache, name as string), 'not an entry');
    expectOk(runCli([...args, '--no-cache'], dir), 'uncached');
    assert.deepEqual(
      entriesIn(cache).map((name) => [name, readFileSync(join(cache, name), 'utf8')]),
      before.map(([name]) => [name, 'not an entry']),
    );
    rmSync(cache, { recursive: true });
  });

  test('two runs filling one cache at once both succeed and print the same', async (t) => {
    const { dir, args } = bench();
    const cache = join(tempDir(t), 'ci-cache');
    const expected = expectOk(runCli([...args, '--no-cache'], dir), 'uncached').stdout;
    const runs = await Promise.all([runAsync([...args, '--cache-dir', cache], dir), runAsync([...args, '--cache-dir', cache], dir)]);
    for (const run of runs) assert.equal(expectOk(run, 'concurrent').stdout, expected);
    assert.equal(runs[0]!.stderr + runs[1]!.stderr, '');
    assert.equal(entriesIn(cache).length, 20);
    assert.deepEqual(
      readdirSync(cache).filter((n) => n.startsWith('.tmp-')),
      [],
      'no temporary file left',
    );
    assert.equal(existsSync(join(cache, '.gitignore')), false, 'a directory the operator names is used as it is');
    assert.equal(expectOk(runCli(args, dir, { TRANCHE_CACHE_DIR: cache }), 'warm from TRANCHE_CACHE_DIR').stdout, expected);
  });

  test('a cache directory that cannot be written or made: the same output, exit 0, one warning line', (t) => {
    const { dir, args } = bench();
    const expected = expectOk(runCli([...args, '--no-cache'], dir), 'uncached').stdout;
    const scratch = tempDir(t);
    // A directory whose parent is a file cannot be made, by root either; a read-only one cannot be written but by root.
    writeFileSync(join(scratch, 'file'), '');
    const places = [{ cache: join(scratch, 'file', 'cache'), why: /ENOTDIR: not a directory/ }];
    if (process.getuid?.() !== 0) {
      const locked = join(scratch, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      t.after(() => chmodSync(locked, 0o700));
      places.push({ cache: locked, why: /EACCES: permission denied/ });
    }
    for (const { cache, why } of places) {
      const run = expectOk(runCli([...args, '--cache-dir', cache], dir), cache);
      assert.equal(run.stdout, expected);
      assert.equal(run.stderr.split('\n').length, 2, run.stderr);
      assert.match(run.stderr, /^tranche: the parse cache in \S+ cannot be written \(.*\); going on without it\n$/);
      assert.match(run.stderr, why);
    }
  });

  test('TRANCHE_CACHE_MAX_MB that is not a number of megabytes is unusable input', () => {
    const { dir, args } = bench();
    const run = runCli(args, dir, { TRANCHE_CACHE_MAX_MB: '1.5GB' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /TRANCHE_CACHE_MAX_MB: "1\.5GB" is not a whole number of megabytes/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  test('apply with a bound that is no size, or an empty --cache-dir, exits 2 having made nothing', (t) => {
    const repo = new GitRepo({
      'tranche.yaml': 'version: 1\nname: t\nenvironments:\n  prod: { driver: local }\nservices:\n  web:\n    path: web\n',
      'web/package.json': '{"name":"web"}\n',
    });
    dirs.push(repo.dir);
    repo.commit('base');
    const cwd = tempDir(t);
    const refused = [
      ...['0', '-1', '99999999', 'abc', ''].map((mb) => ({
        env: { TRANCHE_CACHE_MAX_MB: mb },
        flags: [],
        message: `error: TRANCHE_CACHE_MAX_MB: ${JSON.stringify(mb)} is not a whole number of megabytes from 1 to 9999999\n`,
      })),
      { env: {}, flags: ['--cache-dir', ''], message: 'error: --cache-dir: an empty path names no directory\n' },
    ];
    for (const { env, flags, message } of refused) {
      const run = runCli(['apply', '--fleet', repo.dir, '--env', 'prod', '--yes', ...flags], cwd, env);
      assert.deepEqual([run.code, run.stderr], [2, message], JSON.stringify(env));
      assert.equal(existsSync(join(repo.dir, '.tranche', 'state.db')), false, 'no state store made');
      assert.deepEqual(readdirSync(cwd), [], 'nothing written where tranche runs');
    }
  });

  test('entries git tracks in .tranche/cache are not read: a repository cannot plant answers', () => {
    const { dir, args } = bench();
    const cache = join(dir, '.tranche', 'cache');
    const expected = expectOk(runCli([...args, '--no-cache'], dir), 'uncached').stdout;
    expectOk(runCli(args, dir), 'fill');
    for (const name of entriesIn(cache)) {
      const path = join(cache, name);
      const entryKey = keyOf(path);
      writeFileSync(path, encodeEntry(entryKey, { changes: [] })!);
    }
    const repo = (...a: string[]) =>
      execFileSync('git', a, {
        cwd: dir,
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
      });
    repo('add', '-f', '.tranche/cache');
    repo('commit', '-q', '-m', 'plant answers');
    try {
      const run = expectOk(runCli(args, dir), 'tracked');
      assert.equal(run.stdout, expected);
      assert.equal(run.stderr, 'tranche: git tracks files in .tranche/cache (answers written by whoever committed them); going on without the parse cache\n');
    } finally {
      repo('reset', '-q', '--hard', 'HEAD~1');
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('a --cache-dir inside the repository whose entries git tracks is not read: a commit cannot plant answers in a CI cache there', () => {
    const { dir, args } = bench();
    const expected = expectOk(runCli([...args, '--no-cache'], dir), 'uncached').stdout;
    const cache = join(dir, 'ci', 'tranche-cache');
    expectOk(runCli([...args, '--cache-dir', 'ci/tranche-cache'], dir), 'fill');
    for (const name of entriesIn(cache)) writeFileSync(join(cache, name), encodeEntry(keyOf(join(cache, name)), { changes: [] })!);
    const repo = (...a: string[]) =>
      execFileSync('git', a, {
        cwd: dir,
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
      });
    repo('add', '-f', 'ci');
    repo('commit', '-q', '-m', 'plant answers');
    try {
      const named = [
        { flags: ['--cache-dir', 'ci/tranche-cache'], env: {}, shown: 'ci/tranche-cache' },
        { flags: [], env: { TRANCHE_CACHE_DIR: cache }, shown: 'ci/tranche-cache' },
        { flags: ['--cache-dir', '.'], env: {}, shown: '.' },
      ];
      for (const { flags, env, shown } of named) {
        const run = expectOk(runCli([...args, ...flags], dir, env), shown);
        assert.equal(run.stdout, expected, shown);
        assert.equal(run.stderr, `tranche: git tracks files in ${shown} (answers written by whoever committed them); going on without the parse cache\n`);
      }
    } finally {
      repo('reset', '-q', '--hard', 'HEAD~1');
      rmSync(join(dir, 'ci'), { recursive: true, force: true });
    }
  });

  test('entries git tracks under another case of .tranche/cache are not read either: on macOS and Windows it is the same directory', () => {
    const repo = new GitRepo({
      'tranche.yaml': 'version: 1\nname: t\nenvironments:\n  prod: { driver: local }\nservices:\n  web:\n    path: web\n',
      'web/package.json': '{"name":"web"}\n',
    });
    dirs.push(repo.dir);
    const base = repo.commit('base');
    for (const planted of ['.TRANCHE/cache/x', '.tranche/Cache/x']) {
      // Forced: the first run made .tranche/.gitignore, which a planting commit would not have.
      repo.write({ [planted]: 'an answer' }).git('add', '-f', planted);
      repo.commit('plant');
      // What the user's environment says of pathspecs does not change which paths are found.
      const run = runCli(['check', '--env', 'prod', '--from', base, '--json'], repo.dir, { GIT_LITERAL_PATHSPECS: '1' });
      assert.deepEqual(
        [run.code, run.stderr],
        [0, 'tranche: git tracks files in .tranche/cache (answers written by whoever committed them); going on without the parse cache\n'],
        planted,
      );
      repo.remove(planted.split('/')[0]!).commit('unplant');
    }
  });

  test('a lockfile that does not parse says the same warm as cold', () => {
    const repo = new GitRepo({
      'tranche.yaml': 'version: 1\nname: t\nenvironments:\n  prod: { driver: local }\nservices:\n  web:\n    path: web\n',
      'web/yarn.lock': '# yarn lockfile v1\n\n\nleft-pad@^1.0.0:\n  version "1.0.0"\n',
      'web/package.json': '{"name":"web","dependencies":{"left-pad":"^1.0.0"}}\n',
    });
    dirs.push(repo.dir);
    const base = repo.commit('base');
    repo.write({ 'web/yarn.lock': '# yarn lockfile v1\n\n\nleft-pad@^1.0.0:\n  version "1.1.0\n  resolved:: [\n' }).commit('broken');
    const args = ['check', '--env', 'prod', '--from', base, '--json'];
    const uncached = runCli([...args, '--no-cache'], repo.dir);
    const cold = runCli(args, repo.dir);
    const warm = runCli(args, repo.dir);
    assert.match(uncached.stdout, /lockfile: /);
    assert.deepEqual([cold.code, cold.stdout, warm.code, warm.stdout], [uncached.code, uncached.stdout, uncached.code, uncached.stdout]);
  });
});

const CORPUS_FLEETS = [
  {
    name: 'online-boutique',
    from: 'v0.9.0',
    services: ['checkoutservice', 'currencyservice', 'frontend', 'loadgenerator', 'paymentservice', 'productcatalogservice', 'shippingservice'],
  },
  { name: 'voting-app', from: 'main-2022-12-16', services: ['result', 'vote', 'worker'] },
];

describe('the parse cache on the real fleets of the corpus', () => {
  for (const fleet of CORPUS_FLEETS) {
    test(`${fleet.name}: changes --json is the same with no cache, an empty one and a filled one`, () => {
      const prefix = fleet.name === 'online-boutique' ? 'src/' : '';
      const manifest = `version: 1\nname: ${fleet.name}\nenvironments:\n  prod: { driver: local }\nservices:\n${fleet.services.map((s) => `  ${s}:\n    path: ${prefix}${s}\n`).join('')}`;
      const dir = buildCorpusFleet(fleet.name, manifest, dirs);
      const args = ['changes', '--env', 'prod', '--from', fleet.from, '--json'];
      const uncached = expectOk(runCli([...args, '--no-cache'], dir), 'uncached');
      const cold = expectOk(runCli(args, dir), 'cold');
      assert.ok(entriesIn(join(dir, '.tranche', 'cache')).length > 0, 'lockfile pairs were kept');
      const warm = expectOk(runCli(args, dir), 'warm');
      assert.equal(cold.stdout, uncached.stdout);
      assert.equal(warm.stdout, uncached.stdout);
      assert.ok((JSON.parse(warm.stdout) as { services: { deps: unknown[] }[] }).services.some((s) => s.deps.length > 0));
    });
  }
});
