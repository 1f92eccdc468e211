import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { openStore } from '../../../src/adapters/stores/open-store.js';
import { PostgresStore } from '../../../src/adapters/stores/postgres-store.js';
import { SchemaTooNewError } from '../../../src/adapters/stores/schema-too-new-error.js';
import { LockLostError, StoreFaultError, type LockRequest, type Store } from '../../../src/ports/store.js';
import { holdLock } from '../../support/held-store.js';
import { release, storeContract } from './store-contract.js';

// The Postgres on this machine. It must be up: when it is not, these tests fail (never skip).
const URL = 'postgres://postgres@127.0.0.1:5432/test';

const admin = new pg.Pool({ connectionString: URL, max: 2 });
const schemas = new Set<string>();
after(async () => {
  try {
    for (const schema of schemas) await dropSchema(schema);
  } finally {
    await admin.end();
  }
});

/** A fresh schema name for one store, dropped when the run ends (or when its store is disposed). */
function freshSchema(): string {
  const schema = `tranche_test_${randomBytes(6).toString('hex')}`;
  schemas.add(schema);
  return schema;
}

async function dropSchema(schema: string): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  schemas.delete(schema);
}

const storeSchemas = new Map<Store, string>();
storeContract(
  'PostgresStore',
  async () => {
    const schema = freshSchema();
    const store = new PostgresStore(URL, { schema });
    storeSchemas.set(store, schema);
    await store.migrate();
    return store;
  },
  async (store) => {
    await store.close();
    await dropSchema(storeSchemas.get(store) ?? '');
  },
  (store) => ({
    moduleUrl: new globalThis.URL('../../../src/adapters/stores/postgres-store.js', import.meta.url).href,
    className: 'PostgresStore',
    args: [URL, { schema: storeSchemas.get(store) }],
  }),
);

describe('PostgresStore with several pools', () => {
  test('lets exactly one of two pools take each contended lock, and tells the other who won', async () => {
    const schema = freshSchema();
    const [a, b] = [new PostgresStore(URL, { schema }), new PostgresStore(URL, { schema })];
    try {
      await a.migrate();
      const envs = Array.from({ length: 25 }, (_, i) => `env-${i}`);
      const results = await Promise.all(envs.map((env) => Promise.all([a.acquireLock(holder(env, 'a')), b.acquireLock(holder(env, 'b'))])));
      results.forEach((pair, i) => {
        const winners = pair.filter((r) => r.acquired);
        assert.equal(winners.length, 1, `env-${i}: ${JSON.stringify(pair)}`);
        const loser = pair.find((r) => !r.acquired);
        assert.ok(loser && !loser.acquired);
        assert.equal(loser.holder.token, pair[0]?.acquired ? `a-env-${i}` : `b-env-${i}`);
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('gives appends from two pools to one release one gapless sequence', async () => {
    const schema = freshSchema();
    const [a, b] = [new PostgresStore(URL, { schema }), new PostgresStore(URL, { schema })];
    try {
      await a.migrate();
      const { fence } = await holdLock(a, 'prod');
      await a.createRelease(release('r1'), fence);
      const append = (store: Store, n: number) =>
        store.appendJournal({ releaseId: 'r1', at: '2025-03-01T10:00:00.000Z', batch: 1, kind: 'deploy', event: 'started', detail: { n } }, fence);
      const seqs = await Promise.all(Array.from({ length: 40 }, (_, n) => append(n % 2 ? a : b, n)));
      assert.deepEqual(
        [...seqs].sort((x, y) => x - y),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('never records a fenced write after a break of the lock made at the same time from another pool', async () => {
    const schema = freshSchema();
    const [a, b] = [new PostgresStore(URL, { schema }), new PostgresStore(URL, { schema })];
    try {
      await a.migrate();
      for (let round = 0; round < 20; round++) {
        const env = `race-${round}`;
        const { fence } = await holdLock(a, env);
        const id = `r-${round}`;
        await a.createRelease({ ...release(id), env }, fence);
        // Four writers append until refused; the lock is broken once the first write has landed.
        const accepted: number[] = [];
        let firstWrite!: () => void;
        const landed = new Promise<void>((resolve) => (firstWrite = resolve));
        const writer = async (n: number) => {
          for (;;) {
            try {
              accepted.push(
                await a.appendJournal({ releaseId: id, at: '2025-03-01T10:00:00.000Z', batch: 1, kind: 'deploy', event: 'started', detail: { n } }, fence),
              );
              firstWrite();
            } catch (error) {
              assert.ok(error instanceof LockLostError, String(error));
              return;
            }
          }
        };
        const breaker = async () => {
          await landed;
          await b.breakLock(env);
          // Read at once after the break: every write the writers were told was accepted is in it.
          return (await b.journal(id)).map((e) => e.seq);
        };
        const [seen] = await Promise.all([breaker(), ...[0, 1, 2, 3].map(writer)]);
        assert.ok(accepted.length > 0);
        assert.deepEqual(
          [...accepted].sort((x, y) => x - y),
          seen,
          `round ${round}: a write was recorded after the break`,
        );
        assert.deepEqual(
          (await b.journal(id)).map((e) => e.seq),
          seen,
          `round ${round}: the journal grew after the break`,
        );
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('migrates a fresh schema from two pools at once, applying each migration once', async () => {
    const schema = freshSchema();
    const [a, b] = [new PostgresStore(URL, { schema }), new PostgresStore(URL, { schema })];
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      const { rows } = await admin.query(`SELECT version, applied_at FROM "${schema}".schema_migrations`);
      assert.deepEqual(rows.map((r: { version: number }) => r.version).sort(), [1, 2, 3]);
      assert.ok(rows[0].applied_at instanceof Date);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('refuses a store whose schema is newer than this tranche knows', async () => {
    const schema = freshSchema();
    const store = new PostgresStore(URL, { schema });
    try {
      await store.migrate();
      await admin.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (99, 'from the future')`);
      await assert.rejects(store.migrate(), (error: unknown) => {
        assert.ok(error instanceof SchemaTooNewError);
        assert.match(error.message, new RegExp(`schema ${schema}\\) is at schema version 99, but this tranche knows versions up to 3`));
        return true;
      });
    } finally {
      await store.close();
    }
  });
});

describe('openStore for Postgres', () => {
  test('opens a postgres:// or postgresql:// URL, migrated', async () => {
    for (const scheme of ['postgres', 'postgresql']) {
      // The URL's own options put the tables in a schema of this run.
      const schema = freshSchema();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      const url = `${scheme}://postgres@127.0.0.1:5432/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const store = await openStore(url, '/nonexistent-fleet');
      try {
        assert.ok(store instanceof PostgresStore, scheme);
        await store.createRelease(release('r1'), (await holdLock(store, 'prod')).fence);
        assert.equal((await store.listReleases())[0]?.id, 'r1');
        const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".releases`);
        assert.equal(rows[0].n, 1, 'the release is in the schema the URL named');
      } finally {
        await store.close();
      }
    }
  });

  test('says which server it cannot reach, without the password, and what to check', async () => {
    await assert.rejects(openStore('postgres://deploy:hunter2@127.0.0.1:1/test', '/'), (error: unknown) => {
      assert.ok(error instanceof StoreFaultError && error.opening);
      assert.match(
        error.message,
        /^cannot reach the state store postgres:\/\/deploy:\*\*\*@127\.0\.0\.1:1\/test \(.*ECONNREFUSED.*\): check that the database server runs/,
      );
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });
});

function holder(env: string, who: string): LockRequest {
  return { env, token: `${who}-${env}`, user: who, host: 'test', pid: process.pid };
}
