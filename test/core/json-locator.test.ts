import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { jsonLocation, jsonSyntaxErrorOffset } from '../../src/core/json-locator.js';

/** A JSON text with one character deleted, replaced or inserted: mostly no longer JSON, not always. */
const nearJson = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom('delete', 'replace', 'insert'), fc.constantFrom(...'{}[]",:0-1.eE+tfn \\u\n\t\u0001x'.split('')))
  .map(([json, at, edit, char]) => {
    const i = json.length ? at % json.length : 0;
    if (edit === 'delete') return json.slice(0, i) + json.slice(i + 1);
    if (edit === 'replace') return json.slice(0, i) + char + json.slice(i + 1);
    return json.slice(0, i) + char + json.slice(i);
  });

function parses(text: string): { ok: true } | { ok: false; message: string } {
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

describe('jsonSyntaxErrorOffset', () => {
  test('finds an error exactly when JSON.parse does, at the token JSON.parse names', () => {
    fc.assert(
      fc.property(nearJson, (text) => {
        const parsed = parses(text);
        const offset = jsonSyntaxErrorOffset(text);
        if (parsed.ok) return assert.equal(offset, undefined, text);
        assert.ok(offset !== undefined && offset <= text.length, `${JSON.stringify(text)}: ${parsed.message}`);
        const token = /^Unexpected token '(.)'/su.exec(parsed.message)?.[1];
        if (token !== undefined) assert.equal(text[offset], token, `${JSON.stringify(text)}: ${parsed.message}, found at ${offset}`);
        if (parsed.message.startsWith('Unexpected end')) assert.equal(offset, text.length, JSON.stringify(text));
        const said = /at position (\d+)/.exec(parsed.message)?.[1];
        if (said !== undefined && !/number|fractional|[Ee]xponent/.test(parsed.message))
          assert.equal(offset, Number(said), `${JSON.stringify(text)}: ${parsed.message}`);
      }),
      { numRuns: 3000 },
    );
  });

  test('an unexpected end is at the end of the text', () => {
    assert.equal(jsonSyntaxErrorOffset('{"a": [1, 2'), 11);
    assert.equal(jsonSyntaxErrorOffset('"abc'), 4);
    assert.equal(jsonSyntaxErrorOffset(''), 0);
  });
});

describe('jsonLocation', () => {
  const source = '{\n  "a": {\n    "b": [10, {"c": true}],\n    "b": [20]\n  }\n}';
  test('locates values and keys by path; of a member written twice, the one JSON.parse keeps', () => {
    assert.deepEqual(jsonLocation(source, ['a', 'b', 0]), { line: 4, column: 11 });
    assert.deepEqual(jsonLocation(source, ['a', 'b'], 'key'), { line: 4, column: 5 });
    assert.deepEqual(jsonLocation(source, []), { line: 1, column: 1 });
  });
  test('a path that leads nowhere locates the deepest node on it', () => {
    assert.deepEqual(jsonLocation(source, ['a', 'x', 'y']), { line: 2, column: 8 });
    assert.deepEqual(jsonLocation(source, ['a', 'b', 5]), { line: 4, column: 10 });
  });
});
