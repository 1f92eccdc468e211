import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { RolloutFleet, type JournalJson, type OnFailure } from './rollout-fleet.js';

// An operator's stop, end to end: the real bin/tranche rolling out a fleet of real node services
// with the local driver, sent real signals (or losing the reader of its output) in the middle of
// a batch. Each signal is sent once tranche's progress says where it stands, never after a sleep.

interface ShowJson {
  release: { id: string; status: string; summary: string };
  journal: JournalJson[];
}
interface StatusJson {
  lock: { pid: number } | null;
  release: { id: string; status: string; summary: string | null } | null;
  services: { service: string; commit: string; running: boolean | null }[];
}

const APPLY = ['apply', '--env', 'dev', '--yes'];
const SERVICES = ['a', 'b', 'c'];
const NO_STACK = /^\s+at /m;
/** Batch 2 (b) deploying, its slow start awaited by the driver: the middle of the release. */
const B_STARTING = /batch 2\/3 \(code\) started: b[\s\S]*deploy b started/;
/** How long a slow version takes to listen on its port (the deploy waits for it): a window in which to land a stop. */
const SLOW_MS = 6000;

interface Versions {
  /** Milliseconds b's v1 takes to answer its health check: restoring it (a rollback) takes that long. */
  slowV1?: number;
  /** The same for the v2 of these services: their batches' health gates wait that long. */
  slowV2?: Record<string, number>;
}

/**
 * Three independent services deployed one per batch (a, b, c), running v1; v2 of each committed
 * on top with `onFailure` and no bake.
 */
async function fleetOnV1(t: TestContext, onFailure: OnFailure, versions: Versions = {}): Promise<RolloutFleet> {
  const f = await RolloutFleet.create({ services: SERVICES.map((name) => ({ name })), batchSize: 1, onFailure });
  t.after(() => f.dispose());
  if (versions.slowV1) f.setVersion('b', 'v1', { kind: 'slow-start', ms: versions.slowV1 });
  f.commit('v1');
  const first = f.run(APPLY);
  assert.equal(first.code, 0, `deploying v1: ${first.stderr}`);
  for (const s of SERVICES) {
    const ms = versions.slowV2?.[s];
    f.setVersion(s, 'v2', ms ? { kind: 'slow-start', ms } : { kind: 'ok' });
  }
  f.commit('v2');
  return f;
}

async function versions(f: RolloutFleet): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await f.version(s)] as const)));
}

function show(f: RolloutFleet, releaseId: string): ShowJson {
  const shown = f.json<ShowJson>(['show', releaseId]);
  assert.equal(shown.code, 0, shown.stderr);
  return shown.json;
}

const stops = (journal: JournalJson[]) =>
  journal.filter((e) => e.kind === 'release' && e.event === 'stopped').map((e) => [e.batch, e.detail?.by, e.detail?.atOnce]);

/** The lock is free: status says so and names the release as it ended. */
function assertLockFree(f: RolloutFleet, releaseId: string, status: string): void {
  const s = f.json<StatusJson>(['status', '--env', 'dev']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.json.lock, null, 'the lock was released');
  assert.deepEqual([s.json.release?.id, s.json.release?.status], [releaseId, status]);
}

/** `release ID: STATUS — SUMMARY`, the one line a stopped tranche prints on stdout. */
function summaryLine(stdout: string): { id: string; status: string; summary: string } {
  const match = /^release (\S+): (\S+) — (.+)\n$/.exec(stdout);
  assert.ok(match, `one summary line on stdout, got ${JSON.stringify(stdout)}`);
  return { id: match[1]!, status: match[2]!, summary: match[3]! };
}

describe('a stopped apply, rollback or resume', () => {
  test('SIGINT in the middle of a batch: the batch is rolled back (rollback-batch), the stop journaled, the lock released, exit 130', async (t) => {
    const f = await fleetOnV1(t, 'rollback-batch', { slowV2: { b: SLOW_MS } });
    const apply = f.start(APPLY);
    await apply.waitFor(B_STARTING);
    apply.signal('SIGINT');
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 130, stderr);
    assert.doesNotMatch(stderr, NO_STACK);
    assert.match(stderr, /SIGINT: stopping: the steps in flight finish/, 'the operator is told what the stop does');
    const line = summaryLine(stdout);
    assert.deepEqual([line.status, line.summary], ['failed', 'stopped by SIGINT during batch 2; batch 2 was rolled back (on_failure: rollback-batch)']);

    assert.deepEqual(await versions(f), { a: 'v2', b: 'v1', c: 'v1' });
    const { release, journal } = show(f, line.id);
    assert.equal(release.status, 'failed');
    assert.deepEqual(stops(journal), [[2, 'SIGINT', false]]);
    const b = journal.filter((e) => e.service === 'b').map((e) => `${e.kind} ${e.event}`);
    assert.deepEqual(b, ['deploy started', 'deploy succeeded', 'rollback started', 'rollback succeeded']);
    assert.ok(!journal.some((e) => e.service === 'c'), 'batch 3 never started');
    assertLockFree(f, line.id, 'failed');

    // Not locked: the next apply runs, and deploys what is left.
    f.setVersion('b', 'v2').commit('v2 of b, quick to start');
    const again = f.run(APPLY);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await versions(f), { a: 'v2', b: 'v2', c: 'v2' });
  });

  test('SIGTERM with on_failure: rollback-release: every batch is rolled back, exit 143', async (t) => {
    const f = await fleetOnV1(t, 'rollback-release', { slowV2: { b: SLOW_MS } });
    const apply = f.start(APPLY);
    await apply.waitFor(B_STARTING);
    apply.signal('SIGTERM');
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 143, stderr);
    const line = summaryLine(stdout);
    assert.deepEqual(
      [line.status, line.summary],
      ['failed', 'stopped by SIGTERM during batch 2; the whole release was rolled back (on_failure: rollback-release)'],
    );
    assert.deepEqual(await versions(f), { a: 'v1', b: 'v1', c: 'v1' });
    assert.deepEqual(stops(show(f, line.id).journal), [[2, 'SIGTERM', false]]);
    assertLockFree(f, line.id, 'failed');
  });

  test('SIGHUP with on_failure: pause: what was deployed stays, exit 129; a stopped resume pauses again; resume completes', async (t) => {
    const f = await fleetOnV1(t, 'pause', { slowV2: { b: SLOW_MS, c: SLOW_MS } });
    const apply = f.start(APPLY);
    await apply.waitFor(B_STARTING);
    apply.signal('SIGHUP');
    const stopped = await apply.exited;
    assert.equal(stopped.code, 129, stopped.stderr);
    const line = summaryLine(stopped.stdout);
    assert.deepEqual(
      [line.status, line.summary],
      ['paused', 'stopped by SIGHUP during batch 2; paused (on_failure: pause): tranche resume --env dev goes on from there, or tranche rollback --env dev'],
    );
    // b's v2 is still starting: what runs is read from the record and the processes, not its answer.
    const v2 = f.repo.git('rev-parse', 'HEAD').trim();
    const paused = f.json<StatusJson>(['status', '--env', 'dev']).json.services.map((s) => [s.service, s.commit === v2 ? 'v2' : 'v1', s.running]);
    assert.deepEqual(
      paused,
      [
        ['a', 'v2', true],
        ['b', 'v2', true],
        ['c', 'v1', true],
      ],
      'batch 2 is kept as it was deployed',
    );
    assertLockFree(f, line.id, 'paused');

    // resume, stopped by SIGINT in batch 3: paused again, where it stood.
    const resume = f.start(['resume', '--env', 'dev', '--yes']);
    // c's deploy waits for it to listen (seconds): the SIGINT lands while batch 3 is under way.
    await resume.waitFor(/batch 3\/3 \(code\) started: c[\s\S]*deploy c started/);
    resume.signal('SIGINT');
    const again = await resume.exited;
    assert.equal(again.code, 130, again.stderr);
    assert.deepEqual(
      summaryLine(again.stdout).summary,
      'stopped by SIGINT during batch 3; paused (on_failure: pause): tranche resume --env dev goes on from there, or tranche rollback --env dev',
    );
    assertLockFree(f, line.id, 'paused');

    const done = f.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(await versions(f), { a: 'v2', b: 'v2', c: 'v2' });
    assert.deepEqual(stops(show(f, line.id).journal), [
      [2, 'SIGHUP', false],
      [3, 'SIGINT', false],
    ]);
    assertLockFree(f, line.id, 'succeeded');
  });

  test('the reader of its progress gone (EPIPE): it stops at its next line, exit 141, the summary still on stdout', async (t) => {
    const f = await fleetOnV1(t, 'rollback-batch', { slowV2: { b: 2000 } });
    const apply = f.start(APPLY);
    await apply.waitFor(B_STARTING);
    apply.closeOutput('stderr');
    const { code, stdout } = await apply.exited;
    assert.equal(code, 141);
    // b answers its health check, the line saying so cannot be written: its sanity check is not waited for.
    const line = summaryLine(stdout);
    assert.deepEqual([line.status, line.summary], ['failed', 'stopped by EPIPE during batch 2; batch 2 was rolled back (on_failure: rollback-batch)']);
    assert.deepEqual(await versions(f), { a: 'v2', b: 'v1', c: 'v1' });
    assert.deepEqual(stops(show(f, line.id).journal), [[2, 'EPIPE', false]]);
    assertLockFree(f, line.id, 'failed');
  });

  test('both of its pipes closed (`2>&1 | head`): it stops all the same, exit 141, the lock released', async (t) => {
    const f = await fleetOnV1(t, 'rollback-release', { slowV2: { b: 2000 } });
    const apply = f.start(APPLY);
    await apply.waitFor(B_STARTING);
    apply.closeOutput('stdout', 'stderr');
    const { code } = await apply.exited;
    assert.equal(code, 141);
    const history = f.json<{ releases: { id: string }[] }>(['history', '--env', 'dev']);
    const id = history.json.releases[0]!.id;
    const { release, journal } = show(f, id);
    assert.deepEqual(
      [release.status, release.summary],
      ['failed', 'stopped by EPIPE during batch 2; the whole release was rolled back (on_failure: rollback-release)'],
    );
    assert.deepEqual(stops(journal), [[2, 'EPIPE', false]]);
    assert.deepEqual(await versions(f), { a: 'v1', b: 'v1', c: 'v1' });
    assertLockFree(f, id, 'failed');
  });

  test('a second SIGINT stops at once, during the rollback the first began; tranche resume completes it', async (t) => {
    const f = await fleetOnV1(t, 'rollback-batch', { slowV1: SLOW_MS, slowV2: { b: SLOW_MS } });
    const apply = f.start(APPLY);
    await apply.waitFor(B_STARTING);
    apply.signal('SIGINT');
    // b's v1 takes seconds to answer its health check: the rollback is under way.
    await apply.waitFor(/rollback b started/);
    apply.signal('SIGINT');
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping at once/);
    const line = summaryLine(stdout);
    assert.deepEqual(
      [line.status, line.summary],
      [
        'paused',
        'stopped at once by SIGINT while rolling back batch 2: a step it interrupted is left in doubt; tranche resume --env dev takes the release up where it stands (completing the rollback), or tranche rollback --env dev',
      ],
    );
    const journal = show(f, line.id).journal;
    assert.deepEqual(stops(journal), [
      [2, 'SIGINT', false],
      [2, 'SIGINT', true],
    ]);
    assert.equal(
      journal
        .filter((e) => e.service === 'b')
        .map((e) => `${e.kind} ${e.event}`)
        .at(-1),
      'rollback started',
      "b's rollback is left in doubt",
    );
    assertLockFree(f, line.id, 'paused');

    const resume = f.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(resume.code, 1, `the release ends as its rollback was meant to: failed, batch 2 rolled back\n${resume.stderr}`);
    assert.match(resume.stdout, /failed — stopped by SIGINT during batch 2; batch 2 was rolled back \(on_failure: rollback-batch\)/);
    assert.deepEqual(await versions(f), { a: 'v2', b: 'v1', c: 'v1' });
    assertLockFree(f, line.id, 'failed');
  });

  test('the bake of a rollback a SIGINT began says that a second SIGINT stops waiting, and it does: paused, resume completes it', async (t) => {
    const f = await fleetOnV1(t, 'rollback-batch', { slowV2: { a: SLOW_MS } });
    f.setPolicy({ batchSize: 1, bake: '15s', onFailure: 'rollback-batch' }).commit('a long bake');
    const apply = f.start(APPLY);
    await apply.waitFor(/batch 1\/3 \(code\) started: a[\s\S]*deploy a started/);
    apply.signal('SIGINT');
    // The line comes as the bake starts: what to do, and what it does, said where the operator looks.
    await apply.waitFor(
      /rollback a started[\s\S]*bake started: 15000ms\n.*rolling back: waiting 15s for the bake; press Ctrl-C again to stop waiting \(the release is then paused, and tranche resume completes the rollback\)/,
    );
    const waiting = performance.now();
    apply.signal('SIGINT');
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 130, stderr);
    assert.ok(performance.now() - waiting < 10_000, 'it stopped waiting for the bake');
    assert.equal(stderr.match(/rolling back: waiting/g)?.length, 1, 'said once');
    assert.match(stderr, /bake started[^\n]*\n[^\n]*rolling back: waiting[^\n]*\n[^\n]*stopping at once/);
    const line = summaryLine(stdout);
    assert.equal(line.status, 'paused');
    assert.deepEqual(stops(show(f, line.id).journal), [
      [1, 'SIGINT', false],
      [1, 'SIGINT', true],
    ]);
    assertLockFree(f, line.id, 'paused');

    const resume = f.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(resume.code, 1, `the release ends as its rollback was meant to: failed, batch 1 rolled back\n${resume.stderr}`);
    assert.match(resume.stderr, /rollback a started[\s\S]*bake passed/, 'the bake is waited out this time');
    assert.match(resume.stdout, /failed — stopped by SIGINT during batch 1; batch 1 was rolled back \(on_failure: rollback-batch\)/);
    assert.deepEqual(await versions(f), { a: 'v1', b: 'v1', c: 'v1' });
    assertLockFree(f, line.id, 'failed');
  });

  test('a rollback no stop began says nothing of stopping as it bakes', async (t) => {
    const f = await fleetOnV1(t, 'rollback-batch');
    f.setVersion('a', 'v2', { kind: 'broken' }).setPolicy({ batchSize: 1, bake: '1s', onFailure: 'rollback-batch' }).commit('a broken v2');
    const { code, stderr } = f.run(APPLY);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /rollback a started[\s\S]*bake started/);
    assert.doesNotMatch(stderr, /rolling back: waiting|to stop waiting/);
  });

  test('tranche rollback stopped by SIGTERM: the rollback under way completes first, exit 143', async (t) => {
    const f = await fleetOnV1(t, 'rollback-batch', { slowV1: SLOW_MS });
    const apply = f.run(APPLY);
    assert.equal(apply.code, 0, apply.stderr);
    const rollback = f.start(['rollback', '--env', 'dev', '--yes']);
    await rollback.waitFor(/rollback b started/);
    rollback.signal('SIGTERM');
    const { code, stdout, stderr } = await rollback.exited;
    assert.equal(code, 143, stderr);
    const line = summaryLine(stdout);
    assert.equal(line.status, 'rolled-back');
    assert.match(line.summary, /was rolled back on request \(SIGTERM came during the rollback: it was completed first\)$/);
    assert.deepEqual(await versions(f), { a: 'v1', b: 'v1', c: 'v1' });
    assert.deepEqual(stops(show(f, line.id).journal), [[1, 'SIGTERM', false]]);
    assertLockFree(f, line.id, 'rolled-back');
  });
});
