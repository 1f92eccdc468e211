import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { withCleanupError } from '../../core/cleanup.js';
import { InputError } from '../../core/input-error.js';
import { StoreFaultError, type Store } from '../../ports/store.js';
import { redactUrl } from './redact-url.js';
import { SqliteStore } from './sqlite-store.js';
import { storeFault, withStoreFaults } from './store-fault.js';

/**
 * Opens and migrates the store `spec` names (`--state` or `TRANCHE_STATE`):
 * - absent: SQLite at `<fleetRoot>/.tranche/state.db`;
 * - `postgres://…` or `postgresql://…`: Postgres;
 * - `sqlite:PATH`, or a path containing a `/` or ending in `.db`, `.sqlite` or `.sqlite3`: SQLite.
 * A relative path is relative to the fleet root, so the same setting names the same file from
 * any directory. A bare word (`postgres`, `prod`) is refused rather than taken for a file name:
 * a mistyped URL must not quietly become a new, empty local store. With `create: false` (commands
 * that only read) a SQLite file that does not exist, or is empty, is refused rather than made.
 * A store that cannot be opened, or fails later for a reason of its own (unreachable, damaged,
 * full), throws a `StoreFaultError` that says what to do.
 */
export async function openStore(spec: string | undefined, fleetRoot: string, options: { create?: boolean } = {}): Promise<Store> {
  const { create, where, file } = storeFor(spec, fleetRoot);
  if (options.create === false && file !== undefined) {
    const size = statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined)
      throw new InputError(`there is no state store at ${file}: a command that only reads does not create one (check --state / TRANCHE_STATE)`);
    if (size === 0) throw new InputError(`${file} is empty: it is not a tranche state store`);
  }
  let store: Store;
  try {
    store = await create();
  } catch (error) {
    throw openFault(where, error);
  }
  try {
    await store.migrate();
  } catch (error) {
    const fault = openFault(where, error);
    await store.close().catch((closeError: unknown) => withCleanupError(fault, closeError));
    throw fault;
  }
  return withStoreFaults(store, where);
}

/** Whatever fails while a store is opened is a fault of the store (or of its settings), said as such. */
function openFault(where: string, error: unknown): StoreFaultError {
  return (
    storeFault(where, error, true) ??
    new StoreFaultError(where, `cannot open the state store ${where}: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error })
  );
}

interface StoreSpec {
  /** Postgres's client is loaded only for a Postgres store: most commands of most fleets use SQLite. */
  create(): Promise<Store>;
  /** The store as messages name it (a URL without its password). */
  where: string;
  /** The SQLite file, when it is one. */
  file?: string;
}

function storeFor(spec: string | undefined, fleetRoot: string): StoreSpec {
  if (spec === undefined) return sqlite(join(fleetRoot, '.tranche', 'state.db'));
  if (/^postgres(ql)?:\/\//i.test(spec)) return { create: async () => new (await import('./postgres-store.js')).PostgresStore(spec), where: redactUrl(spec) };
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
  return { create: async () => new SqliteStore(path), where: path, ...(path === ':memory:' ? {} : { file: path }) };
}

function refused(spec: string, why: string): InputError {
  return new InputError(
    `state store ${JSON.stringify(redactUrl(spec))} not understood (${why}): ` +
      'use postgres://… or postgresql://…, sqlite:PATH, or a file path such as .tranche/state.db',
  );
}
