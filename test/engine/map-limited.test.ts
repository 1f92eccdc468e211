import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { mapLimited } from '../../src/engine/map-limited.js';

test('mapLimited runs at most `limit` at once and keeps the order of its items', async () => {
  let running = 0;
  let most = 0;
  const results = await mapLimited([50, 10, 30, 0, 20, 5, 40], 3, async (ms) => {
    running++;
    most = Math.max(most, running);
    await delay(ms);
    running--;
    return ms * 2;
  });
  assert.deepEqual(results, [100, 20, 60, 0, 40, 10, 80]);
  assert.equal(most, 3);
  assert.deepEqual(await mapLimited([], 3, async () => 1), []);
  await assert.rejects(
    mapLimited([1, 2], 2, async (n) => (n === 2 ? Promise.reject(new Error('two')) : n)),
    /two/,
  );
});
