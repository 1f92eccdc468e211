import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLockfiles } from '../../../src/core/deps/diff-lockfiles.js';
import { diffNpmLocks } from '../../../src/core/deps/diff-npm-locks.js';
import { parseNpmLock } from '../../../src/core/deps/parse-npm-lock.js';
import { readFixture } from './lockfile-fixtures.js';
import { A, B, generatedPair, NESTED, ROOT, V3 } from './npm-lock-pairs.js';

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

test('diffNpmLocks matches parse-and-diff on generated lockfile pairs', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const { before, after } = generatedPair(seed);
    assertSame(before, after, `seed ${seed}`);
    assertSame(after, before, `seed ${seed} reversed`);
  }
});

test('diffNpmLocks finds the line of a key that is escaped in the text', () => {
  const before =
    '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "dependencies": { "a": "*" } },\n    "node_modules/a": {\n      "version": "1.0.0", "description": "say \\"hi\\""\n    }\n  }\n}\n';
  const after = before.replace('"node_modules/a": {\n      "version": "1.0.0"', '"node_modules\\/a": {\n      "version": "1.1.0"');
  assertSame(before, after, 'escaped key');
  assert.equal(diffNpmLocks(before, after)?.[0]?.line, 5);
});

test("diffNpmLocks matches parse-and-diff where the texts depart from npm's layout or repeat keys", () => {
  const base = V3([ROOT, A('1.0.0'), B].join(',\n'));
  const afters = {
    'an entry on one line': V3([ROOT, '    "node_modules/a": {"version": "1.0.0", "dependencies": {"b": "*"}}', B].join(',\n')),
    'keys reordered in an entry': V3(
      [ROOT, '    "node_modules/a": {\n      "dependencies": {\n        "b": "*"\n      },\n      "version": "1.1.0"\n    }', B].join(',\n'),
    ),
    'a nested install added': V3([ROOT, A('1.0.0'), NESTED, B].join(',\n')),
    'entries moved and bumped': V3([ROOT, B, A('2.0.0')].join(',\n')),
    'a key repeated': V3([ROOT, A('1.0.0'), B, A('1.2.0')].join(',\n')),
    'a key written with an escape': V3([ROOT, A('1.3.0').replace('"node_modules/a"', '"node_modules\\/a"'), B].join(',\n')),
    'lockfileVersion 2 with its tree': base
      .replace('"lockfileVersion": 3', '"lockfileVersion": 2')
      .replace(/\n}\n$/, ',\n  "dependencies": {\n    "a": {\n      "version": "1.0.0"\n    }\n  }\n}\n'),
    'the whole file reindented': JSON.stringify(JSON.parse(V3([ROOT, A('1.4.0'), B].join(',\n'))), null, '\t'),
  };
  for (const [label, after] of Object.entries(afters)) {
    assertSame(base, after, label);
    assertSame(after, base, `${label} reversed`);
  }
  assert.deepEqual(diffNpmLocks(base, afters['an entry on one line']), []);
});
