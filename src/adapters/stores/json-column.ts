import { DamagedRecordError } from './store-fault.js';

/**
 * JSON columns. Values are stored as the text `JSON.stringify` writes (SQLite `TEXT`, Postgres
 * `json`, which keeps the text as written, key order included) and read back as that text (the
 * Postgres store asks pg not to parse `json`), so both stores return exactly the same values.
 */
export function toJsonColumn(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`cannot store ${String(value)} as JSON`);
  return text;
}

/** The value of a JSON column; SQL `NULL` is `undefined`. Text that does not parse is a damaged record. */
export function fromJsonColumn<T>(text: string | null): T | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new DamagedRecordError(`a record does not read back (${error instanceof Error ? error.message : String(error)})`, [], { cause: error });
  }
}
