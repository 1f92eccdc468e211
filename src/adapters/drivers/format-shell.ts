import { UnwritableValueError } from './format-dotenv.js';

/** What a POSIX shell takes as a variable name. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The text of a POSIX shell file that sets `values` as shell variables when sourced (`.` in sh,
 * `source` in bash): every value in single quotes, a single quote in it written `'\''`, so that
 * nothing in a value — `$(…)`, backticks, `$VAR`, newlines, backslashes — is ever expanded or run.
 * A key that is not a shell name (`my.key`) is left out, and a comment names it; a value holding a
 * NUL character, which no shell variable can hold, is an `UnwritableValueError` naming its key.
 */
export function formatShell(values: Record<string, string>): string {
  const lines = ['# tranche config: source it (. "$TRANCHE_CONFIG_SH"); `set -a` first exports what it sets'];
  const left = Object.keys(values).filter((key) => !NAME.test(key));
  // Named in a comment only when the name cannot end the comment line.
  const named = left.filter((key) => /^[A-Za-z0-9_.-]+$/.test(key));
  if (left.length)
    lines.push(
      `# not shell names, so only in TRANCHE_CONFIG_FILE and TRANCHE_CONFIG_JSON: ${[...named, ...(named.length < left.length ? [`and ${left.length - named.length} more`] : [])].join(' ')}`,
    );
  for (const [key, value] of Object.entries(values)) {
    if (!NAME.test(key)) continue;
    if (value.includes('\0')) throw new UnwritableValueError(key, 'it holds a NUL character', 'a shell file');
    lines.push(`${key}='${value.replaceAll("'", "'\\''")}'`);
  }
  return `${lines.join('\n')}\n`;
}
