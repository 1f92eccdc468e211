import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonMember } from '../../../src/core/deps/read-json-member.js';

/** The members of the object `text` opens with, read one after another, as [key, value] texts. */
function members(text: string): Array<[string, string]> | undefined {
  const found: Array<[string, string]> = [];
  for (let at = text.indexOf('"'); ; ) {
    const member = readJsonMember(text, at);
    if (!member) return undefined;
    found.push([member.rawKey, text.slice(member.valueStart, member.valueEnd)]);
    if (member.last) {
      assert.equal(text[member.next], '}');
      return found;
    }
    at = member.next;
  }
}

test('skips over values without being fooled by brackets and quotes inside strings', () => {
  const text = '{ "a" : "x}\\"]" ,\n "b\\"c":{"d":["}",{"e":"\\\\"}]},"f":-1.5e3,\t"g":true , "h" :null}';
  assert.deepEqual(members(text), [
    ['"a"', '"x}\\"]"'],
    ['"b\\"c"', '{"d":["}",{"e":"\\\\"}]}'],
    ['"f"', '-1.5e3'],
    ['"g"', 'true'],
    ['"h"', 'null'],
  ]);
  // Every value it finds is exactly one JSON value.
  for (const [key, value] of members(text) ?? []) assert.doesNotThrow(() => JSON.parse(`{${key}:${value}}`));
});

test('says nothing of text not shaped like members', () => {
  for (const text of ['{"a" "b"}', '{"a": {"b": 1}', '{"a": "b', '{"a": 1 "b": 2}', '{"a": [1, 2}', '{a: 1}', '{"a": }']) {
    assert.equal(members(text), undefined, text);
  }
});
