import pg from 'pg';
import type { Finding } from '../../core/finding.js';
import type { CheckRecord, DeployedService, Fence, Freeze, JournalEntry, LockHolder, LockRequest, LockState, Release, Store } from '../../ports/store.js';
import { LockLostError } from '../../ports/store.js';
import { pendingMigrations } from './migration.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { redactUrl } from './redact-url.js';
import {
  COLUMNS,
  WHOLE_ENV,
  checkFromRow,
  checkParams,
  deployedFromRow,
  deployedParams,
  findingFromRow,
  findingParams,
  freezeFromRow,
  freezeParams,
  journalFromRow,
  journalParams,
  listLimit,
  lockFromRow,
  lockParams,
  lockStateFromRow,
  releaseFromRow,
  releaseParams,
  unknownRelease,
  upsertDeployed,
  type CheckRow,
  type DeployedRow,
  type FindingRow,
  type FreezeRow,
  type JournalRow,
  type LockRow,
  type ReleaseRow,
} from './store-rows.js';
import { validateStep } from './validate-step.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** The database's time as ISO 8601 text: what every lock time is stamped with, whatever the clocks of the hosts. */
const NOW = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const JSON_OID = 114;
/** JSON columns come back as text, parsed by `fromJsonColumn`, exactly as from SQLite. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === JSON_OID ? (text: string) => text : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The store in Postgres, for a team: any number of tranche processes on any machines. Locks are
 * a row per environment taken with INSERT … ON CONFLICT DO NOTHING; a journal seq is taken by
 * incrementing the release's counter, whose row lock orders concurrent appends; every multi-write
 * operation is one transaction. A fenced write is a transaction that first reads the lock row
 * FOR UPDATE: breaking or releasing the lock (a DELETE of that row) waits for the write to commit,
 * and a write that comes after them finds the row gone or another token in it.
 */
export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;
  /** The store as messages name it: the URL without its password, and the schema. */
  private readonly where: string;
  private closed = false;

  /**
   * `url` is a `postgres://` connection string. `schema` (a plain identifier) puts every table in
   * that schema, created by `migrate()`; without it the connection's default search path is used.
   */
  constructor(url: string, options: { schema?: string } = {}) {
    const { schema } = options;
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new Error(`internal error: Postgres schema name ${JSON.stringify(schema)} is not a plain identifier`);
    }
    this.schema = schema;
    this.where = `${redactUrl(url)}${schema ? ` (schema ${schema})` : ''}`;
    this.pool = new pg.Pool({
      connectionString: url,
      types,
      ...(schema && {
        onConnect: async (client: pg.ClientBase) => {
          await client.query(`SET search_path TO "${schema}"`);
        },
      }),
    });
    // A connection that dies while idle is dropped by the pool; the next query opens another or
    // fails itself. Without a listener the event would crash the process.
    this.pool.on('error', () => {});
  }

  async migrate(): Promise<void> {
    await this.transaction(async (db) => {
      // Two processes starting at once must not both apply a migration (or both create the table).
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tranche migrate ${this.schema ?? ''}`]);
      if (this.schema) await db.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied = (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version);
      for (const m of pendingMigrations(POSTGRES_MIGRATIONS, applied, this.where)) {
        await db.query(m.sql);
        await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
    });
  }

  async fingerprintKey(proposed: string): Promise<string> {
    const select = 'SELECT key FROM fingerprint_key WHERE id = 1';
    const stored = (await this.pool.query<{ key: string }>(select)).rows[0];
    if (stored) return stored.key;
    // Whoever inserts first, the row read afterwards is the one every caller gets.
    await this.pool.query('INSERT INTO fingerprint_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [proposed]);
    return (await this.pool.query<{ key: string }>(select)).rows[0]!.key;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async createRelease(release: Release, fence: Fence): Promise<void> {
    await this.transaction(async (db) => {
      await checkFence(db, fence, release.env);
      await db.query(`INSERT INTO releases (${COLUMNS.releases}) VALUES (${marks(15)})`, releaseParams(release));
    });
  }

  async updateRelease(id: string, patch: Partial<Pick<Release, 'status' | 'finishedAt' | 'summary'>>, fence: Fence): Promise<void> {
    const params: unknown[] = [id];
    const sets: string[] = [];
    for (const [column, value] of [
      ['status', patch.status],
      ['finished_at', patch.finishedAt],
      ['summary', patch.summary],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    const sql = `UPDATE releases SET ${sets.length > 0 ? sets.join(', ') : 'id = id'} WHERE id = $1`;
    await this.transaction(async (db) => {
      await checkReleaseFence(db, id, fence);
      await db.query(sql, params);
    });
  }

  async getRelease(id: string): Promise<Release | undefined> {
    const { rows } = await this.pool.query<ReleaseRow>(`SELECT ${COLUMNS.releases} FROM releases WHERE id = $1`, [id]);
    return rows[0] && releaseFromRow(rows[0]);
  }

  async listReleases(filter: { env?: string; limit?: number } = {}): Promise<Release[]> {
    const params: unknown[] = [];
    let sql = `SELECT ${COLUMNS.releases} FROM releases`;
    if (filter.env !== undefined) sql += ` WHERE env = $${params.push(filter.env)}`;
    sql += ' ORDER BY started_at DESC, ord DESC';
    if (filter.limit !== undefined) sql += ` LIMIT $${params.push(listLimit(filter.limit))}`;
    return (await this.pool.query<ReleaseRow>(sql, params)).rows.map(releaseFromRow);
  }

  async appendJournal(entry: JournalEntry, fence: Fence): Promise<number> {
    return this.transaction(async (db) => {
      await checkReleaseFence(db, entry.releaseId, fence);
      return (await append(db, entry)).seq;
    });
  }

  async journal(releaseId: string): Promise<JournalEntry[]> {
    const sql = `SELECT ${COLUMNS.journal} FROM journal WHERE release_id = $1 ORDER BY seq`;
    return (await this.pool.query<JournalRow>(sql, [releaseId])).rows.map(journalFromRow);
  }

  async completeStep(entry: JournalEntry, service: string, state: DeployedService | null, fence: Fence): Promise<number> {
    return this.transaction(async (db) => {
      await checkReleaseFence(db, entry.releaseId, fence);
      const { seq, env } = await append(db, entry, (releaseEnv) => validateStep(entry, service, state, releaseEnv));
      if (state) {
        await db.query(upsertDeployed(marks(8)), deployedParams(state));
      } else {
        await db.query('DELETE FROM deployed WHERE env = $1 AND service = $2', [env, service]);
      }
      return seq;
    });
  }

  async recordCheck(record: CheckRecord, fence: Fence): Promise<void> {
    await this.transaction(async (db) => {
      await checkReleaseFence(db, record.releaseId, fence);
      await db.query(`INSERT INTO checks (${COLUMNS.checks}) VALUES (${marks(9)})`, checkParams(record));
    });
  }

  async checks(releaseId: string): Promise<CheckRecord[]> {
    const sql = `SELECT ${COLUMNS.checks} FROM checks WHERE release_id = $1 ORDER BY id`;
    return (await this.pool.query<CheckRow>(sql, [releaseId])).rows.map(checkFromRow);
  }

  async recordFindings(releaseId: string, findings: Finding[], fence: Fence): Promise<void> {
    await this.transaction(async (db) => {
      await checkReleaseFence(db, releaseId, fence);
      for (const f of findings) {
        await db.query(`INSERT INTO findings (release_id, ${COLUMNS.findings}) VALUES (${marks(11)})`, findingParams(releaseId, f));
      }
    });
  }

  async findings(releaseId: string): Promise<Finding[]> {
    const sql = `SELECT ${COLUMNS.findings} FROM findings WHERE release_id = $1 ORDER BY id`;
    return (await this.pool.query<FindingRow>(sql, [releaseId])).rows.map(findingFromRow);
  }

  async deployed(env: string): Promise<Map<string, DeployedService>> {
    const sql = `SELECT ${COLUMNS.deployed} FROM deployed WHERE env = $1 ORDER BY service`;
    const { rows } = await this.pool.query<DeployedRow>(sql, [env]);
    return new Map(rows.map((row) => [row.service, deployedFromRow(row)]));
  }

  async acquireLock(holder: LockRequest): Promise<{ acquired: true } | { acquired: false; holder: LockState }> {
    // The holder read after a failed insert may have released in between: then try again.
    for (let attempt = 0; attempt < 10; attempt++) {
      const inserted = await this.pool.query(
        `INSERT INTO locks (${COLUMNS.locks}) VALUES (${marks(6)}, ${NOW}, ${NOW}) ON CONFLICT (env) DO NOTHING`,
        lockParams(holder),
      );
      if (inserted.rowCount === 1) return { acquired: true };
      const current = await this.currentLock(holder.env);
      if (!current) continue;
      // The same token again is a retry of this acquisition (its first answer was lost): it holds.
      return current.token === holder.token ? { acquired: true } : { acquired: false, holder: current };
    }
    throw new Error(`the lock on ${holder.env} was taken and released 10 times while acquiring it: giving up`);
  }

  async heartbeat(env: string, token: string, releaseId?: string): Promise<void> {
    const updated = await this.pool.query(`UPDATE locks SET heartbeat_at = ${NOW}, release_id = COALESCE($3, release_id) WHERE env = $1 AND token = $2`, [
      env,
      token,
      releaseId ?? null,
    ]);
    if (updated.rowCount === 0) throw new LockLostError(env, token, await this.currentLock(env));
  }

  async releaseLock(env: string, token: string): Promise<void> {
    await this.pool.query('DELETE FROM locks WHERE env = $1 AND token = $2', [env, token]);
  }

  async breakLock(env: string): Promise<LockHolder | undefined> {
    const { rows } = await this.pool.query<LockRow>(`DELETE FROM locks WHERE env = $1 RETURNING ${COLUMNS.locks}`, [env]);
    return rows[0] && lockFromRow(rows[0]);
  }

  async currentLock(env: string): Promise<LockState | undefined> {
    const silent = `(extract(epoch from (now() - heartbeat_at::timestamptz)) * 1000)::bigint AS silent_ms`;
    const { rows } = await this.pool.query<LockRow & { silent_ms: string }>(`SELECT ${COLUMNS.locks}, ${silent} FROM locks WHERE env = $1`, [env]);
    return rows[0] && lockStateFromRow(rows[0]);
  }

  async freeze(freeze: Freeze): Promise<void> {
    await this.pool.query(
      `INSERT INTO freezes (${COLUMNS.freezes}) VALUES (${marks(7)})
       ON CONFLICT (env, service) DO UPDATE SET reason = excluded.reason, allow_scope = excluded.allow_scope,
         until_at = excluded.until_at, frozen_by = excluded.frozen_by, created_at = excluded.created_at`,
      freezeParams(freeze),
    );
  }

  async unfreeze(env: string, service?: string): Promise<boolean> {
    const deleted = await this.pool.query('DELETE FROM freezes WHERE env = $1 AND service = $2', [env, service ?? WHOLE_ENV]);
    return (deleted.rowCount ?? 0) > 0;
  }

  async freezes(env?: string): Promise<Freeze[]> {
    const { rows } =
      env === undefined
        ? await this.pool.query<FreezeRow>(`SELECT ${COLUMNS.freezes} FROM freezes ORDER BY env, service`)
        : await this.pool.query<FreezeRow>(`SELECT ${COLUMNS.freezes} FROM freezes WHERE env = $1 ORDER BY service`, [env]);
    return rows.map(freezeFromRow);
  }

  /** Runs `fn` on one connection between BEGIN and COMMIT; rolls back when it throws. */
  private async transaction<T>(fn: (db: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection that dies while checked out emits 'error' on the client (the pool listens only
    // to idle ones): the query under way fails with it, and the event must not crash the process.
    const ignore = () => {};
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      client.off('error', ignore);
      client.release();
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
        client.off('error', ignore);
        client.release();
      } catch (rollbackError) {
        // The connection is unusable: destroy it rather than hand it to the next caller.
        client.release(rollbackError instanceof Error ? rollbackError : true);
      }
      throw error;
    }
  }
}

/** Inside a write's transaction: refuses it unless `fence` holds the lock of release `id`'s environment. */
async function checkReleaseFence(db: Queryable, id: string, fence: Fence): Promise<void> {
  const { rows } = await db.query<{ env: string }>('SELECT env FROM releases WHERE id = $1', [id]);
  if (!rows[0]) throw unknownRelease(id);
  await checkFence(db, fence, rows[0].env);
}

/**
 * Inside a write's transaction: refuses it unless `fence` holds the lock of `env`, the environment
 * written to. The lock row stays locked FOR UPDATE until the write commits: breaking or releasing
 * the lock (a DELETE) waits for it, and then goes before any write that came after it — a shared
 * row lock would let overlapping writes starve a break for as long as they keep coming.
 */
async function checkFence(db: Queryable, fence: Fence, env: string): Promise<void> {
  const { rows } = await db.query<LockRow>(`SELECT ${COLUMNS.locks} FROM locks WHERE env = $1 FOR UPDATE`, [env]);
  const row = rows[0];
  if (fence.env !== env || row?.token !== fence.token) throw new LockLostError(env, fence.token, row && lockFromRow(row));
}

/**
 * Takes the release's next seq (the UPDATE's row lock makes concurrent appends to one release
 * wait for each other) and writes the entry; `check` may refuse, given the release's env.
 */
async function append(db: Queryable, entry: JournalEntry, check?: (releaseEnv: string) => void): Promise<{ seq: number; env: string }> {
  const { rows } = await db.query<{ journal_seq: number; env: string }>(
    'UPDATE releases SET journal_seq = journal_seq + 1 WHERE id = $1 RETURNING journal_seq, env',
    [entry.releaseId],
  );
  const next = rows[0];
  if (!next) throw unknownRelease(entry.releaseId);
  check?.(next.env);
  await db.query(`INSERT INTO journal (${COLUMNS.journal}) VALUES (${marks(8)})`, journalParams(entry, next.journal_seq));
  return { seq: next.journal_seq, env: next.env };
}

function marks(n: number): string {
  return Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
}
