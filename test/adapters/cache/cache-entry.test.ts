import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeEntry, encodeEntry } from '../../../src/adapters/cache/cache-entry.js';
import type { ParseCacheKey } from '../../../src/ports/parse-cache.js';

const KEY: ParseCacheKey = { kind: 'lockfile-pair', version: 1, inputs: ['svc/package-lock.json', 'a'.repeat(40), ''] };
const jsonValue = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

test('an entry reads back as exactly the value written, for its key only', () => {
  fc.assert(
    fc.property(jsonValue, (value) => {
      const bytes = encodeEntry(KEY, value)!;
      assert.deepEqual(decodeEntry(bytes, KEY), { value });
      assert.equal(decodeEntry(bytes, { ...KEY, version: 2 }), undefined);
      assert.equal(decodeEntry(bytes, { ...KEY, inputs: [...KEY.inputs, ''] }), undefined);
    }),
  );
});

test('any bytes read as nothing or as the exact value written, never a throw', () => {
  const written = { changes: [{ name: 'left-pad', from: '1.0.0', to: '1.1.0' }] };
  const entry = encodeEntry(KEY, written)!;
  // Arbitrary bytes, and an entry cut short, with bytes flipped, or with bytes added.
  const damaged = fc.oneof(
    fc.uint8Array({ maxLength: 400 }),
    fc.nat(entry.length - 1).map((n) => entry.subarray(0, n)),
    fc.tuple(fc.nat(entry.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
      const copy = Buffer.from(entry);
      copy[at]! ^= x;
      return copy;
    }),
    fc.uint8Array({ minLength: 1, maxLength: 20 }).map((tail) => Buffer.concat([entry, tail])),
  );
  fc.assert(
    fc.property(damaged, (bytes) => {
      const read = decodeEntry(bytes, KEY);
      if (read !== undefined) assert.deepEqual(read.value, written);
    }),
    { numRuns: 2000 },
  );
  assert.deepEqual(decodeEntry(entry, KEY), { value: written });
});

test("an entry's key names the tranche that wrote it: another version's entry is another key", () => {
  const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const bytes = encodeEntry(KEY, { changes: [] })!;
  const keyLine = JSON.parse(bytes.toString('utf8').split('\n')[1]!) as unknown[];
  assert.deepEqual(keyLine, [version, KEY.kind, KEY.version, ...KEY.inputs]);
  // The same entry as an older tranche would have written it is not this key's.
  const older = Buffer.from(bytes.toString('utf8').replace(JSON.stringify(version), JSON.stringify(`${version}-older`)));
  assert.equal(decodeEntry(older, KEY), undefined);
});
