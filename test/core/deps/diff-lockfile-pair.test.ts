import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLockfilePair, isLockfilePairDiff } from '../../../src/core/deps/diff-lockfile-pair.js';
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

/** Every format's fixtures, with the lockfile's name. */
const FORMATS = [
  ['npm', 'package-lock.json'],
  ['npm-v2', 'package-lock.json'],
  ['yarn-classic', 'yarn.lock'],
  ['yarn-berry', 'yarn.lock'],
  ['pnpm', 'pnpm-lock.yaml'],
] as const;

test('diffs every format as parsing both sides and diffing them does', () => {
  for (const [tool, lockfile] of FORMATS) {
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

test('every answer, kept as JSON and read back, has the shape of one; a value of another shape has not', () => {
  let checked = 0;
  for (const [tool, lockfile] of FORMATS) {
    for (const name of ['added-removed', 'major-bump', 'minor-bump', 'transitive-only']) {
      let pair: ReturnType<typeof pairOf>;
      try {
        pair = pairOf(tool, name, lockfile);
      } catch {
        continue; // not every tool has every case
      }
      for (const variant of [pair, { ...pair, before: 'not json' }, { ...pair, after: '{ "lockfileVersion": 3, "packages": {' }]) {
        assert.equal(isLockfilePairDiff(JSON.parse(JSON.stringify(diffLockfilePair(variant)))), true, `${tool} ${name}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 30, `answers checked: ${checked}`);
  const change = { kind: 'changed', name: 'left-pad', from: '1.0.0', to: '1.1.0', direct: true, via: [], semver: 'minor', explained: true };
  assert.equal(isLockfilePairDiff({ changes: [change] }), true);
  for (const other of [
    null,
    5,
    [],
    { changes: 5 },
    { changes: [{ ...change, kind: 'gone' }] },
    { changes: [{ ...change, via: 'a' }] },
    { changes: [{ ...change, semver: 'huge' }] },
    { changes: [{ ...change, explained: undefined }] },
    { changes: [change], beforeProblem: { message: 'x' } },
    { problems: [{ message: 1, line: 1, column: 1 }] },
    { problems: 'broken' },
  ])
    assert.equal(isLockfilePairDiff(other), false, JSON.stringify(other));
});
