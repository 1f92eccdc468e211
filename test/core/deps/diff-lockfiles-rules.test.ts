import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLockfiles } from '../../../src/core/deps/diff-lockfiles.js';
import type { LockedPackage, Lockfile } from '../../../src/core/deps/lockfile.js';
import { summary } from './lockfile-fixtures.js';

/** `name@version` for a direct package, `name@version<a,b` for one pulled in by a and b. */
function lockfile(specs: string[], tracesVia = true): Lockfile {
  const packages = specs.map((spec): LockedPackage => {
    const [id = '', via] = spec.split('<');
    const at = id.lastIndexOf('@');
    return { name: id.slice(0, at), version: id.slice(at + 1), direct: via === undefined, via: via ? via.split(',') : [] };
  });
  return { format: 'npm', packages, tracesVia };
}

const diff = (before: Lockfile | undefined, after: Lockfile): string[] => diffLockfiles(before, after).map(summary);

describe('diffLockfiles', () => {
  test('identical lockfiles have no changes', () => {
    const same = lockfile(['a@1.0.0', 'b@2.0.0<a']);
    assert.deepEqual(diffLockfiles(same, lockfile(['a@1.0.0', 'b@2.0.0<a'])), []);
  });

  test('a first deployment adds everything, each transitive one explained by its added parent', () => {
    assert.deepEqual(diff(undefined, lockfile(['a@1.0.0', 'b@2.0.0<a'])), ['added a -→1.0.0 - direct explained', 'added b -→2.0.0 - via:a explained']);
  });

  test('a transitive change is explained only by a change of a direct dependency that pulls it in', () => {
    const before = lockfile(['a@1.0.0', 'b@1.0.0', 'x@1.0.0<a', 'y@1.0.0<b']);
    const after = lockfile(['a@1.1.0', 'b@1.0.0', 'x@1.0.1<a', 'y@1.0.1<b']);
    assert.deepEqual(diff(before, after), [
      'changed a 1.0.0→1.1.0 minor direct explained',
      'changed x 1.0.0→1.0.1 patch via:a explained',
      'changed y 1.0.0→1.0.1 patch via:b unexplained',
    ]);
  });

  test('via is taken from both sides: a package that moved from one parent to another', () => {
    const before = lockfile(['a@1.0.0', 'b@1.0.0', 'x@1.0.0<a']);
    const after = lockfile(['a@1.0.0', 'b@2.0.0', 'x@1.1.0<b']);
    assert.deepEqual(diff(before, after), ['changed b 1.0.0→2.0.0 major direct explained', 'changed x 1.0.0→1.1.0 minor via:a,b explained']);
  });

  test('several versions at once: only the versions that moved are changes', () => {
    const before = lockfile(['a@1.0.0', 'ms@2.0.0<a', 'ms@2.1.1<a']);
    const after = lockfile(['a@1.0.0', 'ms@2.0.0<a', 'ms@2.1.3<a']);
    assert.deepEqual(diff(before, after), ['changed ms 2.1.1→2.1.3 patch via:a unexplained']);
  });

  test('several versions at once: the same release line pairs first, then the nearest version', () => {
    const before = lockfile(['a@1.0.0', 'h@1.7.2<a', 'h@1.7.3<a', 'q@3.0.0<a']);
    const after = lockfile(['a@1.0.0', 'h@2.0.0<a', 'q@1.5.0<a', 'q@3.0.1<a']);
    assert.deepEqual(diff(before, after), [
      'removed h 1.7.2→- - via:a unexplained',
      'changed h 1.7.3→2.0.0 major via:a unexplained',
      'added q -→1.5.0 - via:a unexplained',
      'changed q 3.0.0→3.0.1 patch via:a unexplained',
    ]);
  });

  test('a direct and a transitive copy of one package pair with their own kind', () => {
    const before = lockfile(['debug@4.3.4', 'ms@2.1.3', 'ms@2.1.2<debug']);
    const after = lockfile(['debug@4.3.4', 'ms@2.1.4', 'ms@2.1.1<debug']);
    assert.deepEqual(diff(before, after), ['changed ms 2.1.2→2.1.1 patch via:debug unexplained', 'changed ms 2.1.3→2.1.4 patch direct explained']);
  });

  test('when the format traces no via, any direct change explains a transitive one', () => {
    const untraced = (specs: string[]): Lockfile => lockfile(specs, false);
    assert.deepEqual(diff(untraced(['a@1.0.0', 'x@1.0.0<']), untraced(['a@1.0.0', 'x@1.1.0<'])), ['changed x 1.0.0→1.1.0 minor via: unexplained']);
    assert.deepEqual(diff(untraced(['a@1.0.0', 'x@1.0.0<']), untraced(['a@1.0.1', 'x@1.1.0<'])), [
      'changed a 1.0.0→1.0.1 patch direct explained',
      'changed x 1.0.0→1.1.0 minor via: explained',
    ]);
  });

  test('a traced transitive package that no direct one pulls in is unexplained', () => {
    assert.deepEqual(diff(lockfile(['a@1.0.0', 'x@1.0.0<']), lockfile(['a@2.0.0', 'x@1.1.0<'])), [
      'changed a 1.0.0→2.0.0 major direct explained',
      'changed x 1.0.0→1.1.0 minor via: unexplained',
    ]);
  });

  test('non-SemVer versions are classed other', () => {
    assert.deepEqual(diff(lockfile(['g@git+https://example.com/g#3f2a9c1']), lockfile(['g@git+https://example.com/g#8be0d47'])), [
      'changed g git+https://example.com/g#3f2a9c1→git+https://example.com/g#8be0d47 other direct explained',
    ]);
  });
});
