import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { lineColumn } from '../../src/core/json-locator.js';
import { jsonTooDeepOffset, MAX_NESTING, tooDeepPath } from '../../src/core/nesting.js';
import { yamlTooDeepOffset } from '../../src/core/yaml/parse-document-bounded.js';

/** A value `levels` collections deep, each a list or a map as `kinds` says (cycled), with a sibling scalar at each level. */
function nested(levels: number, kinds: readonly boolean[]): unknown {
  let value: unknown = 'leaf';
  for (let i = levels - 1; i >= 0; i--) value = kinds[i % kinds.length] ? [1, value] : { k: 1, [`n${i}`]: value };
  return value;
}

describe('one limit, one definition: collections inside one another, the outermost at level 1', () => {
  test('property: data, its JSON and its YAML (block and flow) are refused exactly past MAX_NESTING', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_NESTING + 40 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (levels, kinds) => {
        const value = nested(levels, kinds);
        const tooDeep = levels > MAX_NESTING;
        assert.equal(tooDeepPath(value) !== undefined, tooDeep);
        assert.equal(jsonTooDeepOffset(JSON.stringify(value)) !== undefined, tooDeep);
        assert.equal(yamlTooDeepOffset(stringify(value)) !== undefined, tooDeep, 'block YAML');
        assert.equal(yamlTooDeepOffset(stringify(value, { collectionStyle: 'flow' })) !== undefined, tooDeep, 'flow YAML');
      }),
      { numRuns: 150 },
    );
  });

  test('the place reported is where level 257 opens: a path, an offset, a line and column', () => {
    const value = nested(300, [false]);
    const path = tooDeepPath(value)!;
    assert.equal(path.length, MAX_NESTING);
    assert.deepEqual(path.slice(0, 2), ['n0', 'n1']);
    const json = JSON.stringify(value);
    const offset = jsonTooDeepOffset(json)!;
    assert.equal(json[offset], '{');
    assert.equal(json.slice(0, offset).split('{').length - 1, MAX_NESTING);
    // Two lines a level (`k: 1`, then the next key), two spaces of indentation: level 257 opens on line 513, column 513.
    const yaml = stringify(value);
    assert.deepEqual(lineColumn(yaml, yamlTooDeepOffset(yaml)!), { line: 2 * MAX_NESTING + 1, column: 2 * MAX_NESTING + 1 });
  });

  test('brackets inside JSON strings, and a pair in a YAML flow list (a map of its own), count as they should', () => {
    assert.equal(jsonTooDeepOffset(`{"a":"${'['.repeat(1000)}"}`), undefined);
    assert.equal(jsonTooDeepOffset(`{"a":"\\"${'['.repeat(1000)}"}`), undefined);
    // `a: b` in a flow list is a map of one pair, one level below the list.
    const inLists = (lists: number, item: string) => `${'['.repeat(lists)}${item}${']'.repeat(lists)}`;
    assert.equal(yamlTooDeepOffset(inLists(MAX_NESTING - 1, 'a: b')), undefined);
    assert.equal(yamlTooDeepOffset(inLists(MAX_NESTING, 'a')), undefined);
    assert.equal(yamlTooDeepOffset(inLists(MAX_NESTING, 'a: b')), MAX_NESTING);
  });

  test('a node shared by aliases is walked in about its size, a cycle is not followed', () => {
    let shared: unknown = { leaf: true };
    for (let i = 0; i < 40; i++) shared = { a: shared, b: shared };
    assert.equal(tooDeepPath(shared), undefined, '2^40 paths, 41 levels');
    const cycle: Record<string, unknown> = { name: 'tree' };
    cycle.children = [cycle];
    assert.equal(tooDeepPath(cycle), undefined);
  });
});
