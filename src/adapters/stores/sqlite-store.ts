import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../../core/finding.js';
import type { CheckRecord, DeployedService, Fence, Freeze, JournalEntry, LockHolder, LockRequest, LockState, Release, Store } from '../../ports/store.js';
import { LockLostError } from '../../ports/store.js';
import { pendingMigrations } from './migration.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
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

/** The store's time as ISO 8601 text, read by SQLite itself: what every lock time is stamped with. */
const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/** How long a write waits for another process's write to finish before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * The store in one SQLite file (`.tranche/state.db` by default), safe for several tranche
 * processes on one machine: WAL lets readers run beside the writer, the busy timeout makes a
 * writer wait its turn, and every transaction that writes begins IMMEDIATE (takes the write lock
 * first), so a read-then-write such as `acquireLock`, or a fenced write and the check of its
 * fence, cannot interleave with another process's.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** `path` is a file (created with its folder) or `:memory:`. */
  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    this.immediate(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      )`);
      const applied = this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
      for (const m of pendingMigrations(SQLITE_MIGRATIONS, applied, this.path)) {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
      }
    });
  }

  async fingerprintKey(proposed: string): Promise<string> {
    const stored = this.get<{ key: string }>('SELECT key FROM fingerprint_key WHERE id = 1', []);
    if (stored) return stored.key;
    return this.immediate(() => {
      this.run('INSERT INTO fingerprint_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', [proposed]);
      return this.get<{ key: string }>('SELECT key FROM fingerprint_key WHERE id = 1', [])!.key;
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async createRelease(release: Release, fence: Fence): Promise<void> {
    this.immediate(() => {
      this.checkFence(fence, release.env);
      this.run(`INSERT INTO releases (${COLUMNS.releases}) VALUES (${marks(15)})`, releaseParams(release));
    });
  }

  async updateRelease(id: string, patch: Partial<Pick<Release, 'status' | 'finishedAt' | 'summary'>>, fence: Fence): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['status', patch.status],
      ['finished_at', patch.finishedAt],
      ['summary', patch.summary],
    ] as const) {
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(value);
    }
    const sql = sets.length > 0 ? `UPDATE releases SET ${sets.join(', ')} WHERE id = ?` : 'UPDATE releases SET id = id WHERE id = ?';
    this.immediate(() => {
      this.checkReleaseFence(id, fence);
      this.run(sql, [...params, id]);
    });
  }

  async getRelease(id: string): Promise<Release | undefined> {
    const row = this.get<ReleaseRow>(`SELECT ${COLUMNS.releases} FROM releases WHERE id = ?`, [id]);
    return row && releaseFromRow(row);
  }

  async listReleases(filter: { env?: string; limit?: number } = {}): Promise<Release[]> {
    const where = filter.env === undefined ? '' : 'WHERE env = ?';
    const params: unknown[] = filter.env === undefined ? [] : [filter.env];
    const limit = filter.limit === undefined ? '' : 'LIMIT ?';
    if (filter.limit !== undefined) params.push(listLimit(filter.limit));
    const sql = `SELECT ${COLUMNS.releases} FROM releases ${where} ORDER BY started_at DESC, rowid DESC ${limit}`;
    return this.all<ReleaseRow>(sql, params).map(releaseFromRow);
  }

  async appendJournal(entry: JournalEntry, fence: Fence): Promise<number> {
    return this.immediate(() => {
      this.checkReleaseFence(entry.releaseId, fence);
      return this.append(entry).seq;
    });
  }

  async journal(releaseId: string): Promise<JournalEntry[]> {
    const rows = this.all<JournalRow>(`SELECT ${COLUMNS.journal} FROM journal WHERE release_id = ? ORDER BY seq`, [releaseId]);
    return rows.map(journalFromRow);
  }

  async completeStep(entry: JournalEntry, service: string, state: DeployedService | null, fence: Fence): Promise<number> {
    return this.immediate(() => {
      this.checkReleaseFence(entry.releaseId, fence);
      const { seq, env } = this.append(entry, (releaseEnv) => validateStep(entry, service, state, releaseEnv));
      if (state) {
        this.run(upsertDeployed(marks(8)), deployedParams(state));
      } else {
        this.run('DELETE FROM deployed WHERE env = ? AND service = ?', [env, service]);
      }
      return seq;
    });
  }

  async recordCheck(record: CheckRecord, fence: Fence): Promise<void> {
    this.immediate(() => {
      this.checkReleaseFence(record.releaseId, fence);
      this.run(`INSERT INTO checks (${COLUMNS.checks}) VALUES (${marks(9)})`, checkParams(record));
    });
  }

  async checks(releaseId: string): Promise<CheckRecord[]> {
    return this.all<CheckRow>(`SELECT ${COLUMNS.checks} FROM checks WHERE release_id = ? ORDER BY id`, [releaseId]).map(checkFromRow);
  }

  async recordFindings(releaseId: string, findings: Finding[], fence: Fence): Promise<void> {
    this.immediate(() => {
      this.checkReleaseFence(releaseId, fence);
      for (const f of findings) {
        this.run(`INSERT INTO findings (release_id, ${COLUMNS.findings}) VALUES (${marks(11)})`, findingParams(releaseId, f));
      }
    });
  }

  async findings(releaseId: string): Promise<Finding[]> {
    const rows = this.all<FindingRow>(`SELECT ${COLUMNS.findings} FROM findings WHERE release_id = ? ORDER BY id`, [releaseId]);
    return rows.map(findingFromRow);
  }

  async deployed(env: string): Promise<Map<string, DeployedService>> {
    const rows = this.all<DeployedRow>(`SELECT ${COLUMNS.deployed} FROM deployed WHERE env = ? ORDER BY service`, [env]);
    return new Map(rows.map((row) => [row.service, deployedFromRow(row)]));
  }

  async acquireLock(holder: LockRequest): Promise<{ acquired: true } | { acquired: false; holder: LockState }> {
    return this.immediate(() => {
      this.run(`INSERT INTO locks (${COLUMNS.locks}) VALUES (${marks(6)}, ${NOW}, ${NOW}) ON CONFLICT (env) DO NOTHING`, lockParams(holder));
      const current = this.lockRow(holder.env);
      if (!current) throw new Error(`internal error: the lock on ${holder.env} vanished inside a transaction`);
      // The same token again is a retry of this acquisition (its first answer was lost): it holds.
      return current.token === holder.token ? { acquired: true } : { acquired: false, holder: lockStateFromRow(current) };
    });
  }

  async heartbeat(env: string, token: string, releaseId?: string): Promise<void> {
    if (
      this.run(`UPDATE locks SET heartbeat_at = ${NOW}, release_id = COALESCE(?, release_id) WHERE env = ? AND token = ?`, [releaseId ?? null, env, token])
        .changes === 0
    ) {
      throw new LockLostError(env, token, await this.currentLock(env));
    }
  }

  async releaseLock(env: string, token: string): Promise<void> {
    this.run('DELETE FROM locks WHERE env = ? AND token = ?', [env, token]);
  }

  async breakLock(env: string): Promise<LockHolder | undefined> {
    const row = this.get<LockRow>(`DELETE FROM locks WHERE env = ? RETURNING ${COLUMNS.locks}`, [env]);
    return row && lockFromRow(row);
  }

  async currentLock(env: string): Promise<LockState | undefined> {
    const row = this.lockRow(env);
    return row && lockStateFromRow(row);
  }

  async freeze(freeze: Freeze): Promise<void> {
    this.run(
      `INSERT INTO freezes (${COLUMNS.freezes}) VALUES (${marks(7)})
       ON CONFLICT (env, service) DO UPDATE SET reason = excluded.reason, allow_scope = excluded.allow_scope,
         until_at = excluded.until_at, frozen_by = excluded.frozen_by, created_at = excluded.created_at`,
      freezeParams(freeze),
    );
  }

  async unfreeze(env: string, service?: string): Promise<boolean> {
    return this.run('DELETE FROM freezes WHERE env = ? AND service = ?', [env, service ?? WHOLE_ENV]).changes > 0;
  }

  async freezes(env?: string): Promise<Freeze[]> {
    const rows =
      env === undefined
        ? this.all<FreezeRow>(`SELECT ${COLUMNS.freezes} FROM freezes ORDER BY env, service`, [])
        : this.all<FreezeRow>(`SELECT ${COLUMNS.freezes} FROM freezes WHERE env = ? ORDER BY service`, [env]);
    return rows.map(freezeFromRow);
  }

  /** Takes the release's next seq and writes the entry; `check` may refuse, given the release's env. */
  private append(entry: JournalEntry, check?: (releaseEnv: string) => void): { seq: number; env: string } {
    const next = this.get<{ journal_seq: number; env: string }>('UPDATE releases SET journal_seq = journal_seq + 1 WHERE id = ? RETURNING journal_seq, env', [
      entry.releaseId,
    ]);
    if (!next) throw unknownRelease(entry.releaseId);
    check?.(next.env);
    this.run(`INSERT INTO journal (${COLUMNS.journal}) VALUES (${marks(8)})`, journalParams(entry, next.journal_seq));
    return { seq: next.journal_seq, env: next.env };
  }

  /** Inside a write's transaction: refuses it unless `fence` holds the lock of release `id`'s environment. */
  private checkReleaseFence(id: string, fence: Fence): void {
    const release = this.get<{ env: string }>('SELECT env FROM releases WHERE id = ?', [id]);
    if (!release) throw unknownRelease(id);
    this.checkFence(fence, release.env);
  }

  /** Inside a write's transaction: refuses it unless `fence` holds the lock of `env`, the environment written to. */
  private checkFence(fence: Fence, env: string): void {
    const row = this.get<LockRow>(`SELECT ${COLUMNS.locks} FROM locks WHERE env = ?`, [env]);
    if (fence.env !== env || row?.token !== fence.token) throw new LockLostError(env, fence.token, row && lockFromRow(row));
  }

  private lockRow(env: string): (LockRow & { silent_ms: number }) | undefined {
    const silent = `CAST(round((julianday('now') - julianday(heartbeat_at)) * 86400000) AS INTEGER) AS silent_ms`;
    return this.get<LockRow & { silent_ms: number }>(`SELECT ${COLUMNS.locks}, ${silent} FROM locks WHERE env = ?`, [env]);
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction: committed when it returns, rolled back when it throws. */
  private immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run(sql: string, params: unknown[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  private get<T>(sql: string, params: unknown[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  private all<T>(sql: string, params: unknown[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }
}

function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
