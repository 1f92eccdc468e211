/**
 * PRODUCT §7: "Every step is written to the journal before the driver is called and after it
 * returns. A `kill -9` at any moment leaves a state that `tranche status` describes exactly and
 * that `tranche resume` or `tranche rollback` brings back to consistency."
 *
 * A real fleet of six node services (crash-fleet.ts) runs v1; `tranche apply` of v2 is killed
 * with SIGKILL at one point per test. Most points are exact: a SQLite trigger (a "pin") stalls
 * tranche inside the write of journal record k+1 (or of the release row, a check result, the
 * release's final status), and the kill lands while records 1..k are committed and k+1 is not.
 * A few points are taken by time or by watching /proc. After each kill:
 *   - `status --json` must say exactly what the journal says: release running, lock held by a
 *     dead pid, the steps in doubt, each service's recorded commit, and what really runs;
 *   - `resume` or `rollback` (alternating) must converge: every service on v2 (or v1), status
 *     clean, one process per service, the lock free, every journal contiguous from 1 with the
 *     records written before the kill still there, every started step settled.
 * Each point ends back on v1, so the points are independent.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CrashFleet, NEW_IN_V2, SERVICES, V1_SERVICES, waitUntil, type JournalRow, type ReleaseRow, type Started } from './crash-fleet.js';

interface StatusJson {
  env: string;
  lock: { pid: number; releaseId?: string; alive: boolean | null } | null;
  release: { id: string; status: string; summary: string | null; inDoubt: { service: string; batch: number; action: string }[] } | null;
  services: { service: string; commit: string; releaseId: string; running: boolean | null; pid?: number; drift: boolean }[];
  next?: string;
}

type Target = 'v2' | 'bad';
type Then = 'resume' | 'rollback';

interface KillPoint {
  name: string;
  /** What apply deploys: v2 (HEAD), or the commit whose payments fails its sanity check (the rollback runs). */
  to?: Target;
  then: Then;
  /** Starts apply (with `args`), brings it to the point and kills it. */
  kill(args: string[], known: string): Promise<Started>;
  /** Checks that the kill landed where the point says, from what was recorded at the kill. */
  landed(release: ReleaseRow | undefined, journal: JournalRow[], apply: Started): string | void;
  /** For points taken by time or /proc: whether the kill came in time (else the point is tried again, up to 3 times). */
  reached?(apply: Started): boolean;
}

/** The journal of a clean six-service release (checked by the baseline test): what record k is. */
const RECORDS = [
  'release started',
  'batch 1 started',
  'first deploy of batch 1 started: its driver is in flight',
  'second deploy of batch 1 started: both steps in doubt',
  'one deploy of batch 1 succeeded, the other still in doubt',
  'both deploys of batch 1 succeeded: health and sanity passed, batch not yet recorded',
  'batch 1 succeeded: between batches 1 and 2',
  'batch 2 started',
  'first deploy of batch 2 started: its driver is in flight',
  'second deploy of batch 2 started: both steps in doubt',
  'one deploy of batch 2 succeeded, the other still in doubt',
  'both deploys of batch 2 succeeded: gates passed, batch not yet recorded',
  'batch 2 succeeded: between batches 2 and 3',
  'batch 3 started',
  'first deploy of batch 3 started (notify is new): its driver is in flight',
  'second deploy of batch 3 started: both steps in doubt',
  'one deploy of batch 3 succeeded, the other still in doubt',
  'both deploys of batch 3 succeeded: gates passed, batch not yet recorded',
  'batch 3 succeeded: every step done, the release not finished',
];

/** The journal of the release to the bad commit: batch 2's sanity fails and on_failure: rollback-release undoes it all. */
const BAD_RECORDS: Record<number, string> = {
  12: "both deploys of batch 2 succeeded, payments' sanity check failed: before 'batch 2 failed'",
  13: 'batch 2 failed: before the rollback starts',
  14: 'rollback started: before its first step',
  15: 'the first rollback step of batch 2 started: its driver is in flight',
  16: 'both rollback steps of batch 2 started: both in doubt',
  17: 'one step of batch 2 rolled back, the other still in doubt',
  19: 'batch 2 undone, the first rollback step of batch 1 started',
  22: 'every step rolled back: before the release is finished',
};

let fleet: CrashFleet;
const timings: { name: string; ms: number; landed: string }[] = [];
/** What the last kill left, for the timing report. */
let landedAt = '';

before(async () => {
  fleet = await CrashFleet.create();
  const v1 = fleet.cli(['apply', '--env', 'dev', '--yes', '--to', fleet.v1]);
  assert.equal(v1.code, 0, `deploying v1 failed:\n${v1.stdout}\n${v1.stderr}`);
});

after(() => {
  fleet?.dispose();
  if (timings.length) {
    const lines = timings.map((t) => `${(t.ms / 1000).toFixed(1).padStart(5)} s  ${t.name}${t.landed ? `  [${t.landed}]` : ''}`);
    process.stderr.write(`\ncrash-consistency timings:\n${lines.join('\n')}\ntotal ${(timings.reduce((n, t) => n + t.ms, 0) / 1000).toFixed(1)} s\n`);
  }
});

// --- kill strategies ---------------------------------------------------------------------------

const APPLY_TIMEOUT_MS = 30_000;

function describeRun(apply: Started): string {
  return `apply pid ${apply.pid}; releases ${JSON.stringify(fleet.releases().map((r) => [r.id, r.status, r.journal_seq]))}; lock ${JSON.stringify(fleet.lock())}\n${apply.stderr.slice(-3000)}`;
}

function newRelease(known: string): ReleaseRow | undefined {
  return fleet.releases().find((r) => !known.includes(`'${r.id}'`));
}

/** Kill once the new release has exactly k journal records and tranche is stalled writing record k+1. */
function atRecord(k: number) {
  return async (args: string[], known: string): Promise<Started> => {
    fleet.pin('BEFORE INSERT ON journal', `NEW.seq = ${k + 1} AND NEW.release_id NOT IN ${known}`);
    const apply = fleet.start(args);
    await waitUntil(
      async () => {
        if (!apply.running) throw new Error(`apply ended before record #${k + 1}: ${describeRun(apply)}`);
        const release = newRelease(known);
        return release !== undefined && fleet.journalCount(release.id) === k && (await fleet.stalled());
      },
      APPLY_TIMEOUT_MS,
      () => `apply never stalled after journal record #${k}: ${describeRun(apply)}`,
    );
    await apply.kill9();
    return apply;
  };
}

function landedAtRecord(k: number) {
  return (release: ReleaseRow | undefined, journal: JournalRow[]) => {
    assert.ok(release, 'the kill should leave the new release recorded');
    assert.equal(journal.length, k, `the kill should land right after journal record #${k}`);
  };
}

/** Kill with the lock taken and tranche stalled writing the release row. */
async function beforeReleaseRecord(args: string[], known: string): Promise<Started> {
  fleet.pin('BEFORE INSERT ON releases', `NEW.id NOT IN ${known}`);
  const apply = fleet.start(args);
  await waitUntil(
    async () => {
      if (!apply.running) throw new Error(`apply ended before writing its release: ${describeRun(apply)}`);
      return fleet.lock()?.pid === apply.pid && (await fleet.stalled());
    },
    APPLY_TIMEOUT_MS,
    () => `apply never stalled writing its release: ${describeRun(apply)}`,
  );
  await apply.kill9();
  return apply;
}

/** Kill with the whole journal written ('release succeeded') and tranche stalled storing the release's status. */
async function beforeFinalStatus(args: string[], known: string): Promise<Started> {
  fleet.pin('BEFORE UPDATE OF status ON releases', `NEW.status <> OLD.status AND NEW.id NOT IN ${known}`);
  const apply = fleet.start(args);
  await waitUntil(
    async () => {
      if (!apply.running) throw new Error(`apply ended before storing its status: ${describeRun(apply)}`);
      const release = newRelease(known);
      return release !== undefined && fleet.journalCount(release.id) === RECORDS.length + 1 && (await fleet.stalled());
    },
    APPLY_TIMEOUT_MS,
    () => `apply never stalled storing its final status: ${describeRun(apply)}`,
  );
  await apply.kill9();
  return apply;
}

/** Kill while the gates of `batch` run: tranche stalled recording the first `gate` check result. */
function duringGate(batch: number, gate: 'health' | 'sanity', records: number) {
  return async (args: string[], known: string): Promise<Started> => {
    fleet.pin('BEFORE INSERT ON checks', `NEW.batch = ${batch} AND NEW.gate = '${gate}' AND NEW.release_id NOT IN ${known}`);
    const apply = fleet.start(args);
    await waitUntil(
      async () => {
        if (!apply.running) throw new Error(`apply ended before the ${gate} gate of batch ${batch}: ${describeRun(apply)}`);
        // The journal as the gate finds it: a busy machine can hold the write lock long enough
        // for an earlier, ordinary write to look stalled.
        const release = newRelease(known);
        return release !== undefined && fleet.journalCount(release.id) === records && (await fleet.stalled());
      },
      APPLY_TIMEOUT_MS,
      () => `apply never stalled in the ${gate} gate of batch ${batch}: ${describeRun(apply)}`,
    );
    await apply.kill9();
    return apply;
  };
}

/** Time-based: kill `ms` after apply started. */
function afterMs(ms: number) {
  return async (args: string[]): Promise<Started> => {
    const apply = fleet.start(args);
    await sleep(ms);
    await apply.kill9();
    return apply;
  };
}

/** Whether a server the killed tranche had spawned runs and is not the process its current.json records. */
function spawnedUnrecorded(apply: Started): boolean {
  return apply.spawned.some((pid) => {
    const live = fleet.fleetProcesses().find((p) => p.pid === pid);
    return live !== undefined && fleet.currentJson(live.service)?.pid !== pid;
  });
}

/** Whether every server the killed tranche had spawned is the one its service's current.json records. */
function cleanKill(apply: Started): boolean {
  return !spawnedUnrecorded(apply);
}

/** What the driver had recorded of the servers it had just spawned when it was killed. */
function spawnedLanded(release: ReleaseRow | undefined, _journal: JournalRow[], apply: Started): string {
  assert.ok(release, 'the kill should land after the release was recorded');
  return apply.spawned
    .map((pid) => {
      const live = fleet.fleetProcesses().find((p) => p.pid === pid);
      if (!live) return `spawned pid ${pid}, gone`;
      const recorded = fleet.currentJson(live.service);
      return `spawned ${live.service} ${live.commit.slice(0, 7)} as pid ${pid}; its current.json records pid ${recorded?.pid} (${recorded?.commit?.slice(0, 7)})`;
    })
    .join('; ');
}

/** Watching /proc: kill as soon as the first new server process of the release exists (the driver has just spawned it). */
async function serverSpawned(args: string[], known: string): Promise<Started> {
  const apply = fleet.start(args);
  await waitUntil(
    () => {
      if (!apply.running) throw new Error(`apply ended before spawning a server: ${describeRun(apply)}`);
      return newRelease(known) !== undefined;
    },
    APPLY_TIMEOUT_MS,
    () => `apply never created its release: ${describeRun(apply)}`,
  );
  const deadline = Date.now() + APPLY_TIMEOUT_MS;
  while ((apply.spawned = apply.spawnedServers()).length === 0) {
    if (!apply.running) throw new Error(`apply ended before spawning a server: ${describeRun(apply)}`);
    if (Date.now() > deadline) throw new Error(`apply spawned no server: ${describeRun(apply)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await apply.kill9();
  return apply;
}

// --- what the journal says ---------------------------------------------------------------------

/** Services whose last deploy/rollback record is a `started` without its end, as `service:action`. */
function inDoubtFromJournal(journal: JournalRow[]): string[] {
  const last = new Map<string, JournalRow>();
  for (const r of journal) if (r.service && (r.kind === 'deploy' || r.kind === 'rollback')) last.set(r.service, r);
  return [...last]
    .filter(([, r]) => r.event === 'started')
    .map(([service, r]) => `${service}:${r.kind}`)
    .sort();
}

/** Each service's recorded commit: what was recorded before the release, changed by every step the journal says finished. */
function recordedFromJournal(before: Map<string, string>, journal: JournalRow[]): Record<string, string> {
  const recorded = new Map(before);
  for (const r of journal) {
    if (!r.service || (r.kind !== 'deploy' && r.kind !== 'rollback') || r.event !== 'succeeded') continue;
    const detail = JSON.parse(r.detail ?? '{}') as { to?: { commit: string }; stop?: boolean };
    if (detail.to) recorded.set(r.service, detail.to.commit);
    else if (detail.stop) recorded.delete(r.service);
  }
  return Object.fromEntries([...recorded].sort(([a], [b]) => a.localeCompare(b)));
}

const brief = (r: JournalRow) => `#${r.seq} ${r.kind} ${r.event}${r.service ? ` ${r.service}` : ''} (batch ${r.batch})`;

function versionOf(commit: string, service: string): string {
  const version = fleet.versions.get(commit)?.[service];
  assert.ok(version, `no version of ${service} at ${commit}`);
  return version;
}

function expectedAnswer(commit: string, service: string): string {
  const version = versionOf(commit, service);
  return `${service} ${version}${commit === fleet.bad && service === 'payments' ? ' broken' : ''}`;
}

/**
 * What `status` says runs must be what runs: per recorded service, at most one server process,
 * `running` exactly when one runs, `pid` its pid, `drift` exactly when it runs another commit
 * than the recorded one, and that process answers on the service's port with its version.
 */
async function assertStatusMatchesProcesses(status: StatusJson, when: string): Promise<void> {
  const processes = fleet.fleetProcesses();
  for (const service of SERVICES) {
    const mine = processes.filter((p) => p.service === service);
    assert.ok(mine.length <= 1, `${when}: ${service} runs ${mine.length} server processes: ${JSON.stringify(mine)}`);
  }
  for (const s of status.services) {
    const live = processes.find((p) => p.service === s.service);
    const shown = `${when}: status says ${s.service} running=${s.running} pid=${s.pid} drift=${s.drift} (recorded ${s.commit.slice(0, 7)})`;
    assert.equal(s.running, live !== undefined, `${shown}, but ${live ? `pid ${live.pid} (${live.commit.slice(0, 7)}) runs it` : 'no process of it runs'}`);
    if (!live) continue;
    assert.equal(s.pid, live.pid, `${shown}, but pid ${live.pid} runs it`);
    assert.equal(s.drift, live.commit !== s.commit, `${shown}, but the process runs ${live.commit.slice(0, 7)}`);
  }
  for (const p of processes) {
    let answer: string | undefined;
    await waitUntil(
      async () => (answer = await fleet.answer(p.service)) === expectedAnswer(p.commit, p.service),
      3000,
      () => `${when}: ${p.service} (pid ${p.pid}, ${p.commit.slice(0, 7)}) answers ${JSON.stringify(answer)} on its port`,
      50,
    ).catch((error: Error) => assert.fail(error.message));
  }
}

/** Every release's journal is 1..n with n its journal_seq; `atKill` is still there, unchanged; every started step is settled. */
function assertJournalWhole(releaseId: string | undefined, atKill: JournalRow[], previous: Map<string, JournalRow[]>): void {
  for (const release of fleet.releases()) {
    const journal = fleet.journal(release.id);
    assert.deepEqual(
      journal.map((r) => r.seq),
      Array.from({ length: journal.length }, (_, i) => i + 1),
      `${release.id}: journal seq numbers are not contiguous from 1`,
    );
    assert.equal(release.journal_seq, journal.length, `${release.id}: journal_seq says ${release.journal_seq}, the journal has ${journal.length} records`);
    const before = previous.get(release.id);
    if (before) assert.deepEqual(journal, before, `${release.id}: an earlier release's journal changed`);
  }
  if (!releaseId) return;
  const journal = fleet.journal(releaseId);
  assert.deepEqual(journal.slice(0, atKill.length), atKill, 'a record written before the kill was lost or changed');
  const settled = (i: number, ends: (r: JournalRow) => boolean) => journal.slice(i + 1).some(ends);
  const isEnd = (r: JournalRow) => r.event !== 'started';
  const releaseEnd = (r: JournalRow) => r.kind === 'release' && isEnd(r);
  const unsettled = journal.filter((r, i) => {
    if (r.event !== 'started') return false;
    if (r.kind === 'release') return !settled(i, releaseEnd);
    if (r.kind === 'batch') return !settled(i, (e) => (e.kind === 'batch' && e.batch === r.batch && isEnd(e)) || releaseEnd(e));
    if (r.kind === 'rollback' && !r.service) return !settled(i, releaseEnd);
    if (r.kind === 'deploy') return !settled(i, (e) => e.service === r.service && (e.kind === 'deploy' || e.kind === 'rollback') && isEnd(e));
    return !settled(i, (e) => e.service === r.service && e.kind === r.kind && isEnd(e));
  });
  assert.deepEqual(unsettled.map(brief), [], `started records never settled in ${releaseId}:\n${journal.map(brief).join('\n')}`);
  const last = journal.at(-1);
  const status = fleet.release(releaseId)!.status;
  assert.ok(last && last.kind === 'release' && last.event !== 'started', `${releaseId} (${status}) does not end with a release record: ${last && brief(last)}`);
  assert.equal((JSON.parse(last.detail ?? '{}') as { status?: string }).status, status, `${releaseId}: its last record and its status disagree`);
}

// --- the states the fleet converges to ---------------------------------------------------------

function v1Services(): Record<string, string> {
  return Object.fromEntries([...V1_SERVICES].sort().map((s) => [s, fleet.v1]));
}

function v2Services(): Record<string, string> {
  return Object.fromEntries([...SERVICES].sort().map((s) => [s, fleet.v2]));
}

function status(): StatusJson {
  const { code, json, run } = fleet.cliJson<StatusJson>(['status', '--env', 'dev']);
  assert.equal(code, 0, `status failed:\n${run.stderr}`);
  return json;
}

const commitsOf = (s: StatusJson) => Object.fromEntries(s.services.map((x) => [x.service, x.commit]).sort(([a], [b]) => a!.localeCompare(b!)));

/** Converged on v1 (five services, notify stopped) or v2 (six): status, processes, answers, lock. */
async function assertConverged(target: 'v1' | 'v2', releaseStatus: string, releaseId: string | undefined, when: string): Promise<void> {
  const s = status();
  const expected = target === 'v1' ? v1Services() : v2Services();
  assert.equal(s.lock, null, `${when}: the lock should be free, it is ${JSON.stringify(s.lock)}`);
  if (releaseId) assert.equal(s.release?.id, releaseId, `${when}: the latest release`);
  assert.equal(s.release?.status, releaseStatus, `${when}: release status (summary: ${s.release?.summary})`);
  assert.deepEqual(s.release?.inDoubt, [], `${when}: nothing should be in doubt any more`);
  assert.equal(s.next, undefined, `${when}: status should suggest nothing`);
  assert.deepEqual(commitsOf(s), expected, `${when}: recorded commits`);
  assert.deepEqual(Object.fromEntries([...fleet.deployed()].sort(([a], [b]) => a.localeCompare(b))), expected, `${when}: the deployed table`);
  for (const x of s.services) assert.ok(x.running === true && !x.drift, `${when}: ${x.service} should run its recorded commit: ${JSON.stringify(x)}`);
  await assertStatusMatchesProcesses(s, when);
  const processes = fleet.fleetProcesses();
  for (const [service, commit] of Object.entries(expected)) {
    assert.deepEqual(
      processes.filter((p) => p.service === service).map((p) => p.commit),
      [commit],
      `${when}: ${service} should run once, at ${commit.slice(0, 7)}`,
    );
    assert.equal(await fleet.answer(service), expectedAnswer(commit, service), `${when}: ${service}'s answer`);
  }
  if (target === 'v1') {
    assert.deepEqual(
      processes.filter((p) => p.service === NEW_IN_V2),
      [],
      `${when}: ${NEW_IN_V2} (new in v2) should be stopped`,
    );
    assert.equal(await fleet.answer(NEW_IN_V2), undefined, `${when}: nothing should answer on ${NEW_IN_V2}'s port`);
  }
}

function isBaseline(): boolean {
  const latest = fleet.releases().at(-1);
  const deployed = Object.fromEntries([...fleet.deployed()].sort(([a], [b]) => a.localeCompare(b)));
  const running = fleet
    .fleetProcesses()
    .map((p) => `${p.service}@${p.commit}`)
    .sort();
  const expected = Object.entries(v1Services()).map(([service, commit]) => `${service}@${commit}`);
  return (
    fleet.lock() === undefined &&
    latest?.status === 'rolled-back' &&
    JSON.stringify(deployed) === JSON.stringify(v1Services()) &&
    JSON.stringify(running) === JSON.stringify(expected) &&
    fleet.fleetProcesses().every((p) => fleet.currentJson(p.service)?.pid === p.pid)
  );
}

/** Back to the baseline every point starts from: v1 deployed, the latest release (of v2) rolled back, the lock free. */
function resetToBaseline(): void {
  if (isBaseline()) return;
  const steps: string[] = [];
  const run = (args: string[]) => {
    const r = fleet.cli(args);
    steps.push(`tranche ${args.join(' ')} → ${r.code}: ${r.stdout.trim()} ${r.stderr.trim().split('\n').at(-1)}`);
  };
  const latest = fleet.releases().at(-1);
  if (latest && ['running', 'paused', 'rollback-failed'].includes(latest.status)) run(['rollback', '--env', 'dev', '--yes', '--break-lock']);
  // A dead holder's lock that no release owns: only apply --break-lock takes it over.
  if (fleet.lock()) run(['apply', '--env', 'dev', '--yes', '--break-lock']);
  if (!isBaseline()) {
    if (fleet.releases().at(-1)?.status !== 'succeeded') run(['apply', '--env', 'dev', '--yes']);
    run(['rollback', '--env', 'dev', '--yes']);
  }
  if (isBaseline()) return;
  // Rebuild from nothing.
  steps.push('rebuilding the state from scratch');
  fleet.killEverything();
  fleet.closeStore();
  rmSync(join(fleet.dir, '.tranche'), { recursive: true, force: true });
  run(['apply', '--env', 'dev', '--yes', '--to', fleet.v1]);
  run(['apply', '--env', 'dev', '--yes']);
  run(['rollback', '--env', 'dev', '--yes']);
  if (!isBaseline()) throw new Error(`could not get back to the baseline:\n${steps.join('\n')}`);
  process.stderr.write(`(reset needed repairs: ${steps.join(' | ')})\n`);
}

// --- one kill point ----------------------------------------------------------------------------

function snapshotJournals(): Map<string, JournalRow[]> {
  return new Map(fleet.releases().map((r) => [r.id, fleet.journal(r.id)]));
}

/**
 * After a kill: status must say what the journal says. Returns the release the kill interrupted
 * (undefined when it died before writing one).
 */
async function assertStatusExact(
  known: string,
  before: Map<string, string>,
  previousLatest: ReleaseRow | undefined,
  journalAtKill: JournalRow[],
  when: string,
): Promise<ReleaseRow | undefined> {
  const release = newRelease(known);
  const lock = fleet.lock();
  const s = status();
  if (release) {
    assert.equal(s.release?.id, release.id, `${when}: status should show the interrupted release`);
    assert.equal(s.release?.status, 'running', `${when}: release status`);
  } else {
    assert.equal(s.release?.id, previousLatest?.id, `${when}: status should still show the previous release`);
    assert.equal(s.release?.status, previousLatest?.status, `${when}: previous release status`);
  }
  if (lock) {
    assert.ok(s.lock, `${when}: status should show the lock`);
    assert.equal(s.lock.pid, lock.pid, `${when}: lock pid`);
    assert.equal(s.lock.alive, false, `${when}: the lock holder (pid ${lock.pid}) is dead`);
    assert.equal(s.lock.releaseId, release?.id ?? lock.release_id ?? undefined, `${when}: the lock's release`);
    if (release) assert.match(s.next ?? '', /tranche resume --env dev --break-lock.*tranche rollback --env dev/, `${when}: status should say what to run next`);
  } else {
    assert.equal(s.lock, null, `${when}: no lock was taken`);
  }
  const inDoubt = (s.release?.inDoubt ?? []).map((d) => `${d.service}:${d.action}`).sort();
  assert.deepEqual(inDoubt, inDoubtFromJournal(journalAtKill), `${when}: the steps in doubt, from a journal of:\n${journalAtKill.map(brief).join('\n')}`);
  const recorded = recordedFromJournal(before, journalAtKill);
  assert.deepEqual(commitsOf(s), recorded, `${when}: each service's recorded commit`);
  assert.deepEqual(Object.fromEntries([...fleet.deployed()].sort(([a], [b]) => a.localeCompare(b))), recorded, `${when}: the deployed table`);
  await assertStatusMatchesProcesses(s, when);
  return release;
}

/**
 * Runs the checks of one phase and keeps going when they fail, so that a point reports every
 * phase that went wrong (status after the kill, convergence, journal), not only the first.
 */
class Phases {
  private readonly failures: string[] = [];

  async check(phase: string, body: () => unknown): Promise<void> {
    try {
      await body();
    } catch (error) {
      this.failures.push(`[${phase}] ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  throwIfFailed(): void {
    if (this.failures.length === 1) throw new assert.AssertionError({ message: this.failures[0]! });
    if (this.failures.length) throw new assert.AssertionError({ message: `${this.failures.length} phases failed:\n\n${this.failures.join('\n\n')}` });
  }
}

async function runPoint(point: KillPoint): Promise<void> {
  const started = Date.now();
  landedAt = '';
  const phases = new Phases();
  try {
    let previous: Map<string, JournalRow[]>;
    let previousLatest: ReleaseRow | undefined;
    let before: Map<string, string>;
    let known: string;
    let apply: Started;
    const target = point.to ?? 'v2';
    const args = ['apply', '--env', 'dev', '--yes', ...(target === 'bad' ? ['--to', fleet.bad] : [])];
    const attempts: string[] = [];
    for (let attempt = 1; ; attempt++) {
      resetToBaseline(); // a no-op unless the suite was filtered or a point failed badly
      assert.ok(isBaseline(), 'the point must start from the baseline');
      previous = snapshotJournals();
      previousLatest = fleet.releases().at(-1);
      before = fleet.deployed();
      known = fleet.knownReleases();
      try {
        apply = await point.kill(args, known);
      } finally {
        await fleet.killTranches();
        fleet.unpin();
      }
      // A point taken by /proc may be missed (the kill came too late); a pinned point may catch the other
      // step of the batch between spawning its server and recording it, which the /proc points test on
      // purpose. Either way the kill is not the point named: try again from the baseline.
      if ((point.reached ?? cleanKill)(apply) || attempt === 3) break;
      attempts.push(`attempt ${attempt} retried: ${spawnedLanded(newRelease(known), [], apply)}`);
      await sleep(150);
      resetToBaseline();
    }
    const release = newRelease(known);
    const journalAtKill = release ? fleet.journal(release.id) : [];
    landedAt = release
      ? `${journalAtKill.length} records${journalAtKill.length ? `, last ${brief(journalAtKill.at(-1)!)}` : ''}`
      : fleet.lock()
        ? 'lock only'
        : 'nothing recorded';
    const extra = point.landed(release, journalAtKill, apply);
    if (extra) landedAt += `; ${extra}`;
    if (attempts.length) landedAt += `; ${attempts.join('; ')}`;
    // Let a server that was just spawned, or just told to stop, get there.
    await sleep(150);

    await phases.check('status after the kill', () => assertStatusExact(known, before, previousLatest, journalAtKill, 'after the kill'));

    const flags = ['--env', 'dev', '--break-lock'];
    const ran = fleet.cli(point.then === 'resume' ? ['resume', ...flags, '--yes'] : ['rollback', ...flags, '--yes']);
    const said = `tranche ${point.then} → exit ${ran.code}: ${ran.stdout.slice(0, 1500)}${ran.stderr.trim() ? `\n(stderr ends: ${ran.stderr.trim().slice(-400)})` : ''}`;
    const when = `after ${point.then}`;
    await phases.check(`convergence ${when}`, async () => {
      if (!release) {
        // Nothing of the release was recorded: there is nothing to resume or roll back; the lock must end up free all the same.
        await assertConverged('v1', previousLatest!.status, previousLatest!.id, `${when} (${said})`);
      } else if (point.then === 'resume' && target === 'v2') {
        assert.equal(ran.code, 0, said);
        await assertConverged('v2', 'succeeded', release.id, when);
      } else if (point.then === 'resume') {
        assert.equal(ran.code, 1, `the release fails again and is rolled back: ${said}`);
        await assertConverged('v1', 'failed', release.id, when);
      } else {
        assert.equal(ran.code, 0, said);
        await assertConverged('v1', 'rolled-back', release.id, when);
      }
    });
    await phases.check(`journal ${when}`, () => assertJournalWhole(release?.id, journalAtKill, previous));

    if (fleet.deployed().get(NEW_IN_V2) && release && fleet.release(release.id)?.status === 'succeeded') {
      const back = fleet.cli(['rollback', '--env', 'dev', '--yes']);
      await phases.check('rolling the resumed release back to v1', () => {
        assert.equal(back.code, 0, `rolling v2 back to v1 after the point:\n${back.stdout}\n${back.stderr}`);
        assert.ok(isBaseline(), 'rolling the resumed release back should bring v1 back');
        assertJournalWhole(release.id, journalAtKill, previous);
      });
    }
  } finally {
    try {
      resetToBaseline();
    } finally {
      timings.push({ name: point.name, ms: Date.now() - started, landed: landedAt });
    }
  }
  phases.throwIfFailed();
}

// --- the points --------------------------------------------------------------------------------

const noRecord = (release: ReleaseRow | undefined) => assert.equal(release, undefined, 'the kill should land before the release is recorded');

const BATCH_2_AS_BATCH_1 = [8, 9, 10, 11, 12];

const points: KillPoint[] = [
  {
    name: 'before anything: 150 ms after it started, while it plans (no lock, no release)',
    then: 'resume',
    kill: afterMs(150),
    landed: (release) => {
      noRecord(release);
      assert.equal(fleet.lock(), undefined, 'the kill should land before the lock is taken');
    },
  },
  {
    name: 'with the lock taken, right before the release record is written',
    then: 'resume',
    kill: beforeReleaseRecord,
    landed: noRecord,
  },
  {
    name: 'with the lock taken, right before the release record is written',
    then: 'rollback',
    kill: beforeReleaseRecord,
    landed: noRecord,
  },
  {
    name: 'after the release record, before journal record #1',
    then: 'rollback',
    kill: atRecord(0),
    landed: landedAtRecord(0),
  },
  // Batch 2's records 8-12 have the shapes of batch 1's 2-6 (and the same resume or rollback):
  // killed there, real processes show nothing batch 1 does not. The in-process engine suite
  // (test/engine/rollout-resume.test.ts) crashes at every one of them.
  ...RECORDS.flatMap((label, i): KillPoint[] =>
    BATCH_2_AS_BATCH_1.includes(i + 1)
      ? []
      : [{ name: `after journal record #${i + 1}: ${label}`, then: i % 2 === 0 ? 'resume' : 'rollback', kill: atRecord(i + 1), landed: landedAtRecord(i + 1) }],
  ),
  {
    name: "after the last record (#20 release succeeded), before the release's status is stored",
    then: 'rollback',
    kill: beforeFinalStatus,
    landed: landedAtRecord(RECORDS.length + 1),
  },
  {
    name: 'during the gates of batch 2: health passed, the first sanity result being recorded',
    then: 'resume',
    kill: duringGate(2, 'sanity', 12),
    landed: landedAtRecord(12),
  },
  {
    name: 'during the gates of batch 3: the first health result being recorded',
    then: 'rollback',
    kill: duringGate(3, 'health', 18),
    landed: landedAtRecord(18),
  },
  ...Object.entries(BAD_RECORDS).map(
    ([k, label], i): KillPoint => ({
      name: `during the rollback of a failed batch: after record #${k}: ${label}`,
      to: 'bad',
      then: i % 2 === 0 ? 'resume' : 'rollback',
      kill: atRecord(Number(k)),
      landed: landedAtRecord(Number(k)),
    }),
  ),
  {
    name: 'driver mid-flight (by /proc): the first new server process of batch 1 has just been spawned',
    then: 'resume',
    kill: serverSpawned,
    reached: spawnedUnrecorded,
    landed: (release, journal, apply) => {
      const what = spawnedLanded(release, journal, apply);
      assert.ok(spawnedUnrecorded(apply), `the kill should land before the driver recorded the server it spawned: ${what}`);
      return what;
    },
  },
  {
    name: 'driver mid-flight (by /proc): the first new server process of batch 1 has just been spawned',
    then: 'rollback',
    kill: serverSpawned,
    reached: spawnedUnrecorded,
    landed: (release, journal, apply) => {
      const what = spawnedLanded(release, journal, apply);
      assert.ok(spawnedUnrecorded(apply), `the kill should land before the driver recorded the server it spawned: ${what}`);
      return what;
    },
  },
];

/** A second crash: the resume or rollback that was to repair the first one is killed too. */
interface Twice {
  applyAt: number;
  second: Then;
  /** Where the second command is killed: stalled writing this record of the release's journal. */
  secondPin: number;
  secondPoint: string;
  final: Then;
  target: 'v1' | 'v2';
  finalStatus: string;
}

const TWICE: Twice[] = [
  {
    applyAt: 4,
    second: 'rollback',
    secondPin: 7,
    secondPoint: 'killed after #6, the rollback of catalog started (both deploys were in doubt)',
    final: 'rollback',
    target: 'v1',
    finalStatus: 'rolled-back',
  },
  {
    applyAt: 19,
    second: 'rollback',
    secondPin: 23,
    secondPoint: 'killed after #22, batch 3 being undone (notify, new, being stopped)',
    final: 'resume',
    target: 'v1',
    finalStatus: 'rolled-back',
  },
  {
    applyAt: 9,
    second: 'resume',
    secondPin: 13,
    secondPoint: 'killed after #12, batch 2 redeployed again and in doubt again',
    final: 'resume',
    target: 'v2',
    finalStatus: 'succeeded',
  },
];

async function runTwice(twice: Twice): Promise<void> {
  const started = Date.now();
  landedAt = '';
  let phases = new Phases();
  try {
    const attempts: string[] = [];
    let release: ReleaseRow;
    let journalAtKill: JournalRow[];
    let previous: Map<string, JournalRow[]>;
    for (let attempt = 1; ; attempt++) {
      phases = new Phases();
      resetToBaseline(); // a no-op unless the suite was filtered or a point failed badly
      assert.ok(isBaseline(), 'the point must start from the baseline');
      previous = snapshotJournals();
      const previousLatest = fleet.releases().at(-1);
      const before = fleet.deployed();
      const known = fleet.knownReleases();
      let apply: Started;
      try {
        apply = await atRecord(twice.applyAt)(['apply', '--env', 'dev', '--yes'], known);
      } finally {
        await fleet.killTranches(); // when the point was not reached: a stalled tranche holds the write lock
        fleet.unpin();
      }
      release = newRelease(known)!;
      landedAtRecord(twice.applyAt)(release, fleet.journal(release.id));
      const firstClean = cleanKill(apply);
      await sleep(150);
      await phases.check('status after killing apply', () =>
        assertStatusExact(known, before, previousLatest, fleet.journal(release.id), 'after killing apply'),
      );

      fleet.pin('BEFORE INSERT ON journal', `NEW.release_id = '${release.id}' AND NEW.seq = ${twice.secondPin}`);
      let second: Started;
      try {
        second = fleet.start(
          twice.second === 'rollback' ? ['rollback', '--env', 'dev', '--yes', '--break-lock'] : ['resume', '--env', 'dev', '--yes', '--break-lock'],
        );
        await waitUntil(
          async () => {
            if (!second.running) throw new Error(`${twice.second} ended before record #${twice.secondPin}: ${describeRun(second)}`);
            return fleet.journalCount(release.id) === twice.secondPin - 1 && (await fleet.stalled());
          },
          APPLY_TIMEOUT_MS,
          () => `${twice.second} never stalled after record #${twice.secondPin - 1}: ${describeRun(second)}`,
        );
        await second.kill9();
      } finally {
        await fleet.killTranches();
        fleet.unpin();
      }
      journalAtKill = fleet.journal(release.id);
      landedAt = `${journalAtKill.length} records, last ${brief(journalAtKill.at(-1)!)}`;
      assert.equal(journalAtKill.length, twice.secondPin - 1, `the ${twice.second} should be killed right after record #${twice.secondPin - 1}`);
      // As in runPoint: a kill that caught a server between its spawn and its record is not the point named.
      if ((firstClean && cleanKill(second)) || attempt === 3) {
        await sleep(150);
        await phases.check(`status after killing the ${twice.second}`, () =>
          assertStatusExact(known, before, previousLatest, journalAtKill, `after killing the ${twice.second}`),
        );
        break;
      }
      attempts.push(`attempt ${attempt} retried: ${spawnedLanded(release, [], firstClean ? second : apply)}`);
      await sleep(150);
      resetToBaseline();
    }
    if (attempts.length) landedAt += `; ${attempts.join('; ')}`;

    const last = fleet.cli(
      twice.final === 'rollback' ? ['rollback', '--env', 'dev', '--yes', '--break-lock'] : ['resume', '--env', 'dev', '--yes', '--break-lock'],
    );
    await phases.check(`convergence after ${twice.final}`, async () => {
      assert.equal(last.code, 0, `${last.stdout}\n${last.stderr.slice(-1500)}`);
      await assertConverged(twice.target, twice.finalStatus, release.id, `after ${twice.final}`);
    });
    await phases.check(`journal after ${twice.final}`, () => assertJournalWhole(release.id, journalAtKill, previous));
  } finally {
    try {
      resetToBaseline();
    } finally {
      timings.push({
        name: `twice: apply after #${twice.applyAt}, ${twice.second} ${twice.secondPoint}, then ${twice.final}`,
        ms: Date.now() - started,
        landed: landedAt,
      });
    }
  }
  phases.throwIfFailed();
}

describe('kill -9 of tranche apply at every point of a six-service release', { timeout: 1_200_000 }, () => {
  test('baseline: a clean v1 → v2 apply writes the 20 journal records the points count, and rolls back to v1', async () => {
    const started = Date.now();
    const apply = fleet.cli(['apply', '--env', 'dev', '--yes']);
    assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);
    const release = fleet.releases().at(-1)!;
    const journal = fleet.journal(release.id);
    const shape = journal.map((r) => `${r.batch} ${r.kind} ${r.event}`);
    const expected = ['0 release started'];
    for (const b of [1, 2, 3])
      expected.push(
        `${b} batch started`,
        `${b} deploy started`,
        `${b} deploy started`,
        `${b} deploy succeeded`,
        `${b} deploy succeeded`,
        `${b} batch succeeded`,
      );
    expected.push('0 release succeeded');
    assert.deepEqual(shape, expected);
    assert.deepEqual(
      journal
        .filter((r) => r.kind === 'deploy' && r.event === 'started')
        .map((r) => r.service)
        .sort(),
      [...SERVICES].sort(),
    );
    assert.deepEqual(
      journal
        .filter((r) => r.batch === 2 && r.service)
        .map((r) => r.service)
        .sort(),
      ['orders', 'orders', 'payments', 'payments'],
    );
    await assertConverged('v2', 'succeeded', release.id, 'after a clean apply');
    const back = fleet.cli(['rollback', '--env', 'dev', '--yes']);
    assert.equal(back.code, 0, `${back.stdout}\n${back.stderr}`);
    await assertConverged('v1', 'rolled-back', release.id, 'after a clean rollback');
    assertJournalWhole(release.id, journal, new Map());
    timings.push({ name: 'baseline', ms: Date.now() - started, landed: '' });
  });

  for (const point of points) {
    test(
      `kill -9 ${point.name}${point.to === 'bad' ? ' (apply of a release whose batch 2 fails)' : ''}; status; then ${point.then}`,
      { timeout: 120_000 },
      () => runPoint(point),
    );
  }

  for (const twice of TWICE) {
    test(
      `kill -9 twice: apply after #${twice.applyAt}, then ${twice.second} ${twice.secondPoint}; status after each; then ${twice.final}`,
      { timeout: 120_000 },
      () => runTwice(twice),
    );
  }
});
