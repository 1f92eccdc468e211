import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { helmValuesEntries, type ValuesFile } from '../../../src/core/config/helm-values.js';
import { formatValuePath, parseValuePath } from '../../../src/core/config/value-path.js';
import { readYaml } from '../../../src/core/yaml/read-yaml.js';

function values(path: string, text: string, tracked = true): ValuesFile {
  const read = readYaml(text, path);
  assert.ok(read.yaml, JSON.stringify(read.findings));
  return { path, tracked, yaml: read.yaml };
}
const at = (key: string) => ({ file: 'tranche.yaml', line: 1, column: 1, key });

describe('value paths', () => {
  test('dots, list indexes and quoted segments; anything else is not a path', () => {
    assert.deepEqual(parseValuePath('database.port'), ['database', 'port']);
    assert.deepEqual(parseValuePath('servers[0].host'), ['servers', 0, 'host']);
    assert.deepEqual(parseValuePath('annotations."example.com/tier"'), ['annotations', 'example.com/tier']);
    assert.deepEqual(parseValuePath('m[1][2]'), ['m', 1, 2]);
    for (const bad of ['', '.a', 'a.', 'a..b', 'a[', 'a[x]', 'a."b', '"a"b', '[0]', 'a"b"', 'a.""']) assert.equal(parseValuePath(bad), undefined, bad);
  });

  test('property: a path reads back as it was written', () => {
    const segment = fc.oneof(
      fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('"')),
      fc.nat({ max: 20 }),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('"')),
        fc.array(segment, { maxLength: 5 }),
        (first, rest) => {
          const path = [first, ...rest];
          assert.deepEqual(parseValuePath(formatValuePath(path)), path);
        },
      ),
    );
  });
});

describe('helm values', () => {
  test('later files win key by key; null removes; a scalar or a list replaces what is below; positions and text as written', () => {
    const base = values(
      'chart/values.yaml',
      'database:\n  host: db\n  port: 5432\n  pool: { size: 10 }\nlog:\n  level: info\nratio: 1.10\nservers:\n  - host: a\n  - host: b\n',
    );
    const prod = values('chart/values-prod.yaml', 'database:\n  port: 6432\n  pool: null\nlog: quiet\nservers:\n  - host: c\n', false);
    const keys = new Map<string, (string | number)[]>([
      ['DB_HOST', ['database', 'host']],
      ['DB_PORT', ['database', 'port']],
      ['POOL', ['database', 'pool', 'size']],
      ['LOG_LEVEL', ['log', 'level']],
      ['RATIO', ['ratio']],
      ['FIRST', ['servers', 0, 'host']],
      ['SECOND', ['servers', 1, 'host']],
      ['NOWHERE', ['no', 'such']],
    ]);
    const { entries, findings } = helmValuesEntries([base, prod], keys, at);
    assert.deepEqual(findings, []);
    assert.deepEqual(
      entries.map((e) => [e.key, e.value, e.file, e.line, e.tracked]),
      [
        ['DB_HOST', 'db', 'chart/values.yaml', 2, true],
        ['DB_PORT', '6432', 'chart/values-prod.yaml', 2, false],
        ['RATIO', '1.10', 'chart/values.yaml', 7, true],
        ['FIRST', 'c', 'chart/values-prod.yaml', 6, false],
      ],
    );
  });

  test('a key mapped to a map or a list is a located problem', () => {
    const file = values('values.yaml', 'database:\n  port: 1\nlist: [1, 2]\n');
    const { entries, findings } = helmValuesEntries(
      [file],
      new Map([
        ['DB', ['database']],
        ['L', ['list']],
      ]),
      at,
    );
    assert.deepEqual(entries, []);
    assert.deepEqual(
      findings.map((f) => [f.message, f.location]),
      [
        ['DB is mapped to database, which is a map in values.yaml: map it to a value below it', at('DB')],
        ['L is mapped to list, which is a list in values.yaml: map it to a value below it', at('L')],
      ],
    );
  });

  // The model: Helm's coalescing written out whole (maps merged, a null deletes, anything else replaces), then read.
  function coalesce(layers: unknown[]): unknown {
    const merge = (dst: unknown, src: unknown): unknown => {
      if (!isMap(dst) || !isMap(src)) return src;
      const out: Record<string, unknown> = { ...dst };
      for (const [k, v] of Object.entries(src)) {
        if (v === null) delete out[k];
        else out[k] = k in out ? merge(out[k], v) : v;
      }
      return out;
    };
    return layers.reduce((acc, layer) => (isMap(layer) ? merge(acc, layer) : acc), {});
  }
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const read = (tree: unknown, path: (string | number)[]): unknown =>
    path.reduce<unknown>(
      (node, seg) =>
        node !== null && typeof node === 'object' && Object.hasOwn(node, seg) && (typeof seg === 'number') === Array.isArray(node)
          ? (node as Record<string, unknown>)[seg]
          : undefined,
      tree,
    );

  test("property: a key's value is what the coalesced values hold at its path", () => {
    const name = fc.constantFrom('a', 'b', 'c');
    const leaf = fc.oneof(fc.constantFrom('x', 'y', '7', null), fc.integer({ min: 0, max: 99 }));
    const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.dictionary(name, tie('node'), { maxKeys: 3 }),
        fc.array(tie('node'), { maxLength: 2 }),
      ),
    })).node;
    const path = fc.array(fc.oneof(name, fc.nat({ max: 1 })), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(name, tree, { maxKeys: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(path, { minLength: 1, maxLength: 4 }),
        (layers, paths) => {
          const files = layers.map((layer, i) => values(`v${i}.yaml`, stringify(layer)));
          const keys = new Map(paths.map((p, i) => [`K${i}`, p] as const));
          const { entries, findings } = helmValuesEntries(files, keys, at);
          const merged = coalesce(layers);
          for (const [key, p] of keys) {
            const expected = read(merged, p);
            const entry = entries.find((e) => e.key === key);
            const problem = findings.find((f) => f.message.startsWith(`${key} `));
            if (expected === undefined || expected === null) assert.ok(!entry && !problem, `${key} at ${JSON.stringify(p)}`);
            else if (typeof expected === 'object')
              assert.ok(problem && !entry, `${key} at ${JSON.stringify(p)}: a ${Array.isArray(expected) ? 'list' : 'map'}`);
            else assert.equal(entry?.value, String(expected), `${key} at ${JSON.stringify(p)} in ${JSON.stringify(layers)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
