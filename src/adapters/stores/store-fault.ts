import { statSync } from 'node:fs';
import { StoreFaultError } from '../../ports/store.js';

/** A JSON column whose text does not parse: the row was damaged outside tranche. */
export class DamagedRecordError extends Error {
  /** `what`: the record and why it does not read; `details`: lines that say where, if any. */
  constructor(
    what: string,
    readonly details: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(what, options);
    this.name = 'DamagedRecordError';
  }
}

const SETTINGS = 'the URL given by --state or TRANCHE_STATE';

/**
 * What a failure of the store at `where` is to a person, with what to do about it — or undefined
 * when it is not the store's fault (a bug in tranche, a lost lock, a refused step), to be thrown
 * as it is. Covers SQLite's result codes (better-sqlite3), Postgres' SQLSTATE classes and the
 * network errors of a connection (pg). `opening`: the store was being opened.
 */
export function storeFault(where: string, error: unknown, opening: boolean): StoreFaultError | undefined {
  if (error instanceof StoreFaultError) return error;
  const fault = (advice: string) => new StoreFaultError(where, advice, opening, { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof DamagedRecordError) {
    return fault(`the state store ${where} holds a damaged record (${reason}): restore it from a backup${error.details.map((line) => `\n  ${line}`).join('')}`);
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') {
    // pg reports a connection lost under a query without a code.
    if (/Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(reason)) return unreachable();
    return undefined;
  }

  // SQLite (better-sqlite3): SQLITE_CORRUPT, SQLITE_IOERR_SHORT_READ…
  if (code === 'SQLITE_NOTADB') {
    return fault(
      `${where} is not a tranche state store (${reason}): point --state or TRANCHE_STATE at the right file, or move this one away to start a new store`,
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return fault(`the state store ${where} is damaged (${reason}): restore it from a backup, or move it away (tranche adopt then records what runs)`);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    if (isDirectory(where)) return fault(`the state store ${where} is a directory, not a file: move it away, or point --state or TRANCHE_STATE at a file`);
    return fault(`cannot open the state store ${where} (${reason}): check that its folder exists and that this user may read and write both`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return fault(`the state store ${where} cannot be written (${reason}): check this user's permissions on the file and its folder`);
  }
  if (code === 'SQLITE_FULL') return fault(`the state store ${where} cannot grow (${reason}): free some disk space, then run again`);
  if (code.startsWith('SQLITE_IOERR'))
    return fault(`reading or writing the state store ${where} failed (${reason}): check the disk and the file, then run again`);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fault(`the state store ${where} stayed locked by another process (${reason}): wait for it to finish, then run again`);
  }
  // Creating the store's folder (`.tranche/` being a file, a read-only disk…).
  if (['ENOTDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EISDIR'].includes(code)) {
    return fault(`cannot create the state store ${where} (${reason}): check the path and this user's permissions on its folder`);
  }

  // The network, under pg.
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(code)) return unreachable();
  // Postgres SQLSTATE classes: 08 connection, 57P0x shut down, 28 login, 3D no database, 42501 privilege, 53 resources, 25006 read-only.
  if (code.startsWith('08') || /^57P0\d$/.test(code)) return unreachable();
  if (code.startsWith('28')) return fault(`the state store ${where} refused the login (${reason}): check the user and password in ${SETTINGS}`);
  if (code === '3D000') return fault(`the state store ${where} does not exist (${reason}): create the database, or fix the URL in --state or TRANCHE_STATE`);
  if (code === '42501') {
    return fault(`the state store ${where} refused access (${reason}): grant this user the right to create tables in its schema and to read and write them`);
  }
  if (code.startsWith('53'))
    return fault(`the state store ${where} is out of resources (${reason}): free disk space or connections on the database server, then run again`);
  if (code === '25006') return fault(`the state store ${where} is read-only (${reason}): point --state or TRANCHE_STATE at the primary`);
  return undefined;

  function unreachable(): StoreFaultError {
    return fault(`cannot reach the state store ${where} (${reason}): check that the database server runs and accepts connections there, and ${SETTINGS}`);
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/**
 * `store` with every failure that is the store's own (see `storeFault`) thrown as a
 * `StoreFaultError` naming it: the CLI shows those as messages, not as bugs.
 */
export function withStoreFaults<S extends object>(store: S, where: string): S {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw storeFault(where, error, false) ?? error;
        }
      };
    },
  });
}
