import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { SqliteStore } from '../../src/adapters/stores/sqlite-store.js';
import type { GitRepo } from '../support/git-repo.js';
import { execFleet } from './exec-fleet.js';
import { RolloutFleet, RunningCli, type JournalJson, type OnFailure } from './rollout-fleet.js';

// The environment's lock taken away from a running tranche — broken by a second connection to the
// state store, as `--break-lock` from another host would — in each phase of a release: a deploy
// in flight, a health gate, a bake, a rollback. Each break is made once tranche's progress says
// where it stands, and each outcome awaited once tranche says it saw the loss.

const APPLY = ['apply', '--env', 'dev', '--yes'];
const NO_STACK = /^\s+at /m;
const LOST = /lock lost: .*stopping at the next step boundary/;

interface ShowJson {
  release: { id: string; status: string; summary: string };
  journal: (JournalJson & { detail?: Record<string, unknown> })[];
}

/** A second connection to the fleet's state store. */
function storeOf(dir: string): SqliteStore {
  return new SqliteStore(join(dir, '.tranche', 'state.db'));
}

/** Breaks dev's lock; with `takeAs`, takes it for that user at once (another operator now holds it). */
async function breakLock(dir: string, takeAs?: string): Promise<void> {
  const store = storeOf(dir);
  try {
    assert.ok(await store.breakLock('dev'), 'tranche held the lock');
    if (takeAs) assert.deepEqual(await store.acquireLock({ env: 'dev', token: 'other-token', user: takeAs, host: 'elsewhere', pid: 4242 }), { acquired: true });
  } finally {
    await store.close();
  }
}

async function journalLength(dir: string, releaseId: string): Promise<number> {
  const store = storeOf(dir);
  try {
    return (await store.journal(releaseId)).length;
  } finally {
    await store.close();
  }
}

function summaryLine(stdout: string): { id: string; status: string; summary: string } {
  const match = /^release (\S+): (\S+) — (.+)\n$/.exec(stdout);
  assert.ok(match, `one summary line on stdout, got ${JSON.stringify(stdout)}`);
  return { id: match[1]!, status: match[2]!, summary: match[3]! };
}

const lockLost = (journal: ShowJson['journal']) => journal.filter((e) => e.kind === 'release' && e.event === 'lock-lost');

/** a, b, c deployed one per batch at v1; v2 committed, b's behaving as `v2b`. */
async function fleetOnV1(
  t: TestContext,
  onFailure: OnFailure,
  v2b: Parameters<RolloutFleet['setVersion']>[2],
  options: { bake?: string; slowV1b?: number } = {},
): Promise<RolloutFleet> {
  const f = await RolloutFleet.create({ services: ['a', 'b', 'c'].map((name) => ({ name })), batchSize: 1, onFailure });
  t.after(() => f.dispose());
  if (options.slowV1b) f.setVersion('b', 'v1', { kind: 'slow-start', ms: options.slowV1b });
  f.commit('v1');
  const first = f.run(APPLY);
  assert.equal(first.code, 0, first.stderr);
  for (const s of ['a', 'c']) f.setVersion(s, 'v2');
  f.setVersion('b', 'v2', v2b);
  if (options.bake) f.setPolicy({ batchSize: 1, bake: options.bake, onFailure });
  f.commit('v2');
  return f;
}

const repos: GitRepo[] = [];
after(() => {
  for (const r of repos) r.dispose();
});

describe('the lock lost under a running release', () => {
  test('during a deploy, the lock free: taken again, the loss journaled, the batch rolled back (on_failure), exit 1', async () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    fleet.commit('a: v2', { 'services/a/index.js': 'a v2\n' });
    const gates = mkdtempSync(join(tmpdir(), 'tranche-gate-'));
    after(() => rmSync(gates, { recursive: true, force: true }));
    const gate = join(gates, 'open');
    const apply = new RunningCli(APPLY, fleet.repo.dir, { GATE_A: gate });
    await apply.waitFor(/deploy a started/);
    await breakLock(fleet.repo.dir);
    await apply.waitFor(LOST);
    writeFileSync(gate, 'open\n');
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 1, stdout + stderr);
    assert.doesNotMatch(stderr, NO_STACK);
    const line = summaryLine(stdout);
    assert.deepEqual(
      [line.status, line.summary],
      ['failed', 'the lock on dev was lost during batch 1 (taken again: nobody held it); batch 1 was rolled back (on_failure: rollback-batch)'],
    );
    const shown = fleet.json<ShowJson>(['show', line.id]).json;
    assert.deepEqual(
      lockLost(shown.journal).map((e) => [e.batch, e.detail?.retaken]),
      [[1, true]],
    );
    assert.deepEqual(fleet.deployed(), { a: fleet.v1, b: fleet.v1, c: fleet.v1 }, 'a is back on v1');
    assert.equal(fleet.json<{ lock: unknown }>(['status', '--env', 'dev']).json.lock, null, 'the lock taken again was released');
  });

  test('during a health gate, taken by another operator: nothing more written, exit 3 naming them; resume once they are done', async (t) => {
    // b's v2 answers its health check 12 s after it starts: the gate waits, and resume sees it pass.
    const f = await fleetOnV1(t, 'rollback-batch', { kind: 'slow-start', ms: 12_000 });
    const apply = f.start(APPLY);
    await apply.waitFor(/batch 2\/3 \(code\) started: b[\s\S]*health started/, 60_000);
    const id = /release (\S+) of dev started/.exec(apply.stderr)![1]!;
    const written = await journalLength(f.dir, id);
    await breakLock(f.dir, 'mallory');
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 3, stdout + stderr);
    assert.doesNotMatch(stderr, NO_STACK);
    assert.match(
      stderr,
      /error: the lock on dev was lost during batch 2 \(release \S+\), and mallory@elsewhere \(pid 4242\) holds it now: this tranche stopped there and wrote nothing more\. Once they are done, run tranche status --env dev, then tranche resume --env dev/,
    );
    assert.equal(await journalLength(f.dir, id), written, 'nothing was journaled after the lock was lost');

    const locked = f.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(locked.code, 1, 'mallory still holds it');
    const store = storeOf(f.dir);
    await store.releaseLock('dev', 'other-token');
    await store.close();
    const resume = f.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(resume.code, 0, resume.stdout + resume.stderr);
    assert.match(resume.stdout, /succeeded/);
  });

  test('during a bake, the lock free: taken again and the release paused (on_failure: pause), exit 3; resume finishes it', async (t) => {
    const f = await fleetOnV1(t, 'pause', { kind: 'ok' }, { bake: '60s' });
    const apply = f.start(APPLY);
    await apply.waitFor(/batch 1\/3 \(code\) started: a[\s\S]*bake started/);
    await breakLock(f.dir);
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 3, stdout + stderr);
    assert.match(stderr, LOST);
    const line = summaryLine(stdout);
    assert.deepEqual(
      [line.status, line.summary],
      [
        'paused',
        'the lock on dev was lost during batch 1 (taken again: nobody held it); paused (on_failure: pause): tranche resume --env dev goes on from there, or tranche rollback --env dev',
      ],
    );
    const shown = f.json<ShowJson>(['show', line.id]).json;
    assert.deepEqual(
      lockLost(shown.journal).map((e) => e.batch),
      [1],
    );
    assert.ok(!shown.journal.some((e) => e.kind === 'batch' && e.event === 'succeeded'), 'the bake was cut short: batch 1 never passed');
    assert.equal(await f.version('a'), 'v2');
    assert.equal(await f.version('b'), 'v1');
  });

  test('during a rollback, the lock free: taken again, the rollback completes and is checked, exit 1', async (t) => {
    const f = await fleetOnV1(t, 'rollback-batch', { kind: 'broken' }, { slowV1b: 4000 });
    const apply = f.start(APPLY);
    await apply.waitFor(/rollback b started/);
    await breakLock(f.dir);
    await apply.waitFor(LOST);
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 1, stdout + stderr);
    const line = summaryLine(stdout);
    assert.equal(line.status, 'failed');
    assert.match(line.summary, /^batch 2 failed \(b: .*\); batch 2 was rolled back$/);
    const shown = f.json<ShowJson>(['show', line.id]).json;
    assert.deepEqual(
      lockLost(shown.journal).map((e) => [e.batch, e.detail?.during]),
      [[2, 'rollback']],
    );
    assert.deepEqual(
      shown.journal.filter((e) => e.service === 'b').map((e) => `${e.kind} ${e.event}`),
      ['deploy started', 'deploy succeeded', 'rollback started', 'rollback succeeded'],
    );
    assert.equal(await f.version('b'), 'v1', 'b restored, and its gates passed after the lock was taken again');
  });
});
