import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { engineFor, ENV, V1, V2, type Engine } from '../support/engine-harness.js';

// A batch's gates in-process: health, sanity and bake on the ManualClock; the process itself as
// the FakeDriver tells it.

const rules = async (e: Engine) => (await e.store.findings((await e.latest()).id)).map((f) => `${f.rule} ${f.severity} ${f.service ?? ''}`.trim());
/** `service`'s check `name` fails while the service runs V2 (and passes on V1, so that a rollback is healthy). */
const failsOnV2 = (e: Engine, service: string, name: string) => e.checks.script(service, name, () => e.driver.versions(ENV)[service] !== V2);

describe('rollout engine: gates', () => {
  test('a health check that never passes fails the batch once the health timeout is over on the clock, and the batch is rolled back', async () => {
    const e = await engineFor({ services: [{ name: 'a' }, { name: 'b' }] });
    failsOnV2(e, 'a', 'health');
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.summary, /^batch 1 failed \(a: health check "health" failed: HTTP 500\); batch 1 was rolled back$/);
    assert.ok(e.clock.monotonic() >= 1_000, `health was polled for ${e.clock.monotonic()} ms of the clock`);
    assert.ok(e.checks.ran('a').filter((n) => n === 'health').length > 10, 'polled, not asked once');
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`, `↩a@${V1}`], 'b never deployed');
    assert.deepEqual(e.driver.versions(ENV), { a: V1, b: V1 });
    assert.deepEqual(await e.recorded(), { a: V1, b: V1 });
    assert.deepEqual(await rules(e), ['check/failed error a']);
  });

  test('a health check that passes after a few tries lets the batch go on', async () => {
    const e = await engineFor({ services: [{ name: 'a' }] });
    e.checks.script('a', 'health', ({ attempt }) => attempt >= 4);
    assert.equal((await e.apply()).status, 'succeeded');
    const health = (await e.store.checks((await e.latest()).id)).filter((c) => c.gate === 'health' && c.name === 'health');
    assert.deepEqual(
      health.map((c) => c.ok),
      [true],
      'the passing run is recorded',
    );
  });

  test('a sanity check that fails beside a passing health check fails the batch and is called a lying health check', async () => {
    const e = await engineFor({ services: [{ name: 'a', sanity: ['orders load'] }] });
    failsOnV2(e, 'a', 'orders load');
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.summary, /a: sanity check "orders load" failed: HTTP 500/);
    assert.deepEqual((await rules(e)).sort(), ['check/failed error a', 'check/lying-health warn a']);
    assert.equal(e.driver.versions(ENV).a, V1);
  });

  test('a bake lasts its time on the clock, re-running sanity as it goes', async () => {
    const e = await engineFor({ bake: '10s', services: [{ name: 'a' }, { name: 'b' }] });
    const outcome = await e.apply();
    assert.equal(outcome.status, 'succeeded', outcome.summary);
    assert.ok(e.clock.monotonic() >= 20_000, `two bakes of 10 s took ${e.clock.monotonic()} ms of the clock`);
    const bakes = (await e.store.checks((await e.latest()).id)).filter((c) => c.gate === 'bake');
    assert.deepEqual([...new Set(bakes.map((c) => `${c.batch} ${c.service} ${c.name}`))], ['1 a a works', '2 b b works']);
    assert.ok(bakes.filter((c) => c.batch === 1).length >= 10, `sanity re-ran ${bakes.length} times`);
  });

  test('a bake ends early when a sanity check fails during it', async () => {
    const e = await engineFor({ bake: '60s', services: [{ name: 'a' }] });
    e.checks.script('a', 'a works', ({ attempt }) => attempt < 4 || e.driver.versions(ENV).a !== V2);
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    // The restored batch bakes its 60 s too (a rollback is a rollout): the failing bake ended early.
    assert.ok(e.clock.monotonic() < 120_000, 'the failing bake did not run its whole time');
    assert.deepEqual(
      e.events.filter((ev) => ev.type === 'gate' && ev.phase === 'failed').map((ev) => ev.type === 'gate' && ev.gate),
      ['bake'],
    );
  });

  test('a process that exits during the bake fails it as check/exited, though its checks keep passing', async () => {
    const e = await engineFor({ bake: '10s', services: [{ name: 'a' }] });
    e.checks.script('a', 'a works', true).script('a', 'health', true);
    e.driver.script({ service: 'a', commit: V2 }, { kind: 'crashes', afterMs: 4_000, code: 3, lastLines: ['fatal: lost the ledger'] });
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.summary, /a: check\/exited: a's process \(pid \d+\) exited with code 3/);
    assert.deepEqual(await rules(e), ['check/exited error a']);
    const finding = (await e.store.findings((await e.latest()).id))[0]!;
    assert.match(finding.message, /^bake gate: .*fatal: lost the ledger/s);
    assert.equal(e.driver.versions(ENV).a, V1);
  });

  test('a deploy whose process exits right after it started is check/exited, and the batch is rolled back', async () => {
    const e = await engineFor({ services: [{ name: 'a' }] });
    e.driver.script({ service: 'a', commit: V2 }, { kind: 'fails', exits: { code: 2, lastLines: ['fatal: PORT is not set'] } });
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.summary, /a: check\/exited: deploy failed: a's process \(pid \d+\) exited with code 2/);
    assert.deepEqual(await rules(e), ['check/exited error a']);
    assert.deepEqual(e.driver.versions(ENV), { a: V1 });
  });

  test('a port another process holds fails the deploy as check/port-in-use, starting nothing', async () => {
    const e = await engineFor({ services: [{ name: 'a' }] });
    e.driver.script({ service: 'a', commit: V2 }, { kind: 'port-held', holder: 999, holderName: 'nginx' });
    const outcome = await e.apply();
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(await rules(e), ['check/port-in-use error a']);
    assert.match(outcome.summary, /port 7000 of a is held by another process: pid 999 \(nginx\)/);
  });

  test('a slow start holds its batch: no gate runs until it has started', async () => {
    const e = await engineFor({ services: [{ name: 'a' }, { name: 'b' }] });
    e.driver.script({ service: 'a', commit: V2 }, { kind: 'slow' });
    const applying = e.apply();
    await e.driver.untilStarting(ENV, 'a');
    assert.deepEqual(e.checks.runs, [], 'no check ran while a was starting');
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`]);
    e.driver.finishStart(ENV, 'a');
    assert.equal((await applying).status, 'succeeded');
    assert.deepEqual(e.driver.deploys(), [`a@${V2}`, `b@${V2}`]);
  });
});
