import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLockfiles } from '../../../src/core/deps/diff-lockfiles.js';
import { diffNpmLocks } from '../../../src/core/deps/diff-npm-locks.js';
import { parseNpmLock } from '../../../src/core/deps/parse-npm-lock.js';
import { readFixture } from './lockfile-fixtures.js';

/** What the general path reports for the pair: both lockfiles parsed in full, then diffed. */
function reference(before: string, after: string) {
  const old = parseNpmLock(before).lockfile;
  const now = parseNpmLock(after).lockfile;
  assert.ok(now);
  return diffLockfiles(old, now);
}

function assertSame(before: string, after: string, label: string): void {
  assert.deepEqual(diffNpmLocks(before, after), reference(before, after), label);
}

test('diffNpmLocks matches parse-and-diff on every npm fixture, both ways', () => {
  for (const tool of ['npm', 'npm-v2'] as const) {
    for (const name of ['added-removed', 'major-bump', 'minor-bump', 'transitive-only']) {
      let before: string;
      let after: string;
      try {
        before = readFixture(tool, name, 'before');
        after = readFixture(tool, name, 'after');
      } catch {
        continue; // not every tool has every case
      }
      assertSame(before, after, `${tool}/${name}`);
      assertSame(after, before, `${tool}/${name} reversed`);
      assert.deepEqual(diffNpmLocks(before, before), [], `${tool}/${name} unchanged`);
    }
  }
});

test('diffNpmLocks leaves what it cannot read to the general path', () => {
  const good = JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/a': { version: '1.0.0' } } });
  assert.equal(diffNpmLocks(undefined, good), undefined);
  assert.equal(diffNpmLocks('{ "lockfileVersion": 3, "packages": {', good), undefined);
  assert.equal(diffNpmLocks(good, '[]'), undefined);
  assert.equal(diffNpmLocks(good, JSON.stringify({ lockfileVersion: 1, dependencies: {} })), undefined);
  assert.equal(diffNpmLocks(good, JSON.stringify({ lockfileVersion: 3, packages: [] })), undefined);
});

/** A small deterministic PRNG, so every run checks the same lockfiles. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NAMES = ['a', 'b', 'c', 'd', '@s/e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];

/**
 * A package-lock with nested installs, cycles, duplicate versions, links (to install paths, to
 * workspaces and to nothing), a workspace, entries without a version and non-object entries.
 */
function lockfile(rand: () => number, indent: string | number, eol: string, bom: boolean): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const deps = (): Record<string, string> => {
    const map: Record<string, string> = {};
    const count = Math.floor(rand() * 4);
    for (let i = 0; i < count; i++) map[pick(NAMES)] = '*';
    return map;
  };
  const packages: Record<string, unknown> = {
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
  const text = JSON.stringify({ name: 'root', lockfileVersion: pick([2, 3]), requires: true, packages }, null, indent).replace(/\n/g, eol);
  return bom ? `\ufeff${text}` : text;
}

/** `text` with a few entries' versions moved, some entries dropped and one added. */
function mutate(text: string, rand: () => number): string {
  const bom = text.charCodeAt(0) === 0xfeff;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const data = JSON.parse(bom ? text.slice(1) : text) as { packages: Record<string, Record<string, unknown> | string> };
  for (const [path, entry] of Object.entries(data.packages)) {
    if (path === '' || typeof entry !== 'object') continue;
    const roll = rand();
    if (roll < 0.15) entry.version = `${Math.floor(rand() * 3)}.${Math.floor(rand() * 3)}.0`;
    else if (roll < 0.2) delete data.packages[path];
    else if (roll < 0.25) entry.dependencies = { [NAMES[Math.floor(rand() * NAMES.length)] as string]: '*' };
  }
  if (rand() < 0.5) data.packages['node_modules/new'] = { version: '1.0.0', dependencies: { a: '*' } };
  const out = JSON.stringify(data, null, 2).replace(/\n/g, eol);
  return bom ? `\ufeff${out}` : out;
}

test('diffNpmLocks matches parse-and-diff on generated lockfile pairs', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const rand = random(seed);
    const before = lockfile(rand, seed % 3 === 0 ? '\t' : 2, seed % 5 === 0 ? '\r\n' : '\n', seed % 7 === 0);
    const after = seed % 4 === 0 ? lockfile(rand, 2, '\n', false) : mutate(before, rand);
    assertSame(before, after, `seed ${seed}`);
    assertSame(after, before, `seed ${seed} reversed`);
  }
});

test('diffNpmLocks finds the line of a key that is escaped in the text', () => {
  const before = '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "dependencies": { "a": "*" } },\n    "node_modules/a": {\n      "version": "1.0.0", "description": "say \\"hi\\""\n    }\n  }\n}\n';
  const after = before.replace('"node_modules/a": {\n      "version": "1.0.0"', '"node_modules\\/a": {\n      "version": "1.1.0"');
  assertSame(before, after, 'escaped key');
  assert.equal(diffNpmLocks(before, after)?.[0]?.line, 5);
});
