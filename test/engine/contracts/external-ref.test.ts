import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hasExternalRef } from '../../../src/engine/contracts/contract-sources.js';

/** The pattern as docs/contracts.md states it: a `$ref` key whose value does not start with `#`. */
const EXTERNAL_REF_TEXT = /\$ref["']?\s*:\s*["']?[^"'#\s]/;

/** Texts made of what decides the pattern: `$ref`, quotes, ASCII and Unicode spaces, colons, `#`, other characters. */
const pieces = fc.constantFrom('$ref', '$re', '"', "'", ' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u3000', ':', '#', 'a', '/', 'é', '😀', '.');
const text = fc.array(pieces, { maxLength: 14 }).map((parts) => parts.join(''));

test('tells from the bytes exactly what the pattern says of the text', () => {
  fc.assert(
    fc.property(text, (t) => {
      assert.equal(hasExternalRef(Buffer.from(t, 'utf8')), EXTERNAL_REF_TEXT.test(t), JSON.stringify(t));
    }),
    { numRuns: 5000 },
  );
});

test('finds an external reference among internal ones, in JSON and YAML', () => {
  const cases: [string, boolean][] = [
    ['$ref: "#/components/schemas/A"\n$ref: common.yaml#/B', true],
    ['{"$ref": "#/a", "x": {"$ref":"#/b"}}', false],
    ['{"$ref" :  \'other.json\'}', true],
    ['$ref:\u00a0other.yaml', true],
    ['$ref: \u00a0#/a', false],
    ['$ref', false],
    ['$ref:', false],
    ['no reference at all', false],
  ];
  for (const [t, expected] of cases) assert.equal(hasExternalRef(Buffer.from(t)), expected, t);
});
