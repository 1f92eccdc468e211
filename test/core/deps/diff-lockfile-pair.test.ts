import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLockfilePair } from '../../../src/core/deps/diff-lockfile-pair.js';
import { diffLockfiles } from '../../../src/core/deps/diff-lockfiles.js';
import { fixtureDir, parseFixture, readFixture, type FixtureTool } from './lockfile-fixtures.js';

function pairOf(tool: FixtureTool, name: string, lockfile: string) {
  const manifest = (state: 'before' | 'after') => readFileSync(`${fixtureDir(tool, name, state)}/package.json`, 'utf8');
  return {
    path: `svc/${lockfile}`,
    before: readFixture(tool, name, 'before'),
    after: readFixture(tool, name, 'after'),
    manifestBefore: manifest('before'),
    manifestAfter: manifest('after'),
  };
}

test('diffs every format as parsing both sides and diffing them does', () => {
  for (const [tool, lockfile] of [
    ['npm', 'package-lock.json'],
    ['npm-v2', 'package-lock.json'],
    ['yarn-classic', 'yarn.lock'],
    ['yarn-berry', 'yarn.lock'],
    ['pnpm', 'pnpm-lock.yaml'],
  ] as const) {
    const expected = diffLockfiles(parseFixture(tool, 'minor-bump', 'before'), parseFixture(tool, 'minor-bump', 'after'));
    assert.ok(expected.length > 0);
    assert.deepEqual(diffLockfilePair(pairOf(tool, 'minor-bump', lockfile)), { changes: expected }, tool);
  }
});

test('an unreadable after side is its problems; an unreadable before side adds everything and says why, a missing one adds everything', () => {
  const pair = pairOf('npm', 'minor-bump', 'package-lock.json');
  const broken = diffLockfilePair({ ...pair, after: '{ "lockfileVersion": 3, "packages": {' });
  assert.ok('problems' in broken && broken.problems.length > 0);
  const everything = diffLockfiles(undefined, parseFixture('npm', 'minor-bump', 'after'));
  const unreadable = diffLockfilePair({ ...pair, before: 'not json' });
  assert.ok('changes' in unreadable);
  assert.deepEqual(unreadable.changes, everything);
  assert.match(unreadable.beforeProblem?.message ?? '', /\S/);
  const v1 = JSON.stringify({ name: 'svc', lockfileVersion: 1, requires: true, dependencies: { express: { version: '4.17.1' } } }, null, 2);
  const old = diffLockfilePair({ ...pair, before: v1 });
  assert.ok('changes' in old);
  assert.deepEqual(old.changes, everything);
  assert.ok(old.beforeProblem, 'a lockfile version tranche does not read is said so');
  assert.deepEqual(diffLockfilePair({ ...pair, before: undefined }), { changes: everything });
});
