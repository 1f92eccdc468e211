import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyVersionChange } from '../../../src/core/deps/classify-version-change.js';
import { compareSemver, compareVersions, parseSemver, type Semver } from '../../../src/core/deps/semver.js';

describe('parseSemver', () => {
  test('reads SemVer 2.0.0 with an optional v, pre-release and build metadata', () => {
    assert.deepEqual(parseSemver('1.2.3'), { major: 1, minor: 2, patch: 3, prerelease: [], build: [] });
    assert.deepEqual(parseSemver('v1.2.3-rc.1+sha.5114f85'), { major: 1, minor: 2, patch: 3, prerelease: ['rc', '1'], build: ['sha', '5114f85'] });
    assert.deepEqual(parseSemver('v2.0.0+incompatible')?.build, ['incompatible']);
  });

  test('refuses what SemVer forbids, and short versions unless loose', () => {
    for (const text of ['01.2.3', '1.2', '1.2.3-', '1.2.3-01', '1.2.3+', 'x.y.z', '', '1.2.3.4', '99999999999999999999.0.0']) {
      assert.equal(parseSemver(text), undefined, text);
    }
    assert.deepEqual(parseSemver('2024.1', true), { major: 2024, minor: 1, patch: 0, prerelease: [], build: [] });
    assert.deepEqual(parseSemver('7', true)?.major, 7);
  });
});

describe('compareSemver', () => {
  test('orders pre-releases as the specification does', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '2.0.0',
    ];
    const parsed = order.map((text) => parseSemver(text) as Semver);
    for (let i = 0; i + 1 < parsed.length; i++) {
      assert.equal(compareSemver(parsed[i] as Semver, parsed[i + 1] as Semver), -1, `${order[i]} < ${order[i + 1]}`);
      assert.equal(compareSemver(parsed[i + 1] as Semver, parsed[i] as Semver), 1);
    }
    assert.equal(compareSemver(parseSemver('1.0.0+a') as Semver, parseSemver('1.0.0+b') as Semver), 0);
  });

  test('compareVersions puts SemVer first, numerically, and the rest as text', () => {
    assert.deepEqual(['git-abc', '10.0.0', '9.1.0', '2.0', 'file:x'].sort(compareVersions), ['2.0', '9.1.0', '10.0.0', 'file:x', 'git-abc']);
  });
});

describe('classifyVersionChange', () => {
  const cases: Array<[string, string, string]> = [
    ['1.2.3', '2.0.0', 'major'],
    ['4.2.1', '3.9.0', 'major'],
    ['1.2.3', '1.3.0', 'minor'],
    ['0.1.0', '0.2.0', 'minor'],
    ['1.2.3', '1.2.4', 'patch'],
    ['1.0.0-rc.1', '1.0.0', 'prerelease'],
    ['1.0.0', '2.0.0-beta.1', 'major'],
    ['v1.9.0', 'v1.9.1', 'patch'],
    ['v2.0.0+incompatible', 'v3.0.0+incompatible', 'major'],
    ['v0.0.0-20230713183714-613f0c0eb8a1', 'v0.0.0-20231006140011-7918f672742d', 'other'],
    ['v1.2.3', 'v1.2.4-0.20231006140011-7918f672742d', 'other'],
    ['v1.3.0-pre.0.20231006140011-7918f672742d', 'v1.3.0', 'other'],
    ['2023.3', '2024.1', 'major'],
    ['2.0.0rc1', '2.0.0', 'other'],
    ['1.0.0+build.1', '1.0.0+build.2', 'other'],
    ['3f2a9c1', '8be0d47', 'other'],
  ];
  for (const [from, to, expected] of cases) {
    test(`${from} → ${to} is ${expected}`, () => assert.equal(classifyVersionChange(from, to), expected));
  }
});
