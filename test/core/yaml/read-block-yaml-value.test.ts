import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { readBlockYamlValue } from '../../../src/core/yaml/read-block-yaml.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpus = process.env.TRANCHE_OASDIFF_CORPUS ?? resolve(root, '../shared/corpora/oasdiff');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** An accepted document must be one `yaml` reads without an error, to the same value, keys in the same order. */
function assertParity(text: string, value: unknown): void {
  const doc = parseDocument(text, { uniqueKeys: false });
  const shown = JSON.stringify(text.slice(0, 200));
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    `accepted a document yaml rejects: ${shown}`,
  );
  const expected = doc.toJS();
  assert.deepEqual(value, expected, `values differ on ${shown}`);
  assert.equal(JSON.stringify(value), JSON.stringify(expected), `key order differs on ${shown}`);
}

describe('readBlockYamlValue', () => {
  test('reads the specs of the oasdiff corpus it accepts to exactly the value yaml gives', () => {
    const files = yamlFiles(join(corpus, 'data'));
    assert.ok(files.length > 150, `YAML specs found: ${files.length}`);
    let accepted = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const value = readBlockYamlValue(text);
      if (value === undefined) continue;
      accepted++;
      assertParity(text, value);
    }
    // Measured: the specs without block scalars, multi-line scalars or anchors.
    assert.ok(accepted >= 130, `accepted ${accepted} of ${files.length}`);
  });

  test('reads a spec as yaml writes it, paths and $refs as keys', () => {
    const spec = {
      openapi: '3.0.3',
      info: { title: 'pets', version: '1' },
      paths: {
        '/pets/{id}': {
          get: {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
          },
        },
      },
      components: { schemas: { Pet: { type: 'object', 'x-go-name': 'Pet', properties: { id: { type: 'integer', format: 'int64' } } } } },
    };
    const text = stringify(spec);
    assert.ok(text.includes('/pets/{id}:') && text.includes('$ref:'));
    assert.deepEqual(readBlockYamlValue(text), spec);
  });

  test('agrees with yaml on any block key written plain, whenever it accepts one', () => {
    let accepted = 0;
    const keyChars = fc.constantFrom(...'abz09_-./{}$~@!&*|>%`\'"?:#,[]<= \\'.split(''));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: keyChars, minLength: 1, maxLength: 8 }), fc.constantFrom('1', 'x', '', '"q"', '[a, b]')), {
          minLength: 1,
          maxLength: 4,
        }),
        (entries) => {
          const text = `${entries.map(([key, value]) => `${key}:${value ? ` ${value}` : ''}`).join('\n')}\n`;
          const value = readBlockYamlValue(text);
          if (value === undefined) return;
          accepted++;
          assertParity(text, value);
        },
      ),
      { numRuns: 3000 },
    );
    assert.ok(accepted > 150, `accepted only ${accepted} of 3000`);
  });

  test('reads any spec-shaped JSON value yaml writes without multi-line text to that value', () => {
    const key = fc.oneof(
      fc.constantFrom('/a/{id}', '$ref', 'x-name', 'application/json', '200', 'default', 'true', 'null', '1.5', '__proto__', 'a b'),
      fc.string({ maxLength: 6 }),
    );
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    let accepted = 0;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), (doc) => {
        const text = stringify(doc);
        const value = readBlockYamlValue(text);
        if (value === undefined) return;
        accepted++;
        assertParity(text, value);
      }),
      { numRuns: 2000 },
    );
    assert.ok(accepted > 500, `accepted only ${accepted} of 2000`);
  });
});
