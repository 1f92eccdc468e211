import type { Migration } from './migration.js';

/*
 * The SQLite store's schema, oldest first. Times are ISO 8601 text as the engine writes them
 * (`Date#toISOString`), which sorts correctly as text; JSON columns hold `JSON.stringify` text.
 * Foreign keys need `PRAGMA foreign_keys = ON`, which the store sets on every connection.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'releases, journal, checks, findings, deployed state, locks, freezes',
    sql: `
      CREATE TABLE releases (
        id          TEXT PRIMARY KEY,
        env         TEXT NOT NULL,
        status      TEXT NOT NULL,
        intent      TEXT,
        scope       TEXT,
        from_commit TEXT,
        to_commit   TEXT NOT NULL,
        by_user     TEXT NOT NULL,
        by_host     TEXT NOT NULL,
        by_pid      INTEGER NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        summary     TEXT,
        plan        TEXT NOT NULL,
        journal_seq INTEGER NOT NULL DEFAULT 0 -- the last seq given to this release's journal
      );
      CREATE INDEX releases_env_started ON releases (env, started_at);
      CREATE INDEX releases_started ON releases (started_at);

      CREATE TABLE journal (
        release_id TEXT NOT NULL REFERENCES releases (id),
        seq        INTEGER NOT NULL,
        at         TEXT NOT NULL,
        batch      INTEGER NOT NULL,
        service    TEXT,
        kind       TEXT NOT NULL,
        event      TEXT NOT NULL,
        detail     TEXT,
        PRIMARY KEY (release_id, seq)
      );

      CREATE TABLE checks (
        id          INTEGER PRIMARY KEY,
        release_id  TEXT NOT NULL REFERENCES releases (id),
        at          TEXT NOT NULL,
        batch       INTEGER NOT NULL,
        service     TEXT NOT NULL,
        gate        TEXT NOT NULL,
        name        TEXT NOT NULL,
        ok          INTEGER NOT NULL,
        message     TEXT NOT NULL,
        duration_ms REAL NOT NULL
      );
      CREATE INDEX checks_release ON checks (release_id);

      CREATE TABLE findings (
        id         INTEGER PRIMARY KEY,
        release_id TEXT NOT NULL REFERENCES releases (id),
        rule       TEXT NOT NULL,
        severity   TEXT NOT NULL,
        service    TEXT,
        env        TEXT,
        key_name   TEXT,
        message    TEXT NOT NULL,
        hint       TEXT,
        loc_file   TEXT,
        loc_line   INTEGER,
        loc_column INTEGER
      );
      CREATE INDEX findings_release ON findings (release_id);

      CREATE TABLE deployed (
        env         TEXT NOT NULL,
        service     TEXT NOT NULL,
        commit_id   TEXT NOT NULL,
        content_id  TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        config      TEXT NOT NULL,
        release_id  TEXT NOT NULL REFERENCES releases (id),
        deployed_at TEXT NOT NULL,
        PRIMARY KEY (env, service)
      );

      CREATE TABLE locks (
        env          TEXT PRIMARY KEY,
        token        TEXT NOT NULL,
        holder_user  TEXT NOT NULL,
        holder_host  TEXT NOT NULL,
        holder_pid   INTEGER NOT NULL,
        release_id   TEXT,
        acquired_at  TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      );

      CREATE TABLE freezes (
        env         TEXT NOT NULL,
        service     TEXT NOT NULL, -- '' for the whole environment
        reason      TEXT NOT NULL,
        allow_scope TEXT NOT NULL,
        until_at    TEXT,
        frozen_by   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (env, service)
      );
    `,
  },
  {
    version: 2,
    name: 'the kind of a release record: a release, or an adoption of what runs',
    sql: `
      ALTER TABLE releases ADD COLUMN kind TEXT NOT NULL DEFAULT 'release';
    `,
  },
  {
    version: 3,
    name: 'the key fingerprints and config hashes are made with (one row, made on first use)',
    sql: `
      CREATE TABLE fingerprint_key (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        key        TEXT NOT NULL CHECK (length(key) = 64 AND key NOT GLOB '*[^0-9a-f]*'),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      );
    `,
  },
];
