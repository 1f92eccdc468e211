import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../../src/adapters/stores/open-store.js';
import { SchemaTooNewError } from '../../../src/adapters/stores/schema-too-new-error.js';
import { SQLITE_MIGRATIONS } from '../../../src/adapters/stores/sqlite-migrations.js';
import { SqliteStore } from '../../../src/adapters/stores/sqlite-store.js';
import { InputError } from '../../../src/core/input-error.js';
import { StoreFaultError, type Release, type Store } from '../../../src/ports/store.js';
import { C2, emptyPlan, fixturePlan } from '../../core/plan/plan-fixture.js';
import { storeContract } from './store-contract.js';
import { holdLock } from '../../support/held-store.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-sqlite-'));
  dirs.push(dir);
  return dir;
}

const files = new Map<Store, string>();
storeContract(
  'SqliteStore',
  async () => {
    const dir = tempDir();
    const store = new SqliteStore(join(dir, 'state.db'));
    await store.migrate();
    files.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    rmSync(files.get(store) ?? '', { recursive: true, force: true });
  },
  (store) => ({
    moduleUrl: new URL('../../../src/adapters/stores/sqlite-store.js', import.meta.url).href,
    className: 'SqliteStore',
    args: [(store as SqliteStore).path],
  }),
);

/** A raw connection to a store's file, to look at or tamper with what the store wrote. */
function raw(path: string): Database.Database {
  return new Database(path);
}

describe('SqliteStore on a file', () => {
  test('lets exactly one of two processes take each contended lock, and tells the other who won', async () => {
    const path = join(tempDir(), 'state.db');
    const setup = new SqliteStore(path);
    await setup.migrate();
    await setup.close();
    const moduleUrl = new URL('../../../src/adapters/stores/sqlite-store.js', import.meta.url).href;
    const envs = 25;
    const [first = [], second = []] = await race([contender(moduleUrl, path, 'p1', envs), contender(moduleUrl, path, 'p2', envs)]);
    assert.equal(first.length + second.length, 2 * envs);
    for (let i = 0; i < envs; i++) {
      const results = [first[i], second[i]];
      const winners = results.filter((r) => r?.acquired);
      assert.equal(winners.length, 1, `env-${i}: ${JSON.stringify(results)}`);
      const loser = results.find((r) => !r?.acquired);
      assert.equal(loser?.holderToken, winners[0]?.token, `env-${i}: the loser sees the winner's token`);
    }
    const store = new SqliteStore(path);
    const held = await Promise.all(Array.from({ length: envs }, (_, i) => store.currentLock(`env-${i}`)));
    await store.close();
    assert.ok(
      held.every((h) => h !== undefined),
      'every lock is held by its winner',
    );
  });

  test('refuses a store whose schema is newer than this tranche knows', async () => {
    const path = join(tempDir(), 'state.db');
    const store = new SqliteStore(path);
    await store.migrate();
    await store.close();
    const db = raw(path);
    db.prepare("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')").run();
    db.close();
    const again = new SqliteStore(path);
    await assert.rejects(again.migrate(), (error: unknown) => {
      assert.ok(error instanceof SchemaTooNewError);
      assert.match(error.message, /schema version 99, but this tranche knows versions up to 3: upgrade tranche/);
      return true;
    });
    await again.close();
    await assert.rejects(openStore(path, '/'), SchemaTooNewError);
  });

  test('a store written by an older tranche (schema 1) is migrated: its releases are releases', async () => {
    const path = join(tempDir(), 'state.db');
    const db = raw(path);
    db.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
    );
    db.exec(SQLITE_MIGRATIONS[0]!.sql);
    db.prepare("INSERT INTO schema_migrations (version, name) VALUES (1, 'v1')").run();
    db.prepare(
      "INSERT INTO releases (id, env, status, to_commit, by_user, by_host, by_pid, started_at, plan) VALUES ('r1', 'dev', 'succeeded', 'abc', 'u', 'h', 1, '2026-01-01T00:00:00.000Z', ?)",
    ).run(JSON.stringify(emptyPlan()));
    db.close();
    const store = new SqliteStore(path);
    await store.migrate();
    assert.equal((await store.getRelease('r1'))?.kind, 'release');
    await store.close();
  });

  test('records each migration once, with the time it was applied, in a WAL-mode file', async () => {
    const path = join(tempDir(), 'state.db');
    const store = new SqliteStore(path);
    await store.migrate();
    await store.migrate();
    await store.close();
    const db = raw(path);
    const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations').all() as { version: number; applied_at: string }[];
    const mode = db.pragma('journal_mode', { simple: true });
    db.close();
    assert.deepEqual(
      rows.map((r) => r.version),
      [1, 2, 3],
    );
    assert.match(rows[0]?.applied_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(mode, 'wal');
  });
});

describe('SqliteStore: a recorded plan is read as every plan is', () => {
  /** A store with one release whose plan row is `tamper`ed with by hand, opened as tranche opens one. */
  async function tampered(tamper: (plan: any) => void): Promise<Store> {
    const root = tempDir();
    const store = await openStore(undefined, root);
    const release: Release = {
      id: 'r1',
      kind: 'release',
      env: 'prod',
      status: 'paused',
      toCommit: C2,
      by: { user: 'u', host: 'h', pid: 1 },
      startedAt: '2026-01-01T00:00:00.000Z',
      plan: fixturePlan(),
    };
    await store.createRelease(release, (await holdLock(store, 'prod')).fence);
    await store.close();
    const db = raw(join(root, '.tranche', 'state.db'));
    const plan = JSON.parse((db.prepare("SELECT plan FROM releases WHERE id = 'r1'").get() as { plan: string }).plan);
    tamper(plan);
    db.prepare("UPDATE releases SET plan = ? WHERE id = 'r1'").run(JSON.stringify(plan));
    db.close();
    return openStore(undefined, root);
  }

  test('a plan row that does not match the plan schema is a damaged record naming the release and where the plan breaks, for every read of it', async () => {
    const store = await tampered((plan) => (plan.batches[0].steps[0].rollback = { action: 'redeploy' }));
    try {
      for (const read of [() => store.getRelease('r1'), () => store.listReleases({ env: 'prod' })]) {
        await assert.rejects(read(), (error: Error) => {
          assert.ok(error instanceof StoreFaultError, String(error));
          assert.equal(
            error.message,
            `the state store ${join(store instanceof SqliteStore ? store.path : '')} holds a damaged record (release r1 holds a plan this tranche cannot read: was the store written by another version of tranche, or edited?): restore it from a backup\n` +
              '  plan: batches.0.steps.0.rollback is missing the required key to (at /batches/0/steps/0/rollback)',
          );
          return true;
        });
      }
      assert.deepEqual(await store.deployed('prod'), new Map(), 'what does not hold the plan still reads');
    } finally {
      await store.close();
    }
  });

  test('a plan row of another format is refused with the format it has', async () => {
    for (const [format, said] of [
      [2, /plan: plan format 2 is newer than this tranche reads \(format 1\)/],
      [0, /plan: plan format 0 is not one tranche has written/],
    ] as const) {
      const store = await tampered((plan) => (plan.format = format));
      try {
        await assert.rejects(
          store.getRelease('r1'),
          (error: Error) =>
            error instanceof StoreFaultError && /release r1 holds a plan this tranche cannot read/.test(error.message) && said.test(error.message),
        );
      } finally {
        await store.close();
      }
    }
  });
});

describe('openStore for SQLite', () => {
  test('opens .tranche/state.db under the fleet root by default, creating the folder, migrated', async () => {
    const root = tempDir();
    const store = await openStore(undefined, root);
    try {
      assert.ok(store instanceof SqliteStore);
      assert.equal(store.path, join(root, '.tranche', 'state.db'));
      assert.ok(existsSync(join(root, '.tranche', 'state.db')));
      assert.deepEqual(await store.freezes(), []);
    } finally {
      await store.close();
    }
  });

  test('opens sqlite:PATH and file paths, relative ones from the fleet root', async () => {
    const root = tempDir();
    const elsewhere = tempDir();
    const cases: [string, string][] = [
      ['sqlite:state/prod.db', join(root, 'state', 'prod.db')],
      [`sqlite://${join(elsewhere, 'a.sqlite')}`, join(elsewhere, 'a.sqlite')],
      ['custom.sqlite3', join(root, 'custom.sqlite3')],
      ['./state/dev', join(root, 'state', 'dev')],
      [join(elsewhere, 'b'), join(elsewhere, 'b')],
    ];
    for (const [spec, path] of cases) {
      const store = await openStore(spec, root);
      await store.close();
      assert.ok(store instanceof SqliteStore, spec);
      assert.equal(store.path, path, spec);
      assert.ok(existsSync(path), spec);
    }
    const memory = await openStore('sqlite::memory:', root);
    assert.equal((memory as SqliteStore).path, ':memory:');
    await memory.close();
  });

  test('refuses a location it does not understand, naming it without its password', async () => {
    const refusals: [string, RegExp][] = [
      ['mysql://deploy:hunter2@db.internal/tranche', /"mysql:\/\/deploy:\*\*\*@db\.internal\/tranche" not understood \(unknown kind of store\)/],
      ['postgres', /"postgres" not understood \(a bare name is neither a URL nor a file path\)/],
      ['', /"" not understood \(it is empty\)/],
      ['sqlite:', /"sqlite:" not understood \(sqlite: needs a path after it\)/],
    ];
    for (const [spec, message] of refusals) {
      await assert.rejects(openStore(spec, tempDir()), (error: unknown) => {
        assert.ok(error instanceof InputError, spec);
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      });
    }
  });
});

interface Attempt {
  acquired: boolean;
  token: string;
  holderToken?: string;
}

/**
 * A separate node process with its own connection to `path`: it migrates, says it is ready,
 * waits for "go" on stdin, then tries to take the lock of env-0 … env-(n-1).
 */
function contender(moduleUrl: string, path: string, name: string, envs: number) {
  const script = `
    const { SqliteStore } = await import(process.argv[1]);
    const store = new SqliteStore(process.argv[2]);
    await store.migrate();
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const results = [];
    for (let i = 0; i < Number(process.argv[4]); i++) {
      const token = process.argv[3] + '-' + i;
      const r = await store.acquireLock({ env: 'env-' + i, token, user: process.argv[3], host: 'test', pid: process.pid });
      results.push(r.acquired ? { acquired: true, token } : { acquired: false, token, holderToken: r.holder.token });
    }
    await store.close();
    process.stdout.write(JSON.stringify(results) + '\\n');
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, moduleUrl, path, name, String(envs)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.startsWith('ready\n') && resolve());
    child.on('close', () => reject(new Error(`${name} exited before it was ready: ${err}`)));
  });
  const done = new Promise<Attempt[]>((resolve, reject) => {
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code}: ${err}`));
      resolve(JSON.parse(out.slice('ready\n'.length)) as Attempt[]);
    });
  });
  // Whichever is awaited reports a failure; the other must not count as unhandled.
  ready.catch(() => {});
  done.catch(() => {});
  return { ready, done, go: () => child.stdin.end('go\n') };
}

/** Starts both contenders at once, once both are ready, and returns what each got. */
async function race(contenders: ReturnType<typeof contender>[]): Promise<Attempt[][]> {
  await Promise.all(contenders.map((c) => c.ready));
  contenders.forEach((c) => c.go());
  return Promise.all(contenders.map((c) => c.done));
}
