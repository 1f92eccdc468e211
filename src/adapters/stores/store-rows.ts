import type { ChangeKind } from '../../core/changes/change-manifest.js';
import type { Finding } from '../../core/finding.js';
import { checkPlan, planProblemLines } from '../../core/plan/read-plan.js';
import type { Plan } from '../../core/plan/plan.js';
import type { CheckRecord, DeployedService, Freeze, JournalEntry, LockHolder, LockRequest, LockState, Release } from '../../ports/store.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { DamagedRecordError } from './store-fault.js';

/*
 * Rows as both stores read them, and the parameters both stores write, in the column order their
 * INSERT statements list. Absent optional fields are SQL NULL and come back absent (never as
 * `undefined` properties), so a record read back is deep-equal to the record written.
 */

type Nullable<T> = T | null;

/** The columns every SELECT of a table lists, in the shape of its row type. */
export const COLUMNS = {
  releases: 'id, kind, env, status, intent, scope, from_commit, to_commit, by_user, by_host, by_pid, started_at, finished_at, summary, plan',
  journal: 'release_id, seq, at, batch, service, kind, event, detail',
  checks: 'release_id, at, batch, service, gate, name, ok, message, duration_ms',
  findings: 'rule, severity, service, env, key_name, message, hint, loc_file, loc_line, loc_column',
  deployed: 'env, service, commit_id, content_id, config_hash, config, release_id, deployed_at',
  locks: 'env, token, holder_user, holder_host, holder_pid, release_id, acquired_at, heartbeat_at',
  freezes: 'env, service, reason, allow_scope, until_at, frozen_by, created_at',
} as const;

export function unknownRelease(id: string): Error {
  return new Error(`internal error: no release ${JSON.stringify(id)} in the state store`);
}

/** `listReleases`' limit, checked: a whole number, 0 or more. */
export function listLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`internal error: listReleases limit must be a whole number ≥ 0, not ${limit}`);
  return limit;
}

export interface ReleaseRow {
  id: string;
  kind: Release['kind'];
  env: string;
  status: Release['status'];
  intent: Nullable<string>;
  scope: Nullable<string>;
  from_commit: Nullable<string>;
  to_commit: string;
  by_user: string;
  by_host: string;
  by_pid: number;
  started_at: string;
  finished_at: Nullable<string>;
  summary: Nullable<string>;
  plan: string;
}

/** In `COLUMNS.releases` order. */
export function releaseParams(r: Release): unknown[] {
  return [
    r.id,
    r.kind,
    r.env,
    r.status,
    r.intent ?? null,
    r.scope === undefined ? null : toJsonColumn(r.scope),
    r.fromCommit ?? null,
    r.toCommit,
    r.by.user,
    r.by.host,
    r.by.pid,
    r.startedAt,
    r.finishedAt ?? null,
    r.summary ?? null,
    toJsonColumn(r.plan),
  ];
}

export function releaseFromRow(row: ReleaseRow): Release {
  const release: Release = {
    id: row.id,
    kind: row.kind,
    env: row.env,
    status: row.status,
    toCommit: row.to_commit,
    by: { user: row.by_user, host: row.by_host, pid: row.by_pid },
    startedAt: row.started_at,
    plan: storedPlan(row.id, row.plan),
  };
  if (row.intent !== null) release.intent = row.intent;
  const scope = fromJsonColumn<ChangeKind[]>(row.scope);
  if (scope !== undefined) release.scope = scope;
  if (row.from_commit !== null) release.fromCommit = row.from_commit;
  if (row.finished_at !== null) release.finishedAt = row.finished_at;
  if (row.summary !== null) release.summary = row.summary;
  return release;
}

/**
 * The plan a release row holds, read as every plan is (`checkPlan`): one this tranche cannot read
 * is a damaged record, said with the release and where the plan breaks — never a crash halfway
 * through a resume or a rollback.
 */
function storedPlan(releaseId: string, text: string): Plan {
  const read = checkPlan(fromJsonColumn<unknown>(text));
  if (read.plan) return read.plan;
  throw new DamagedRecordError(
    `release ${releaseId} holds a plan this tranche cannot read: was the store written by another version of tranche, or edited?`,
    planProblemLines(read, 'plan'),
  );
}

export interface JournalRow {
  release_id: string;
  seq: number;
  at: string;
  batch: number;
  service: Nullable<string>;
  kind: JournalEntry['kind'];
  event: JournalEntry['event'];
  detail: Nullable<string>;
}

/** In `COLUMNS.journal` order. */
export function journalParams(e: JournalEntry, seq: number): unknown[] {
  return [e.releaseId, seq, e.at, e.batch, e.service ?? null, e.kind, e.event, e.detail === undefined ? null : toJsonColumn(e.detail)];
}

export function journalFromRow(row: JournalRow): JournalEntry {
  const entry: JournalEntry = { releaseId: row.release_id, seq: row.seq, at: row.at, batch: row.batch, kind: row.kind, event: row.event };
  if (row.service !== null) entry.service = row.service;
  const detail = fromJsonColumn<Record<string, unknown>>(row.detail);
  if (detail !== undefined) entry.detail = detail;
  return entry;
}

export interface CheckRow {
  release_id: string;
  at: string;
  batch: number;
  service: string;
  gate: CheckRecord['gate'];
  name: string;
  /** SQLite has no boolean: 0 or 1 there, a boolean in Postgres. */
  ok: number | boolean;
  message: string;
  duration_ms: number;
}

/** In `COLUMNS.checks` order (`ok` as 1/0: SQLite binds no booleans, Postgres reads '1'/'0' as booleans) */
export function checkParams(c: CheckRecord): unknown[] {
  return [c.releaseId, c.at, c.batch, c.service, c.gate, c.name, c.ok ? 1 : 0, c.message, c.durationMs];
}

export function checkFromRow(row: CheckRow): CheckRecord {
  return {
    releaseId: row.release_id,
    at: row.at,
    batch: row.batch,
    service: row.service,
    gate: row.gate,
    name: row.name,
    ok: row.ok === true || row.ok === 1,
    message: row.message,
    durationMs: row.duration_ms,
  };
}

export interface FindingRow {
  rule: Finding['rule'];
  severity: Finding['severity'];
  service: Nullable<string>;
  env: Nullable<string>;
  key_name: Nullable<string>;
  message: string;
  hint: Nullable<string>;
  loc_file: Nullable<string>;
  loc_line: Nullable<number>;
  loc_column: Nullable<number>;
}

/** `release_id`, then `COLUMNS.findings` order. */
export function findingParams(releaseId: string, f: Finding): unknown[] {
  return [
    releaseId,
    f.rule,
    f.severity,
    f.service ?? null,
    f.env ?? null,
    f.key ?? null,
    f.message,
    f.hint ?? null,
    f.location?.file ?? null,
    f.location?.line ?? null,
    f.location?.column ?? null,
  ];
}

export function findingFromRow(row: FindingRow): Finding {
  const finding: Finding = { rule: row.rule, severity: row.severity, message: row.message };
  if (row.service !== null) finding.service = row.service;
  if (row.env !== null) finding.env = row.env;
  if (row.key_name !== null) finding.key = row.key_name;
  if (row.hint !== null) finding.hint = row.hint;
  if (row.loc_file !== null) {
    finding.location = { file: row.loc_file };
    if (row.loc_line !== null) finding.location.line = row.loc_line;
    if (row.loc_column !== null) finding.location.column = row.loc_column;
  }
  return finding;
}

export interface DeployedRow {
  env: string;
  service: string;
  commit_id: string;
  content_id: string;
  config_hash: string;
  config: string;
  release_id: string;
  deployed_at: string;
}

/**
 * Records what runs of a service: one row per environment and service, replaced in place. The
 * same statement in both dialects, with their placeholders (`marks`, 8 of them).
 */
export function upsertDeployed(marks: string): string {
  return `INSERT INTO deployed (${COLUMNS.deployed}) VALUES (${marks})
           ON CONFLICT (env, service) DO UPDATE SET commit_id = excluded.commit_id, content_id = excluded.content_id,
             config_hash = excluded.config_hash, config = excluded.config, release_id = excluded.release_id,
             deployed_at = excluded.deployed_at`;
}

/** In `COLUMNS.deployed` order. */
export function deployedParams(d: DeployedService): unknown[] {
  return [d.env, d.service, d.commit, d.contentId, d.configHash, toJsonColumn(d.config), d.releaseId, d.deployedAt];
}

export function deployedFromRow(row: DeployedRow): DeployedService {
  return {
    env: row.env,
    service: row.service,
    commit: row.commit_id,
    contentId: row.content_id,
    configHash: row.config_hash,
    config: fromJsonColumn<Record<string, string>>(row.config) ?? {},
    releaseId: row.release_id,
    deployedAt: row.deployed_at,
  };
}

export interface LockRow {
  env: string;
  token: string;
  holder_user: string;
  holder_host: string;
  holder_pid: number;
  release_id: Nullable<string>;
  acquired_at: string;
  heartbeat_at: string;
}

/** In `COLUMNS.locks` order. */
/** The parameters of a lock's row but its times, which the store stamps itself. */
export function lockParams(h: LockRequest): unknown[] {
  return [h.env, h.token, h.user, h.host, h.pid, h.releaseId ?? null];
}

export function lockFromRow(row: LockRow): LockHolder {
  const holder: LockHolder = {
    env: row.env,
    token: row.token,
    user: row.holder_user,
    host: row.holder_host,
    pid: row.holder_pid,
    acquiredAt: row.acquired_at,
    heartbeatAt: row.heartbeat_at,
  };
  if (row.release_id !== null) holder.releaseId = row.release_id;
  return holder;
}

/** A lock row read with how long its holder has been silent (`silent_ms`, computed by the database). */
export function lockStateFromRow(row: LockRow & { silent_ms: number | string }): LockState {
  return { ...lockFromRow(row), silentMs: Math.max(0, Number(row.silent_ms)) };
}

/** A freeze of the whole environment is stored with service '' (a primary key column cannot be NULL). */
export const WHOLE_ENV = '';

export interface FreezeRow {
  env: string;
  service: string;
  reason: string;
  allow_scope: string;
  until_at: Nullable<string>;
  frozen_by: string;
  created_at: string;
}

/** In `COLUMNS.freezes` order. */
export function freezeParams(f: Freeze): unknown[] {
  return [f.env, f.service ?? WHOLE_ENV, f.reason, toJsonColumn(f.allowScope), f.until ?? null, f.by, f.createdAt];
}

export function freezeFromRow(row: FreezeRow): Freeze {
  const freeze: Freeze = {
    env: row.env,
    reason: row.reason,
    allowScope: fromJsonColumn<ChangeKind[]>(row.allow_scope) ?? [],
    by: row.frozen_by,
    createdAt: row.created_at,
  };
  if (row.service !== WHOLE_ENV) freeze.service = row.service;
  if (row.until_at !== null) freeze.until = row.until_at;
  return freeze;
}
