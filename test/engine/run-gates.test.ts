import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { RealCheckRunner } from '../../src/adapters/checks/real-check-runner.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { SqliteStore } from '../../src/adapters/stores/sqlite-store.js';
import type { Liveness } from '../../src/core/checks/liveness.js';
import type { Batch } from '../../src/core/plan/plan.js';
import { resolveService } from '../../src/engine/resolve-service.js';
import { runGates, type GateContext } from '../../src/engine/run-gates.js';
import type { Clock } from '../../src/ports/clock.js';
import { revision } from '../support/fleet-builder.js';
import { testFingerprints } from '../support/fingerprints.js';
import { holdLock } from '../support/held-store.js';
import { emptyPlan } from '../core/plan/plan-fixture.js';

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

async function bake(stepMs: number, bakeMs: number, signal?: AbortSignal) {
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
  const sqlite = new SqliteStore(':memory:');
  await sqlite.migrate();
  const store = (await holdLock(sqlite, 'dev')).fenced;
  await store.createRelease({
    id: 'r1',
    kind: 'release',
    env: 'dev',
    status: 'running',
    toCommit: fleet.commit,
    by: { user: 'test', host: 'test', pid: 1 },
    startedAt: new Date().toISOString(),
    plan: emptyPlan(),
  });
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
    ...(signal ? { signal } : {}),
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

describe('runGates stopped by an operator', () => {
  test('a stop during the bake ends the gates at once, deciding nothing and recording no failure', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const { outcome, elapsed, records } = await bake(0, 60_000, stop.signal);
    assert.deepEqual(outcome, { ok: false, lyingHealth: [], stopped: true });
    assert.ok(elapsed < 30_000, `the gates waited ${Math.round(elapsed)} ms: the bake was not cut short`);
    assert.deepEqual(
      records.filter((r) => !r.ok),
      [],
      'no check was recorded as failed',
    );
    assert.deepEqual([...new Set(records.map((r) => r.gate))], ['health', 'sanity'], 'what passed before the stop is recorded');
  });
});

// The process is a gate of its own: what the driver tells of it is scripted here (the local driver
// telling it from real processes and ports is tested in test/adapters/drivers and test/cli/liveness),
// the checks run against a real HTTP server that answers whatever becomes of the process.

const TOKEN = 'tok-3f9a61c2e8';

/** `svc` as gates see it: health and sanity against the real server, TOKEN a secret from an untracked dotenv. */
function service() {
  const fleet = {
    ...revision(
      {
        version: 1,
        name: 'gates',
        environments: { dev: { driver: 'local' } },
        services: {
          svc: {
            path: 'services/svc',
            address: { dev: `http://127.0.0.1:${port}` },
            config: { schema: { TOKEN: { type: 'string', secret: true } }, sources: [{ dotenv: 'deploy/{env}.env' }] },
            checks: { health: { http: { path: '/health' } }, sanity: [{ name: 'work', http: { path: '/nowhere' } }] },
          },
        },
      },
      { 'services/svc/deploy/dev.env': `TOKEN=${TOKEN}\n` },
      ['services/svc/deploy/dev.env'],
    ),
    commit: 'c'.repeat(40),
  };
  return resolveService(fleet, 'svc', 'dev', testFingerprints);
}

/** Runs the gates of one batch of `svc` with the process answering `answers` in turn (the last one from then on). */
async function gated(answers: Liveness[], options: { bakeMs?: number; healthTimeoutMs?: number; sanity?: boolean } = {}) {
  const svc = service();
  if (options.sanity === false) svc.service.checks = { health: (svc.service.checks as { health: unknown }).health } as typeof svc.service.checks;
  else (svc.service.checks as { sanity: { http: { path: string } }[] }).sanity[0]!.http.path = options.sanity ? '/work' : '/nowhere';
  const batch: Batch = {
    index: 1,
    kind: 'code',
    services: ['svc'],
    steps: [],
    gates: { health: ['svc'], sanity: { svc: ['work'] }, bakeMs: options.bakeMs ?? 0 },
    reasons: [],
  };
  const sqlite = new SqliteStore(':memory:');
  await sqlite.migrate();
  const store = (await holdLock(sqlite, 'dev')).fenced;
  await store.createRelease({
    id: 'r1',
    kind: 'release',
    env: 'dev',
    status: 'running',
    toCommit: 'c'.repeat(40),
    by: { user: 'test', host: 'test', pid: 1 },
    startedAt: new Date().toISOString(),
    plan: emptyPlan(),
  });
  let asked = 0;
  const ctx: GateContext = {
    checks: new RealCheckRunner(),
    clock: systemClock,
    store,
    releaseId: 'r1',
    fleetRoot: '/nonexistent',
    emit: () => undefined,
    healthTimeoutMs: options.healthTimeoutMs ?? 2_000,
    liveness: async () => answers[Math.min(asked++, answers.length - 1)]!,
  };
  const outcome = await runGates(batch, new Map([['svc', svc]]), ctx);
  const records = await store.checks('r1');
  await store.close();
  return { outcome, records, asked };
}

const UP: Liveness = { state: 'up', pid: 4242, port: 8080 };
const EXITED: Liveness = { state: 'exited', pid: 4242, code: 3, lastLines: ['starting', `fatal: TOKEN=${TOKEN} refused`], logFile: '/srv/svc/service.log' };

describe('runGates with the process as a gate', () => {
  test('health that something answers while the process has exited fails as check/exited, with its code and log, the secret masked', async () => {
    const { outcome, records } = await gated([EXITED], { sanity: true });
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.lyingHealth, []);
    assert.deepEqual(
      { rule: outcome.failure?.rule, gate: outcome.failure?.gate, check: outcome.failure?.check },
      { rule: 'check/exited', gate: 'health', check: 'process' },
    );
    assert.equal(outcome.failure?.headline, "svc's process (pid 4242) exited with code 3");
    assert.equal(
      outcome.failure?.message,
      "svc's process (pid 4242) exited with code 3; last lines of its log (/srv/svc/service.log):\n  starting\n  fatal: TOKEN=[secret] refused",
    );
    assert.deepEqual(
      records.map((r) => [r.gate, r.name, r.ok]),
      [
        ['health', 'health', true],
        ['health', 'process', false],
      ],
    );
    assert.ok(!records.some((r) => r.message.includes(TOKEN)));
  });

  test('a sanity failure beside a process that died is check/exited, not a lying health check', async () => {
    const { outcome } = await gated([UP, EXITED]);
    assert.deepEqual(
      { ok: outcome.ok, rule: outcome.failure?.rule, gate: outcome.failure?.gate, lying: outcome.lyingHealth },
      { ok: false, rule: 'check/exited', gate: 'sanity', lying: [] },
    );
  });

  test('a sanity failure while the process is up is the lying health check it always was', async () => {
    const { outcome } = await gated([UP]);
    assert.deepEqual(
      { ok: outcome.ok, rule: outcome.failure?.rule, check: outcome.failure?.check, lying: outcome.lyingHealth },
      { ok: false, rule: 'check/failed', check: 'work', lying: ['svc'] },
    );
  });

  test('another process on its port is check/port-in-use naming it, though every check passes', async () => {
    const { outcome } = await gated([{ state: 'port-in-use', port: 8080, pid: 4242, holder: 777, holderName: 'nginx' }], { sanity: true });
    assert.equal(outcome.failure?.rule, 'check/port-in-use');
    assert.equal(outcome.failure?.message, "port 8080 of svc is held by another process: pid 777 (nginx), not by svc's process (pid 4242)");
    assert.equal(outcome.failure?.hint, 'stop pid 777, or give svc a port of its own');
  });

  test('a starting process (not listening yet) is waited for, and the gates pass once it listens', async () => {
    const { outcome, records, asked } = await gated(
      [{ state: 'not-listening', pid: 4242, port: 8080 }, { state: 'not-listening', pid: 4242, port: 8080 }, UP],
      { sanity: true },
    );
    assert.equal(outcome.ok, true, outcome.failure?.message);
    assert.ok(asked >= 4, `asked ${asked} times`);
    assert.deepEqual(
      records.filter((r) => r.name === 'process').map((r) => [r.ok, r.message]),
      [[true, 'pid 4242 is alive and listens on port 8080']],
    );
  });

  test('a process that never listens on its port while its health passes fails when the time is over: what answered is not the service', async () => {
    const { outcome } = await gated([{ state: 'not-listening', pid: 4242, port: 8080 }], { sanity: true, healthTimeoutMs: 150 });
    assert.equal(outcome.failure?.rule, 'check/failed');
    assert.match(outcome.failure?.message ?? '', /^svc's process \(pid 4242\) does not listen on port 8080, and nothing else on this machine does/);
  });

  test('a process that dies during the bake fails the bake as check/exited, while its checks still pass', async () => {
    const { outcome, records } = await gated([UP, UP, UP, EXITED], { sanity: true, bakeMs: 2_000 });
    assert.deepEqual({ rule: outcome.failure?.rule, gate: outcome.failure?.gate }, { rule: 'check/exited', gate: 'bake' });
    assert.ok(
      records.filter((r) => r.gate === 'bake' && r.name === 'work').every((r) => r.ok),
      'the checks passed: something answered them',
    );
  });

  test('a driver that cannot tell (unknown): the checks alone decide, and no process is recorded', async () => {
    const { outcome, records } = await gated([{ state: 'unknown' }], { sanity: true });
    assert.equal(outcome.ok, true);
    assert.deepEqual(
      records.filter((r) => r.name === 'process'),
      [],
    );
  });
});
