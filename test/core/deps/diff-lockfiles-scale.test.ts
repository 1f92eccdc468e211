import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLockfiles } from '../../../src/core/deps/diff-lockfiles.js';
import { parseNpmLock } from '../../../src/core/deps/parse-npm-lock.js';

const GROUPS = 50;
const CHAIN = 29;

/**
 * A package-lock.json of 1,500 packages: 50 direct dependencies, each the head of a chain of 29
 * transitive packages (every other group's first link nested in the direct one's folder), and
 * every chain ending in one package all groups share (1,501 packages in all).
 */
function generate(version: (name: string, group: number, link: number) => string): string {
  const packages: Record<string, unknown> = { '': { name: 'big', version: '1.0.0', dependencies: {} } };
  const root = packages[''] as { dependencies: Record<string, string> };
  const place = (group: number, link: number, name: string): string =>
    link === 0 && group % 2 === 1 ? `node_modules/direct-${group}/node_modules/${name}` : `node_modules/${name}`;
  for (let group = 0; group < GROUPS; group++) {
    const head = `direct-${group}`;
    root.dependencies[head] = '^1.0.0';
    packages[`node_modules/${head}`] = { version: version(head, group, -1), dependencies: { [`t-${group}-0`]: '*' } };
    for (let link = 0; link < CHAIN; link++) {
      const name = `t-${group}-${link}`;
      const next = link + 1 < CHAIN ? `t-${group}-${link + 1}` : 'common';
      packages[place(group, link, name)] = { version: version(name, group, link), dependencies: { [next]: '*' } };
    }
  }
  packages['node_modules/common'] = { version: '1.0.0' };
  return JSON.stringify({ name: 'big', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

test('parses and diffs a 1,500-package package-lock pair', (t) => {
  const beforeText = generate(() => '1.0.0');
  // direct-0..4 move to 1.1.0 with the first 10 links of their chains (55 changes, explained);
  // the second-to-last link of groups 20..29 moves a major on its own (10 changes, unexplained).
  const afterText = generate((_name, group, link) => {
    if (group < 5 && link < 10) return link === -1 ? '1.1.0' : '1.0.1';
    if (group >= 20 && group < 30 && link === CHAIN - 2) return '2.0.0';
    return '1.0.0';
  });
  const started = performance.now();
  const before = parseNpmLock(beforeText);
  const after = parseNpmLock(afterText);
  assert.deepEqual([before.problems, after.problems], [[], []]);
  assert.ok(before.lockfile && after.lockfile);
  const changes = diffLockfiles(before.lockfile, after.lockfile);
  const elapsed = performance.now() - started;
  assert.equal(before.lockfile.packages.length, 1501);
  assert.equal(after.lockfile.packages.filter((p) => p.direct).length, GROUPS);
  assert.equal(after.lockfile.packages.find((p) => p.name === 'common')?.via.length, GROUPS);
  assert.equal(after.lockfile.packages.find((p) => p.name === 't-1-0')?.via.join(), 'direct-1');
  assert.equal(changes.length, 65);
  assert.equal(changes.filter((c) => c.direct).length, 5);
  assert.deepEqual(
    changes
      .filter((c) => !c.explained)
      .map((c) => `${c.name} ${c.semver}`)
      .sort(),
    Array.from({ length: 10 }, (_, i) => `t-${20 + i}-27 major`).sort(),
  );
  assert.ok(changes.filter((c) => !c.direct && c.explained).every((c) => c.semver === 'patch' && c.via.length === 1));
  // Not a timing assertion: the figure is reported for whoever watches the suite.
  t.diagnostic(`1,501-package lockfile pair parsed and diffed in ${elapsed.toFixed(0)} ms`);
});
