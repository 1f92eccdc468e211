import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../core/input-error.js';
import type { Store } from '../../ports/store.js';
import { PostgresStore } from './postgres-store.js';
import { redactUrl } from './redact-url.js';
import { SchemaTooNewError } from './schema-too-new-error.js';
import { SqliteStore } from './sqlite-store.js';
import { StoreOpenError } from './store-open-error.js';

/**
 * Opens and migrates the store `spec` names (`--state` or `TRANCHE_STATE`):
 * - absent: SQLite at `<fleetRoot>/.tranche/state.db`;
 * - `postgres://…` or `postgresql://…`: Postgres;
 * - `sqlite:PATH`, or a path containing a `/` or ending in `.db`, `.sqlite` or `.sqlite3`: SQLite.
 * A relative path is relative to the fleet root, so the same setting names the same file from
 * any directory. A bare word (`postgres`, `prod`) is refused rather than taken for a file name:
 * a mistyped URL must not quietly become a new, empty local store. With `create: false` (commands
 * that only read) a SQLite file that does not exist, or is empty, is refused rather than made.
 */
export async function openStore(spec: string | undefined, fleetRoot: string, options: { create?: boolean } = {}): Promise<Store> {
  const { create, where, file } = storeFor(spec, fleetRoot);
  if (options.create === false && file !== undefined) {
    const size = statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) throw new InputError(`there is no state store at ${file}: a command that only reads does not create one (check --state / TRANCHE_STATE)`);
    if (size === 0) throw new InputError(`${file} is empty: it is not a tranche state store`);
  }
  let store: Store;
  try {
    store = create();
  } catch (error) {
    throw new StoreOpenError(where, error);
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error instanceof SchemaTooNewError ? error : new StoreOpenError(where, error);
  }
  return store;
}

interface StoreSpec {
  create(): Store;
  /** The store as messages name it (a URL without its password). */
  where: string;
  /** The SQLite file, when it is one. */
  file?: string;
}

function storeFor(spec: string | undefined, fleetRoot: string): StoreSpec {
  if (spec === undefined) return sqlite(join(fleetRoot, '.tranche', 'state.db'));
  if (/^postgres(ql)?:\/\//i.test(spec)) return { create: () => new PostgresStore(spec), where: redactUrl(spec) };
  const sqlitePath = /^sqlite:(?:\/\/)?(.*)$/is.exec(spec)?.[1];
  if (sqlitePath !== undefined) {
    if (sqlitePath === '') throw refused(spec, 'sqlite: needs a path after it');
    return sqlite(sqlitePath === ':memory:' ? sqlitePath : resolve(fleetRoot, sqlitePath));
  }
  const isDrivePath = /^[a-z]:[\\/]/i.test(spec);
  if (/^[a-z][a-z0-9+.-]+:/i.test(spec) && !isDrivePath) throw refused(spec, 'unknown kind of store');
  if (isAbsolute(spec) || isDrivePath || /[\\/]/.test(spec) || /\.(db|sqlite3?)$/i.test(spec)) {
    return sqlite(resolve(fleetRoot, spec));
  }
  throw refused(spec, spec === '' ? 'it is empty' : 'a bare name is neither a URL nor a file path');
}

function sqlite(path: string): StoreSpec {
  return { create: () => new SqliteStore(path), where: path, ...(path === ':memory:' ? {} : { file: path }) };
}

function refused(spec: string, why: string): InputError {
  return new InputError(
    `state store ${JSON.stringify(redactUrl(spec))} not understood (${why}): ` +
      'use postgres://… or postgresql://…, sqlite:PATH, or a file path such as .tranche/state.db',
  );
}
