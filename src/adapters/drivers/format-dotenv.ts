/** A value that no quoting lets a file's reader read back exactly. */
export class UnwritableValueError extends Error {
  constructor(
    readonly key: string,
    reason: string,
    file = 'a dotenv file',
  ) {
    super(`the value of ${key} cannot be written to ${file}: ${reason}`);
    this.name = 'UnwritableValueError';
  }
}

/** Keys the `dotenv` package reads. */
const KEY = /^[A-Za-z0-9_.-]+$/;
/** In double quotes, dotenv turns these two-character sequences into a newline and a carriage return. */
const EXPANDED = /\\[nr]/;

/**
 * The text of a dotenv file holding `values`, each quoted so that the `dotenv` package (and
 * `node --env-file`) parses it back to exactly the same string: dotenv has no escapes, so each
 * value gets a quote character it does not contain. A value that cannot round-trip (one holding
 * all three quote characters and a newline or `#`) is an `UnwritableValueError` naming its key,
 * never its value. It is a dotenv file, not a shell script: to `source` the config, a script
 * reads the file formatShell writes.
 */
export function formatDotenv(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${quote(key, value)}\n`)
    .join('');
}

function quote(key: string, value: string): string {
  if (!KEY.test(key)) throw new UnwritableValueError(key, 'dotenv keys hold only letters, digits, _, . and -');
  // dotenv turns every carriage return of the file into a newline: only an escaped \r survives.
  if (value.includes('\r')) {
    if (!value.includes('"') && !EXPANDED.test(value)) return `"${value.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
    throw new UnwritableValueError(key, 'it holds a carriage return along with a double quote or a literal \\n or \\r');
  }
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"') && !EXPANDED.test(value)) return `"${value}"`;
  if (!value.includes('`')) return `\`${value}\``;
  // Not read as a quoted value (the first inner quote would end it), but as a plain one-line value
  // that dotenv then strips of its outer quotes: only as long as no `#` starts a comment.
  if (!/[#\n]/.test(value)) return `'${value}'`;
  throw new UnwritableValueError(key, 'it holds all three quote characters and a newline or #');
}
