import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNpmPair, type NpmPair } from '../../../src/core/deps/read-npm-pair.js';
import { readFixture } from './lockfile-fixtures.js';
import { A, B, generatedPair, NESTED, ROOT, V3 } from './npm-lock-pairs.js';

/** The after side's `packages` map the pair stands for: the before side's, replaced and removed. */
function afterPackages(pair: NpmPair): Record<string, unknown> {
  const packages: Record<string, unknown> = {};
  // Defined, not assigned: a `__proto__` entry is an entry, as JSON.parse makes it.
  const set = (key: string, value: unknown) => Object.defineProperty(packages, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, entry] of Object.entries(pair.before.packages)) if (!pair.removed.has(key)) set(key, entry);
  for (const [key, entry] of pair.replaced) set(key, entry);
  return packages;
}

function packagesOf(text: string): unknown {
  return (JSON.parse(text.replace(/^\ufeff/, '')) as { packages: unknown }).packages;
}

/** readNpmPair must give both maps exactly as JSON.parse does, and say which keys the after side changes. */
function assertReadsAsParsed(before: string, after: string, label: string): NpmPair {
  const pair = readNpmPair(before, after);
  assert.ok(pair, label);
  assert.deepEqual(pair.before.packages, packagesOf(before), label);
  assert.deepEqual(afterPackages(pair), packagesOf(after), label);
  for (const key of pair.removed) assert.ok(!Object.hasOwn(packagesOf(after) as object, key), `${label}: ${key} is not removed`);
  return pair;
}

test('parses only the entries the after side writes differently, and shares the others', () => {
  for (const name of ['minor-bump', 'major-bump', 'added-removed']) {
    for (const tool of ['npm', 'npm-v2'] as const) {
      let before: string;
      let after: string;
      try {
        before = readFixture(tool, name, 'before');
        after = readFixture(tool, name, 'after');
      } catch {
        continue; // not every tool has every case
      }
      const pair = assertReadsAsParsed(before, after, `${tool}/${name}`);
      const entries = Object.keys(packagesOf(after) as object).length;
      assert.ok(pair.replaced.size < entries, `${tool}/${name}: ${pair.replaced.size} of ${entries} entries parsed again`);
      assertReadsAsParsed(after, before, `${tool}/${name} reversed`);
    }
  }
  const before = V3([ROOT, A('1.0.0'), B].join(',\n'));
  const pair = assertReadsAsParsed(before, V3([ROOT, A('1.1.0'), B].join(',\n')), 'one version moved');
  assert.deepEqual([...pair.replaced.keys()], ['node_modules/a']);
  assert.deepEqual([...pair.removed], []);
});

test('reads generated pairs exactly as JSON.parse does, both ways', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const { before, after } = generatedPair(seed);
    assertReadsAsParsed(before, after, `seed ${seed}`);
    assertReadsAsParsed(after, before, `seed ${seed} reversed`);
  }
});

test('an entry written differently but equal (spacing, key order) is parsed again and equal', () => {
  const before = V3([ROOT, A('1.0.0'), B].join(',\n'));
  const spaced = V3([ROOT, '    "node_modules/a": {"version": "1.0.0", "dependencies": {"b": "*"}}', B].join(',\n'));
  const reordered = V3([ROOT, '    "node_modules/a": {\n      "dependencies": {\n        "b": "*"\n      },\n      "version": "1.0.0"\n    }', B].join(',\n'));
  for (const after of [spaced, reordered]) assert.deepEqual([...assertReadsAsParsed(before, after, 'rewritten').replaced.keys()], ['node_modules/a']);
});

test('follows entries added, removed, nested and moved, at the start, the middle and the end', () => {
  // Before, after, and the entries the after side parses again (the ones it adds, or meets out of order).
  const cases: Array<[string[], string[], string[]]> = [
    [[ROOT, A('1.0.0'), B], [ROOT, A('1.0.0'), NESTED, B], ['node_modules/a/node_modules/b']],
    [[ROOT, A('1.0.0'), NESTED, B], [ROOT, A('1.0.0'), B], []],
    [[ROOT, A('1.0.0')], [ROOT, A('1.0.0'), B], ['node_modules/b']],
    [[ROOT, A('1.0.0'), B], [ROOT, A('1.0.0')], []],
    [[ROOT, A('1.0.0'), B], [A('1.0.0'), B], []],
    [[A('1.0.0'), B], [ROOT, A('1.0.0'), B], ['']],
    [[ROOT, A('1.0.0'), B], [ROOT, B, A('1.0.0')], ['node_modules/a']],
    [[ROOT, A('1.0.0'), B], [NESTED], ['node_modules/a/node_modules/b']],
  ];
  for (const [was, is, parsed] of cases) {
    const label = `${was.length} → ${is.length} entries`;
    assert.deepEqual([...assertReadsAsParsed(V3(was.join(',\n')), V3(is.join(',\n')), label).replaced.keys()], parsed, label);
  }
  // With no entry on one side there is nothing to walk: the other side is parsed in full.
  assertReadsAsParsed(V3(ROOT), V3(''), 'all removed');
  assertReadsAsParsed(V3(''), V3([ROOT, B].join(',\n')), 'all added');
});

test('a repeated key keeps its last value, on either side', () => {
  const repeated = V3([ROOT, A('1.0.0'), B, A('1.5.0')].join(',\n'));
  const plain = V3([ROOT, A('1.0.0'), B].join(',\n'));
  assertReadsAsParsed(repeated, plain, 'repeated before');
  assertReadsAsParsed(plain, repeated, 'repeated after');
  assertReadsAsParsed(repeated, V3([ROOT, A('1.0.0'), B, A('1.6.0')].join(',\n')), 'repeated on both sides');
});

test('keys written with escapes, and a __proto__ entry, are entries like any other', () => {
  const before = V3([ROOT, A('1.0.0'), '    "__proto__": {\n      "version": "1.0.0"\n    }'].join(',\n'));
  const after = V3([ROOT, A('1.1.0').replace('"node_modules/a"', '"node_modules\\/a"'), '    "__proto__": {\n      "version": "2.0.0"\n    }'].join(',\n'));
  const pair = assertReadsAsParsed(before, after, 'escaped and __proto__');
  assert.deepEqual(pair.replaced.get('__proto__'), { version: '2.0.0' });
  assert.ok(pair.replaced.has('node_modules/a'));
});

test('lockfileVersion 2: the dependencies tree after the map may move with it', () => {
  const v2 = (version: string, tree: string) =>
    V3([ROOT, A(version), B].join(',\n'))
      .replace('"lockfileVersion": 3', '"lockfileVersion": 2')
      .replace(/\n}\n$/, `,\n  "dependencies": ${tree}\n}\n`);
  const before = v2('1.0.0', '{\n    "a": {\n      "version": "1.0.0"\n    }\n  }');
  const pair = assertReadsAsParsed(before, v2('1.1.0', '{\n    "a": {\n      "version": "1.1.0"\n    }\n  }'), 'tree moved');
  assert.deepEqual([...pair.replaced.keys()], ['node_modules/a']);
  // What follows the map still decides whether the after side can be read at all.
  assert.equal(readNpmPair(before, v2('1.1.0', '{\n    "a": {\n      "version": \n    }\n  }')), undefined);
  assert.equal(readNpmPair(before, v2('1.1.0', '{}').replace(/\n}\n$/, ',\n  "lockfileVersion": 1\n}\n')), undefined);
  const repeatsMap = v2('1.1.0', '{}').replace(/\n}\n$/, ',\n  "packages": {}\n}\n');
  assertReadsAsParsed(before, repeatsMap, 'a second packages map');
});

test('what JSON.parse or parseNpmLock rejects on either side is not read', () => {
  const good = V3([ROOT, A('1.0.0'), B].join(',\n'));
  const broken = [
    V3([ROOT, A('1.1.0').replace('"1.1.0"', '1.1.0'), B].join(',\n')), // an entry that changed and is not JSON
    V3([ROOT, A('1.1.0').replace('"1.1.0"', '"1.1.0",'), B].join(',\n')), // a trailing comma in it
    V3([ROOT, A('1.1.0'), B].join(',\n')).replace('"node_modules/a"', '"node_modules/\ta"'), // a raw tab in a key
    V3([ROOT, A('1.1.0'), B].join(',\n')).replace(/\n}\n$/, '\n}\n}'), // something after the document
    V3([ROOT, A('1.1.0'), B].join(',,\n')),
    good.replace('"lockfileVersion": 3', '"lockfileVersion": 1'),
    good.replace('"packages": {', '"packages": [').replace(/\n {2}}\n}\n$/, '\n  ]\n}\n'),
  ];
  for (const after of broken) {
    assert.equal(readNpmPair(good, after), undefined, after);
    assert.equal(readNpmPair(after, good), undefined, after);
  }
  // Text both sides share is checked too: an error there is an error on both.
  const bothBroken = (version: string) => V3([ROOT, A(version), B.replace('"2.0.0"', '2.0.0')].join(',\n'));
  assert.equal(readNpmPair(bothBroken('1.0.0'), bothBroken('1.1.0')), undefined);
});

test('a byte order mark or CRLF line ends on one side only', () => {
  const before = V3([ROOT, A('1.0.0'), B].join(',\n'));
  const after = V3([ROOT, A('1.1.0'), B].join(',\n'));
  assertReadsAsParsed(`\ufeff${before}`, after, 'bom before');
  const pair = assertReadsAsParsed(before, `\ufeff${after}`, 'bom after');
  assert.equal(pair.afterText, after);
  assertReadsAsParsed(before, after.replace(/\n/g, '\r\n'), 'crlf after');
});
