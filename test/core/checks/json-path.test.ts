import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseJsonPath, valueAt } from '../../../src/core/checks/json-path.js';

describe('parseJsonPath', () => {
  test('reads the documented forms: $, .name, [index], ["name"] and [\'name\']', () => {
    assert.deepEqual(parseJsonPath('$'), []);
    assert.deepEqual(parseJsonPath('$.a.b'), ['a', 'b']);
    assert.deepEqual(parseJsonPath('$.items[0].name'), ['items', 0, 'name']);
    assert.deepEqual(parseJsonPath('$["odd key"][\'x-id\'].x-request-id'), ['odd key', 'x-id', 'x-request-id']);
  });

  test('refuses what is not one of them: no $, a query, a filter, a wildcard, an unclosed bracket', () => {
    for (const path of ['a.b', '', '$..b', '$.items[*]', '$.items[?(@.x)]', '$.items[first]', '$["a"', '$.', '$[-1]']) {
      assert.equal(parseJsonPath(path), undefined, path);
    }
  });
});

describe('valueAt', () => {
  const document = { a: { b: 'v', nothing: null }, items: [{ name: 'n' }], 'odd key': true };
  test('finds the value a path names, null included', () => {
    assert.deepEqual(valueAt(document, parseJsonPath('$.items[0].name')!), { exists: true, value: 'n' });
    assert.deepEqual(valueAt(document, parseJsonPath('$.a.nothing')!), { exists: true, value: null });
    assert.deepEqual(valueAt(document, parseJsonPath('$["odd key"]')!), { exists: true, value: true });
    assert.deepEqual(valueAt(document, []), { exists: true, value: document });
  });

  test("an index reads only a list and a name only a map's own key", () => {
    for (const path of ['$.items[1]', '$.a[0]', '$.items.0', '$.a.b.length', '$.a.toString', '$.a.__proto__', '$.missing.b']) {
      assert.deepEqual(valueAt(document, parseJsonPath(path)!), { exists: false }, path);
    }
  });

  test('walks a document as deep as any answer may be without recursion', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    assert.deepEqual(valueAt(deep, parseJsonPath(`$${'.a'.repeat(100_000)}`)!), { exists: true, value: 'bottom' });
  });
});
