import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { keepIndexKeysSparse, sparseIndexKeysDeep } from '../../src/core/sparse-index-keys.js';
import { parseSpecText } from '../../src/core/contracts/load-open-api.js';
import { resolveRefs } from '../../src/core/contracts/resolve-refs.js';

setFlagsFromString('--allow-natives-syntax');
/** V8's own answer: whether the object keeps its index keys in a dictionary. */
const dictionaryElements = new Function('o', 'return %HasDictionaryElements(o)') as (o: object) => boolean;

describe('sparse index keys', () => {
  it('keep every key, value and the key order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.nat({ max: 5000 }).map(String), fc.string()), fc.jsonValue())).map(Object.fromEntries),
        fc.boolean(),
        (entries, deep) => {
          const copy = structuredClone(entries);
          if (deep) sparseIndexKeysDeep(copy);
          else keepIndexKeysSparse(copy);
          assert.deepEqual(Object.keys(copy), Object.keys(entries));
          assert.deepEqual(copy, entries);
        },
      ),
    );
  });

  it('cost one pass over a map of many keys, named ones and ones starting with a digit', { timeout: 30_000 }, () => {
    // Asking the map at each key whether it holds an index key listed all its keys each time:
    // two minutes for this map, a quadratic cost any file could ask for. The timeout tells.
    const keys = [...Array.from({ length: 20_000 }, (_, i) => `k${i}`), ...Array.from({ length: 20_000 }, (_, i) => `${i}a`), '200', '404'];
    const block = `paths:\n${keys.map((k) => `  ${k}: x`).join('\n')}\n`;
    const literal = `${block}tail: |\n  forces js-yaml\n`;
    for (const text of [block, literal]) {
      const paths = (parseSpecText(text) as { paths: Record<string, unknown> }).paths;
      assert.equal(Object.keys(paths).length, keys.length);
      assert.equal(dictionaryElements(paths), true);
      assert.equal(Object.keys(resolveRefs(paths) as object).length, keys.length);
    }
  });

  it('hold status codes in a dictionary whichever reader parsed the spec', () => {
    const block =
      "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404':\n          description: gone\n        200:\n          description: ok\n";
    const literal = block.replace('description: gone', 'description: |\n            gone');
    const anchored = block.replace('description: gone', 'description: &d gone').replace('description: ok', 'description: *d');
    for (const text of [block, literal, anchored]) {
      const responses = (parseSpecText(text) as { paths: { '/a': { get: { responses: object } } } }).paths['/a'].get.responses;
      assert.deepEqual(Object.keys(responses), ['200', '404']);
      assert.equal(dictionaryElements(responses), true, text);
    }
    const assigned: Record<string, unknown> = {};
    assigned['404'] = 1;
    assert.equal(dictionaryElements(assigned), false, 'V8 keeps a lone 404 in an array of its own: nothing to fix otherwise');
  });
});
