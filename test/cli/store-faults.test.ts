import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { PortRelay } from '../../src/demo/port-relay.js';
import { freePort, RolloutFleet } from './rollout-fleet.js';
import { scratchDatabase } from '../support/scratch.js';

// A state store tranche cannot use, tried through the real bin/tranche as a user meets it: each is
// one message that names the store and says what to do, exit 2 (3 when a release was under way),
// never a stack trace, never a partial deploy.

const NO_STACK = /^\s+at /m;
const APPLY = ['apply', '--env', 'dev', '--yes'];

interface StatusJson {
  lock: { pid: number } | null;
  release: { id: string; status: string } | null;
}

async function fleet(t: TestContext): Promise<RolloutFleet> {
  const f = await RolloutFleet.create({ services: [{ name: 'a' }, { name: 'b' }] });
  t.after(() => f.dispose());
  f.commit('v1');
  return f;
}

function dbPath(f: RolloutFleet): string {
  return join(f.dir, '.tranche', 'state.db');
}

/** A real store with a release in it: `tranche down` records one, deploying nothing. */
function realStore(f: RolloutFleet): string {
  const run = f.run(['down', '--env', 'dev']);
  assert.equal(run.code, 0, run.stderr);
  const db = dbPath(f);
  assert.ok(!existsSync(`${db}-wal`) || statSync(`${db}-wal`).size === 0, 'the store was checkpointed when tranche closed it');
  return db;
}

/**
 * Runs `status`, `history` and `apply` on the broken store: each exits 2 with one `error:` line
 * matching `message`, and apply deploys nothing.
 */
async function refusedEverywhere(f: RolloutFleet, message: RegExp, extra: string[] = []): Promise<void> {
  for (const args of [['status', '--env', 'dev'], ['history'], APPLY]) {
    const run = f.run([...args, ...extra]);
    assert.equal(run.code, 2, `${args[0]} exited ${run.code}:\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, NO_STACK, `${args[0]} printed a stack trace`);
    assert.doesNotMatch(run.stderr, /internal error|bug in tranche/);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, message, `${args[0]}: ${lines[0]}`);
  }
  assert.match(await f.version('a'), /^unreachable/, 'nothing was deployed');
  assert.equal(f.currentPid('a'), undefined);
}

describe('a state store tranche cannot use', () => {
  test('state.db full of garbage: not a tranche state store, say where to point --state', async (t) => {
    const f = await fleet(t);
    mkdirSync(join(f.dir, '.tranche'));
    writeFileSync(dbPath(f), 'this is not a database\n'.repeat(400));
    await refusedEverywhere(
      f,
      /^error: \S+\/\.tranche\/state\.db is not a tranche state store \(file is not a database\): point --state or TRANCHE_STATE at the right file, or move this one away to start a new store; nothing was touched$/,
    );
  });

  test('a truncated state.db: damaged, restore it from a backup', async (t) => {
    const f = await fleet(t);
    const db = realStore(f);
    truncateSync(db, Math.floor(statSync(db).size / 2));
    await refusedEverywhere(
      f,
      /^error: the state store \S+\/state\.db is damaged \(database disk image is malformed\): restore it from a backup, or move it away \(tranche adopt then records what runs\); nothing was touched$/,
    );
  });

  test('a damaged page found after the store opened (its releases): the same message, exit 2', async (t) => {
    const f = await fleet(t);
    const db = realStore(f);
    const check = new Database(db, { readonly: true });
    const { rootpage } = check.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'releases'").get() as { rootpage: number };
    const pageSize = check.pragma('page_size', { simple: true }) as number;
    check.close();
    // Only the releases table's page: the schema and its migrations read fine, the first read of a release does not.
    const bytes = readFileSync(db);
    bytes.fill(0xff, (rootpage - 1) * pageSize, rootpage * pageSize);
    writeFileSync(db, bytes);
    for (const args of [['status', '--env', 'dev'], ['history']]) {
      const run = f.run(args);
      assert.equal(run.code, 2, run.stderr);
      assert.doesNotMatch(run.stderr, NO_STACK);
      assert.match(run.stderr, /^error: the state store \S+\/state\.db is damaged \(database disk image is malformed\): restore it from a backup/);
    }
  });

  test('a schema version above what this tranche knows: upgrade tranche', async (t) => {
    const f = await fleet(t);
    const db = new Database(realStore(f));
    const known = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v;
    db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(known + 5, 'from a newer tranche');
    db.close();
    await refusedEverywhere(
      f,
      new RegExp(`^error: the state store \\S+/state\\.db is at schema version ${known + 5}, but this tranche knows versions up to ${known}: upgrade tranche`),
    );
  });

  test('state.db is a directory: say so', async (t) => {
    const f = await fleet(t);
    mkdirSync(dbPath(f), { recursive: true });
    await refusedEverywhere(
      f,
      /^error: the state store \S+\/\.tranche\/state\.db is a directory, not a file: move it away, or point --state or TRANCHE_STATE at a file; nothing was touched$/,
    );
  });

  test('Postgres at a port nobody listens on: cannot reach it, check the server and the URL (never the password)', async (t) => {
    const f = await fleet(t);
    const url = `postgres://deploy:hunter2@127.0.0.1:${await freePort()}/test`;
    await refusedEverywhere(
      f,
      /^error: cannot reach the state store postgres:\/\/deploy:\*\*\*@127\.0\.0\.1:\d+\/test \(connect ECONNREFUSED [\d.:]+\): check that the database server runs and accepts connections there, and the URL given by --state or TRANCHE_STATE; nothing was touched$/,
      ['--state', url],
    );
    assert.ok(!existsSync(dbPath(f)), 'no SQLite store was made instead');
  });

  test('Postgres lost in the middle of an apply: the release is interrupted (exit 3), the cause first and the failed lock release second; resume completes it once the store is back', {
    timeout: 120_000,
  }, async (t) => {
    const database = await scratchDatabase(t, 'tranche_fault');
    // tranche reaches Postgres through a relay of the test's own: closing it is the database going away.
    const port = await freePort();
    let relay = await PortRelay.open(port, 5432);
    t.after(() => relay.close());
    const state = `postgres://postgres@127.0.0.1:${port}/${database}`;

    const f = await RolloutFleet.create({ services: [{ name: 'a' }, { name: 'b' }] });
    t.after(() => f.dispose());
    // b takes seconds to answer its health check: the release is under way, between two store writes.
    f.setVersion('b', 'v1', { kind: 'slow-start', ms: 4000 });
    f.commit('v1');
    const apply = f.start([...APPLY, '--state', state]);
    await apply.waitFor(/batch 2\/2 \(code\) started: b[\s\S]*health started/);
    await relay.close();
    const { code, stdout, stderr } = await apply.exited;

    assert.equal(code, 3, stderr);
    assert.equal(stdout, '');
    assert.doesNotMatch(stderr, NO_STACK);
    const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 2, stderr);
    assert.match(
      errors[0]!,
      /^error: release (\S+) of dev was interrupted: cannot reach the state store postgres:\/\/postgres@127\.0\.0\.1:\d+\/tranche_fault_\w+ \(.+\): check that the database server runs.*What it did up to then is journaled; once the store answers again, run tranche status --env dev, then tranche resume --env dev \(add --break-lock if its lock is still held\)$/,
    );
    assert.match(
      errors[1]!,
      /^error: cleaning up after that failed too: cannot reach the state store postgres:/,
      'the lock could not be released: said second',
    );
    const releaseId = /release (\S+) of dev/.exec(errors[0]!)![1]!;

    // The relay runs in this process: tranche is run without blocking it from here on.
    relay = await PortRelay.open(port, 5432);
    const status = async () => {
      const run = await f.start(['status', '--env', 'dev', '--state', state, '--json']).exited;
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout) as StatusJson;
    };
    const interrupted = await status();
    assert.deepEqual([interrupted.release?.id, interrupted.release?.status], [releaseId, 'running']);
    assert.equal(interrupted.lock?.pid, apply.pid, 'the lock is still held by the tranche that lost its store');
    const resume = await f.start(['resume', '--env', 'dev', '--yes', '--break-lock', '--state', state]).exited;
    assert.equal(resume.code, 0, resume.stderr);
    assert.equal(await f.version('a'), 'v1');
    assert.equal(await f.version('b'), 'v1');
    assert.equal((await status()).lock, null);
  });
});

describe('the lock taken away under a release', () => {
  test('nobody holds it: taken again for the release, the loss said and journaled, on_failure applied; no further batch starts', async (t) => {
    const f = await RolloutFleet.create({ services: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    t.after(() => f.dispose());
    // b takes seconds to listen: its deploy waits for it (the local driver watches its port), and
    // the lock goes while it does — before anything of batch 2 is recorded as passed.
    f.setVersion('b', 'v1', { kind: 'slow-start', ms: 5000 });
    f.commit('v1');
    const apply = f.start(APPLY);
    await apply.waitFor(/batch 2\/3 \(code\) started: b[\s\S]*deploy b started/);
    const db = new Database(dbPath(f), { timeout: 5000 });
    assert.equal(db.prepare("DELETE FROM locks WHERE env = 'dev'").run().changes, 1, 'the lock was held');
    db.close();
    const { code, stdout, stderr } = await apply.exited;
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stderr, NO_STACK);
    assert.match(
      stderr,
      // Seen by the heartbeat, or by the next write the store refuses: whichever comes first.
      /lock lost: (the store refused a write: )?the lock on dev is no longer held by this process \(token [\w-]+\): nobody holds it now; stopping at the next step boundary/,
    );
    assert.match(
      stdout,
      /: failed — the lock on dev was lost during batch 2 \(taken again: nobody held it\); batch 2 was rolled back \(on_failure: rollback-batch\)\n$/,
    );
    assert.equal(f.currentPid('c'), undefined, 'batch 3 was not started without the lock');
  });
});
