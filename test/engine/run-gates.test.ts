import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { RealCheckRunner } from '../../src/adapters/checks/real-check-runner.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { SqliteStore } from '../../src/adapters/stores/sqlite-store.js';
import type { Batch } from '../../src/core/plan/plan.js';
import { resolveService } from '../../src/engine/resolve-service.js';
import { runGates } from '../../src/engine/run-gates.js';
import type { Clock } from '../../src/ports/clock.js';
import { revision } from '../support/fleet-builder.js';
import { testFingerprints } from '../support/fingerprints.js';

// The gates of a batch against a real HTTP service, with a wall clock stepped in the middle of the
// bake, as NTP or an operator does: durations must not move with it.

const HOUR = 3_600_000;
let server: Server;
let port = 0;

before(async () => {
  server = createServer((req, res) => res.writeHead(req.url === '/health' || req.url === '/work' ? 200 : 404).end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The real clock, but for a wall clock that jumps by `stepMs` once the bake has begun. */
function steppedClock(stepMs: number): Clock & { stepped: boolean } {
  let offset = 0;
  const clock = {
    stepped: false,
    now: () => new Date(Date.now() + offset),
    monotonic: systemClock.monotonic,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (!clock.stepped) {
        offset += stepMs;
        clock.stepped = true;
      }
      await systemClock.sleep(ms, signal);
    },
  };
  return clock;
}

async function bake(stepMs: number, bakeMs: number) {
  const fleet = {
    ...revision({
      version: 1,
      name: 'gates',
      environments: { dev: { driver: 'local' } },
      services: {
        svc: {
          path: 'services/svc',
          address: { dev: `http://127.0.0.1:${port}` },
          config: { schema: {} },
          checks: { health: { http: { path: '/health' } }, sanity: [{ name: 'work', http: { path: '/work' } }] },
        },
      },
    }),
    commit: 'c'.repeat(40),
  };
  const service = resolveService(fleet, 'svc', 'dev', testFingerprints);
  const batch: Batch = { index: 1, kind: 'code', services: ['svc'], steps: [], gates: { health: ['svc'], sanity: { svc: ['work'] }, bakeMs }, reasons: [] };
  const store = new SqliteStore(':memory:');
  await store.migrate();
  await store.createRelease({ id: 'r1', kind: 'release', env: 'dev', status: 'running', toCommit: fleet.commit, by: { user: 'test', host: 'test', pid: 1 }, startedAt: new Date().toISOString(), plan: {} });
  const clock = steppedClock(stepMs);
  const started = performance.now();
  const outcome = await runGates(batch, new Map([['svc', service]]), {
    checks: new RealCheckRunner(),
    clock,
    store,
    releaseId: 'r1',
    fleetRoot: '/nonexistent',
    emit: () => undefined,
    healthTimeoutMs: 2_000,
  });
  const elapsed = performance.now() - started;
  const records = await store.checks('r1');
  await store.close();
  return { outcome, elapsed, records, stepped: clock.stepped };
}

describe('runGates with a stepped wall clock', () => {
  test('a bake of 1.5 s lasts 1.5 s when the wall clock jumps two hours ahead during it', async () => {
    const { outcome, elapsed, records, stepped } = await bake(2 * HOUR, 1_500);
    assert.equal(stepped, true, 'the clock was stepped during the bake');
    assert.equal(outcome.ok, true);
    assert.ok(elapsed >= 1_500, `the bake ended after ${Math.round(elapsed)} ms`);
    assert.ok(elapsed < 4_000, `the bake took ${Math.round(elapsed)} ms`);
    const bakes = records.filter((r) => r.gate === 'bake');
    assert.ok(bakes.length >= 2, `sanity re-ran during the bake (${bakes.length} times)`);
    // Records keep the wall-clock time, jump included: that is what a person reads them against.
    assert.ok(Date.parse(bakes.at(-1)!.at) - Date.now() > HOUR, 'records carry the wall clock');
  });

  test('a bake of 1.5 s lasts 1.5 s when the wall clock jumps two hours back during it', async () => {
    const { outcome, elapsed, stepped } = await bake(-2 * HOUR, 1_500);
    assert.equal(stepped, true);
    assert.equal(outcome.ok, true);
    assert.ok(elapsed >= 1_500 && elapsed < 4_000, `the bake took ${Math.round(elapsed)} ms`);
  });
});
