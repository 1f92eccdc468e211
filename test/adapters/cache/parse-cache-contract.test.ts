import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FileParseCache } from '../../../src/adapters/cache/file-parse-cache.js';
import type { ParseCache, ParseCacheKey } from '../../../src/ports/parse-cache.js';
import { MemoryParseCache } from '../../support/fakes/memory-parse-cache.js';

/** A place a cache keeps its entries in, and a new cache over it each time `open` is called (a new run). */
interface CacheUnderTest {
  open(): ParseCache;
}

const key = (inputs: string[], kind = 'lockfile-pair', version = 1): ParseCacheKey => ({ kind, version, inputs });
const VALUE = { changes: [{ name: 'left-pad', from: '1.0.0', to: '1.1.0', direct: true }], note: 'é ✓ \u2028', n: 0.1, none: null };

/** What every ParseCache must do, as `ports/parse-cache.ts` says. */
function parseCacheContract(name: string, make: () => CacheUnderTest): void {
  describe(`${name} parse cache contract`, () => {
    test('a value put is got back equal, by the same run and by a later one', async () => {
      const place = make();
      const run = place.open();
      await run.put(key(['a', 'b']), VALUE);
      assert.deepEqual(await run.get(key(['a', 'b'])), VALUE);
      await run.close();
      const later = place.open();
      assert.deepEqual(await later.get(key(['a', 'b'])), VALUE);
      await later.close();
    });

    test('a key differing in kind, version, any input or the order of inputs finds nothing', async () => {
      const place = make();
      const run = place.open();
      await run.put(key(['a', 'b']), VALUE);
      for (const other of [
        key(['a', 'b'], 'other-kind'),
        key(['a', 'b'], 'lockfile-pair', 2),
        key(['a', 'c']),
        key(['b', 'a']),
        key(['a', 'b', '']),
        key(['ab']),
      ]) {
        assert.equal(await run.get(other), undefined, JSON.stringify(other));
      }
      await run.close();
    });

    test('a put replaces the value of its key; what was got is a copy', async () => {
      const place = make();
      const run = place.open();
      await run.put(key(['k']), { v: 1 });
      const got = (await run.get(key(['k']))) as { v: number };
      got.v = 99;
      assert.deepEqual(await run.get(key(['k'])), { v: 1 });
      await run.put(key(['k']), { v: 2 });
      assert.deepEqual(await run.get(key(['k'])), { v: 2 });
      await run.close();
    });

    test('two runs putting one key at once both succeed, and the key holds one of their values', async () => {
      const place = make();
      const [one, two] = [place.open(), place.open()];
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).put(key(['same']), { writer: i % 2, big: 'x'.repeat(50_000) })));
      await Promise.all([one.close(), two.close()]);
      const got = (await place.open().get(key(['same']))) as { writer: number; big: string };
      assert.ok(got.writer === 0 || got.writer === 1);
      assert.equal(got.big.length, 50_000);
    });

    test('nothing put after close is kept', async () => {
      const place = make();
      const run = place.open();
      await run.close();
      await run.put(key(['late']), VALUE);
      assert.equal(await place.open().get(key(['late'])), undefined);
    });
  });
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

parseCacheContract('in-memory', () => {
  const entries = new Map<string, string>();
  return { open: () => new MemoryParseCache(entries) };
});
parseCacheContract('file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-cache-'));
  dirs.push(dir);
  return { open: () => new FileParseCache({ dir: join(dir, 'cache'), warn: (line) => assert.fail(line) }) };
});
