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

/** The value of a JSON column; SQL `NULL` is `undefined`. */
export function fromJsonColumn<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}
