import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { isEntryName } from '../../../src/adapters/cache/cache-entry.js';
import { FileParseCache } from '../../../src/adapters/cache/file-parse-cache.js';
import { pruneCache } from '../../../src/adapters/cache/prune-cache.js';
import type { ParseCacheKey } from '../../../src/ports/parse-cache.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-cache-'));
  dirs.push(dir);
  return dir;
}
const key = (input: string): ParseCacheKey => ({ kind: 'lockfile-pair', version: 1, inputs: [input] });
const entries = (dir: string) => readdirSync(dir).filter(isEntryName);

test('a truncated or corrupt entry is a miss, and the next put writes it again', async () => {
  const damages: Array<(path: string) => void> = [
    (path) => truncateSync(path, statSync(path).size - 3),
    (path) => {
      const bytes = readFileSync(path);
      bytes[bytes.length - 2]! ^= 1;
      writeFileSync(path, bytes);
    },
    (path) => writeFileSync(path, ''),
  ];
  for (const damage of damages) {
    const dir = join(scratch(), 'cache');
    const cache = new FileParseCache({ dir, warn: assert.fail });
    await cache.put(key('k'), { v: 'value' });
    damage(join(dir, entries(dir)[0]!));
    assert.equal(await cache.get(key('k')), undefined);
    await cache.put(key('k'), { v: 'value' });
    assert.deepEqual(await cache.get(key('k')), { v: 'value' });
    await cache.close();
  }
});

test("an entry of another key under a key's name is a miss", async () => {
  const dir = join(scratch(), 'cache');
  const cache = new FileParseCache({ dir, warn: assert.fail });
  await cache.put(key('one'), { v: 1 });
  await cache.put(key('two'), { v: 2 });
  const [a, b] = entries(dir);
  writeFileSync(join(dir, a!), readFileSync(join(dir, b!)));
  const got = [await cache.get(key('one')), await cache.get(key('two'))];
  assert.equal(got.filter((v) => v === undefined).length, 1, JSON.stringify(got));
  await cache.close();
});

test('a symbolic link planted as an entry is neither read through nor written through', async () => {
  const root = scratch();
  const dir = join(root, 'cache');
  const cache = new FileParseCache({ dir, warn: assert.fail });
  await cache.put(key('x'), { v: 'real' });
  const [name] = entries(dir);
  const victim = join(root, 'victim');
  // The target holds a valid entry of that key: following the link would give its value.
  writeFileSync(victim, readFileSync(join(dir, name!)));
  rmSync(join(dir, name!));
  symlinkSync(victim, join(dir, name!));
  const before = readFileSync(victim);
  assert.equal(await cache.get(key('x')), undefined);
  await cache.put(key('x'), { v: 'new' });
  assert.deepEqual(readFileSync(victim), before, 'the link target is untouched');
  assert.ok(lstatSync(join(dir, name!)).isFile(), 'the link was replaced by an entry');
  assert.deepEqual(await cache.get(key('x')), { v: 'new' });
  await cache.close();
});

test('close removes the least recently used entries until the directory is under its bound; a hit counts as a use', async () => {
  const dir = join(scratch(), 'cache');
  const big = 'x'.repeat(10_000);
  const first = new FileParseCache({ dir, maxBytes: 1_000_000, warn: assert.fail });
  for (let i = 0; i < 10; i++) await first.put(key(`k${i}`), { i, big });
  await first.close();
  const size = () => entries(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  const one = size() / 10;
  // Ages: k0 oldest … k9 newest; then k0 is read (a hit touches it).
  entries(dir).forEach((name) => {
    const i = Number(/"i":(\d+)/.exec(readFileSync(join(dir, name), 'utf8'))![1]);
    utimesSync(join(dir, name), 1_000_000 + i, 1_000_000 + i);
  });
  const second = new FileParseCache({ dir, maxBytes: Math.floor(one * 8.5), warn: assert.fail });
  assert.deepEqual(await second.get(key('k0')), { i: 0, big });
  await second.put(key('k10'), { i: 10, big });
  await second.close();
  assert.ok(size() <= one * 8.5, `${size()} bytes left, bound ${one * 8.5}`);
  const left = await Promise.all(
    Array.from({ length: 11 }, async (_, i) => (await new FileParseCache({ dir, warn: assert.fail }).get(key(`k${i}`))) !== undefined),
  );
  // 11 entries over a bound of 8.5: pruned down to 90% of it, 7 entries; k0 was used last but five.
  assert.deepEqual(left, [true, false, false, false, false, true, true, true, true, true, true]);
});

test('a directory that cannot be made or written: puts are dropped with one warning line, gets miss, nothing throws', async (t) => {
  const root = scratch();
  writeFileSync(join(root, 'file'), '');
  const places = [join(root, 'file', 'cache')];
  // Root writes in a read-only directory: that case needs another user.
  if (process.getuid?.() !== 0) {
    mkdirSync(join(root, 'locked'));
    chmodSync(join(root, 'locked'), 0o500);
    t.after(() => chmodSync(join(root, 'locked'), 0o700));
    places.push(join(root, 'locked'));
  }
  for (const dir of places) {
    const warnings: string[] = [];
    const cache = new FileParseCache({ dir, warn: (line) => warnings.push(line) });
    for (let i = 0; i < 5; i++) await cache.put(key(`k${i}`), { i });
    assert.equal(await cache.get(key('k0')), undefined);
    await cache.close();
    assert.equal(warnings.length, 1, dir);
    assert.match(warnings[0]!, /^tranche: the parse cache in .* cannot be written \((ENOTDIR|EACCES): .*\); going on without it$/);
  }
  assert.deepEqual(readdirSync(root).sort(), places.length > 1 ? ['file', 'locked'] : ['file']);
});

test('the directory in a repository is made with a .gitignore of *, and refused when it is a symbolic link', async () => {
  const repo = scratch();
  const dir = join(repo, '.tranche', 'cache');
  const cache = new FileParseCache({ dir, inRepository: true, warn: assert.fail });
  assert.equal(await cache.get(key('a')), undefined);
  assert.equal(existsSync(dir), false, 'a get makes nothing');
  await cache.put(key('a'), { v: 1 });
  await cache.close();
  assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), '*\n');

  const other = scratch();
  const elsewhere = scratch();
  mkdirSync(join(other, '.tranche'));
  symlinkSync(elsewhere, join(other, '.tranche', 'cache'));
  const warnings: string[] = [];
  const linked = new FileParseCache({ dir: join(other, '.tranche', 'cache'), inRepository: true, warn: (line) => warnings.push(line) });
  await linked.put(key('a'), { v: 1 });
  await linked.close();
  assert.deepEqual(readdirSync(elsewhere), [], 'nothing written through the link');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /is not a directory \(a symbolic link\?\)/);
});

test('two runs pruning one directory at once both finish, and it ends under the bound', async () => {
  const dir = join(scratch(), 'cache');
  const big = 'y'.repeat(5_000);
  const fill = new FileParseCache({ dir, warn: assert.fail });
  for (let i = 0; i < 40; i++) await fill.put(key(`k${i}`), { i, big });
  await fill.close();
  const size = () => entries(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  const bound = Math.floor(size() / 4);
  // Each prunes what the other may already have removed.
  await Promise.all([pruneCache(dir, bound), pruneCache(dir, bound), pruneCache(dir, bound)]);
  assert.ok(size() <= bound, `${size()} bytes left, bound ${bound}`);
  assert.ok(entries(dir).length > 0);
});

test('prune removes only what the cache wrote: files of other programs named alike stay, even old and over the bound', async () => {
  const dir = join(scratch(), 'cache');
  const big = 'z'.repeat(5_000);
  const fill = new FileParseCache({ dir, warn: assert.fail });
  for (let i = 0; i < 10; i++) await fill.put(key(`k${i}`), { i, big });
  await fill.close();
  const hoursAgo = Date.now() / 1000 - 2 * 3600;
  // A directory named with --cache-dir may hold anything: a dotfile, a file named like an entry.
  const foreign = { '.tmp-notes': 'notes', [`sha256-${'a'.repeat(64)}`]: 'x'.repeat(20_000), '.tmp-1-0123456789ab': 'not an entry' };
  for (const [name, text] of Object.entries(foreign)) {
    writeFileSync(join(dir, name), text);
    utimesSync(join(dir, name), hoursAgo, hoursAgo);
  }
  // What a run that died while writing left: removed once an hour old.
  const [anEntry] = entries(dir).filter((name) => name.startsWith('lockfile-pair-'));
  const left = join(dir, '.tmp-2-abcdefabcdef');
  writeFileSync(left, readFileSync(join(dir, anEntry!)).subarray(0, 30));
  utimesSync(left, hoursAgo, hoursAgo);
  await pruneCache(dir, 20_000);
  for (const [name, text] of Object.entries(foreign)) assert.equal(readFileSync(join(dir, name), 'utf8'), text, name);
  assert.equal(existsSync(left), false, 'a temporary file an hour old is removed');
  const kept = entries(dir).filter((name) => name.startsWith('lockfile-pair-'));
  assert.ok(kept.length > 0 && kept.length < 10, `${kept.length} entries kept`);
});

test('a FIFO named as an entry is a miss, not a wait for a writer', { timeout: 5_000 }, async () => {
  const dir = join(scratch(), 'cache');
  const cache = new FileParseCache({ dir, warn: assert.fail });
  await cache.put(key('k'), { v: 1 });
  const [name] = entries(dir);
  rmSync(join(dir, name!));
  execFileSync('mkfifo', [join(dir, name!)]);
  assert.equal(await cache.get(key('k')), undefined);
  await cache.close();
});

test("an entry another user owns is a miss, and prune leaves it: only this user's runs supply answers", async (t) => {
  // Only root can give a file to another user; elsewhere the case cannot be made.
  if (process.getuid?.() !== 0) return t.skip('needs root, to give an entry to another user');
  const dir = join(scratch(), 'cache');
  const cache = new FileParseCache({ dir, warn: assert.fail });
  await cache.put(key('k'), { v: 'planted by another user' });
  await cache.close();
  const [name] = entries(dir);
  chownSync(join(dir, name!), 65534, 65534);
  const later = new FileParseCache({ dir, warn: assert.fail });
  assert.equal(await later.get(key('k')), undefined);
  await later.close();
  await pruneCache(dir, 1);
  assert.equal(statSync(join(dir, name!)).uid, 65534, 'not removed');
});

test('in a repository, entries behind a symbolic .tranche or .tranche/cache are not read either, with one warning', async () => {
  for (const link of ['.tranche', join('.tranche', 'cache')]) {
    const elsewhere = scratch();
    const filled = new FileParseCache({ dir: join(elsewhere, 'cache'), warn: assert.fail });
    await filled.put(key('a'), { v: 'from elsewhere' });
    await filled.close();
    const repo = scratch();
    mkdirSync(join(repo, link, '..'), { recursive: true });
    symlinkSync(link === '.tranche' ? elsewhere : join(elsewhere, 'cache'), join(repo, link));
    const warnings: string[] = [];
    const cache = new FileParseCache({ dir: join(repo, '.tranche', 'cache'), inRepository: true, warn: (line) => warnings.push(line) });
    assert.equal(await cache.get(key('a')), undefined, link);
    assert.equal(await cache.get(key('a')), undefined, link);
    await cache.close();
    assert.equal(warnings.length, 1, link);
    assert.match(warnings[0]!, /is not a directory \(a symbolic link\?\)/);
  }
});
