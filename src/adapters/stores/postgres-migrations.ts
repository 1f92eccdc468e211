import type { Migration } from './migration.js';

/*
 * The Postgres store's schema, oldest first: the SQLite schema in Postgres types. Times are ISO
 * 8601 text, as in SQLite, so both stores return exactly what they were given; `json` (not
 * `jsonb`) keeps JSON text as written. Identity columns keep insertion order.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'releases, journal, checks, findings, deployed state, locks, freezes',
    sql: `
      CREATE TABLE releases (
        id          text PRIMARY KEY,
        ord         bigint GENERATED ALWAYS AS IDENTITY,
        env         text NOT NULL,
        status      text NOT NULL,
        intent      text,
        scope       json,
        from_commit text,
        to_commit   text NOT NULL,
        by_user     text NOT NULL,
        by_host     text NOT NULL,
        by_pid      integer NOT NULL,
        started_at  text NOT NULL,
        finished_at text,
        summary     text,
        plan        json NOT NULL,
        journal_seq integer NOT NULL DEFAULT 0 -- the last seq given to this release's journal
      );
      CREATE INDEX releases_env_started ON releases (env, started_at);
      CREATE INDEX releases_started ON releases (started_at);

      CREATE TABLE journal (
        release_id text NOT NULL REFERENCES releases (id),
        seq        integer NOT NULL,
        at         text NOT NULL,
        batch      integer NOT NULL,
        service    text,
        kind       text NOT NULL,
        event      text NOT NULL,
        detail     json,
        PRIMARY KEY (release_id, seq)
      );

      CREATE TABLE checks (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        release_id  text NOT NULL REFERENCES releases (id),
        at          text NOT NULL,
        batch       integer NOT NULL,
        service     text NOT NULL,
        gate        text NOT NULL,
        name        text NOT NULL,
        ok          boolean NOT NULL,
        message     text NOT NULL,
        duration_ms double precision NOT NULL
      );
      CREATE INDEX checks_release ON checks (release_id);

      CREATE TABLE findings (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        release_id text NOT NULL REFERENCES releases (id),
        rule       text NOT NULL,
        severity   text NOT NULL,
        service    text,
        env        text,
        key_name   text,
        message    text NOT NULL,
        hint       text,
        loc_file   text,
        loc_line   integer,
        loc_column integer
      );
      CREATE INDEX findings_release ON findings (release_id);

      CREATE TABLE deployed (
        env         text NOT NULL,
        service     text NOT NULL,
        commit_id   text NOT NULL,
        content_id  text NOT NULL,
        config_hash text NOT NULL,
        config      json NOT NULL,
        release_id  text NOT NULL REFERENCES releases (id),
        deployed_at text NOT NULL,
        PRIMARY KEY (env, service)
      );

      CREATE TABLE locks (
        env          text PRIMARY KEY,
        token        text NOT NULL,
        holder_user  text NOT NULL,
        holder_host  text NOT NULL,
        holder_pid   integer NOT NULL,
        release_id   text,
        acquired_at  text NOT NULL,
        heartbeat_at text NOT NULL
      );

      CREATE TABLE freezes (
        env         text NOT NULL,
        service     text NOT NULL, -- '' for the whole environment
        reason      text NOT NULL,
        allow_scope json NOT NULL,
        until_at    text,
        frozen_by   text NOT NULL,
        created_at  text NOT NULL,
        PRIMARY KEY (env, service)
      );
    `,
  },
  {
    version: 2,
    name: 'the kind of a release record: a release, or an adoption of what runs',
    sql: `
      ALTER TABLE releases ADD COLUMN kind text NOT NULL DEFAULT 'release';
    `,
  },
  {
    version: 3,
    name: 'the key fingerprints and config hashes are made with (one row, made on first use)',
    sql: `
      CREATE TABLE fingerprint_key (
        id         integer PRIMARY KEY CHECK (id = 1),
        key        text NOT NULL CHECK (key ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
