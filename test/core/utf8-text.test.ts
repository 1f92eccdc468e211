import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeUtf8, firstInvalidUtf8, isUtf8Text } from '../../src/core/utf8-text.js';

/** The platform's own strict decoder, as an independent judge of what is UTF-8. */
const judge = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const isUtf8 = (bytes: Uint8Array) => {
  try {
    judge.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Bytes that are mostly text with, at times, a byte or a sequence that is not: the interesting mix. */
const mixed = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }).map((s) => [...Buffer.from(s, 'utf8')]),
      fc.constant([0x0a]),
      fc.integer({ min: 0x80, max: 0xff }).map((b) => [b]),
      fc.constantFrom([0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe0, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98], [0xe2, 0x82]),
    ),
    { maxLength: 30 },
  )
  .map((parts) => Uint8Array.from(parts.flat()));

describe('decodeUtf8', () => {
  test('any bytes give either the text the platform decodes, or the first byte that starts no character, located', () => {
    fc.assert(
      fc.property(fc.oneof(mixed, fc.uint8Array({ maxLength: 40 })), (bytes) => {
        const result = decodeUtf8(bytes);
        if (isUtf8(bytes)) {
          assert.deepEqual(result, { text: judge.decode(bytes) });
          return;
        }
        assert.ok('notUtf8' in result, 'bytes the platform refuses are never text');
        const { offset, line, column } = result.notUtf8;
        // Everything before it is UTF-8, and no well-formed character (1 to 4 bytes) starts at it.
        assert.ok(isUtf8(bytes.subarray(0, offset)), `the bytes before ${offset} are text`);
        for (let length = 1; length <= 4 && offset + length <= bytes.length; length++)
          assert.ok(!isUtf8(bytes.subarray(offset, offset + length)), `no character of ${length} bytes starts at ${offset}`);
        // Its line and column, counted in the text before it.
        const before = judge.decode(bytes.subarray(0, offset)).split('\n');
        assert.equal(line, before.length);
        assert.equal(column, before.at(-1)!.length + 1);
      }),
      { numRuns: 2000 },
    );
  });

  test("Node's quick check (which readers use before keeping bytes undecoded) agrees with it on any bytes", () => {
    fc.assert(
      fc.property(fc.oneof(mixed, fc.uint8Array({ maxLength: 40 })), (bytes) => {
        assert.equal(isUtf8Text(bytes), 'text' in decodeUtf8(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  test('keeps a byte order mark, as the readers expect it', () => {
    assert.deepEqual(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41])), { text: '\ufeffA' });
  });

  test('locates a Latin-1 byte on a later line, its column in characters', () => {
    const bytes = Buffer.concat([Buffer.from('A=1\nNAME=café-'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]);
    assert.deepEqual(decodeUtf8(bytes), { notUtf8: { offset: 15, line: 2, column: 11 } });
  });

  test('refuses overlong forms, surrogates, code points above U+10FFFF and cut sequences', () => {
    for (const bad of [
      [0xc0, 0x80],
      [0xe0, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xe2, 0x82],
    ]) {
      assert.equal(firstInvalidUtf8(Uint8Array.from([0x41, ...bad])), 1, bad.map((b) => b.toString(16)).join(' '));
    }
    assert.equal(firstInvalidUtf8(Buffer.from('ok \u{1f600} \u00e9 \uffff')), -1);
  });
});
