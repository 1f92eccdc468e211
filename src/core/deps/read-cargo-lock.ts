import { parse, TomlError } from 'smol-toml';
import type { ParseProblem } from '../location.js';

/** One `[[package]]` table of a Cargo.lock. */
export interface CargoLockPackage {
  name?: string;
  version?: string;
  /** Where it comes from (`registry+https://…`, `git+https://…#commit`); absent for the workspace's own crates. */
  source?: string;
  /** `name`, `name version` or `name version (source)`: as much as tells the dependency apart. */
  dependencies: string[];
  /** Line of the `[[package]]` header. */
  line: number;
}

/**
 * Reads a Cargo.lock with smol-toml (a TOML 1.0 parser). Only the `[[package]]` tables are kept;
 * each is located at its header line, found in the text in the same order. A syntax error is one
 * problem at its line and column, without the input text smol-toml quotes in its message.
 */
export function readCargoLock(text: string): { packages: CargoLockPackage[]; problems: ParseProblem[] } {
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '') || 'invalid TOML';
    return { packages: [], problems: [{ message: `not valid TOML: ${reason}`, line: error.line, column: error.column }] };
  }
  const headers: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (/^\s*\[\[\s*package\s*\]\]\s*(#.*)?$/.test(line)) headers.push(index + 1);
  });
  const tables = Array.isArray(document.package) ? (document.package as Record<string, unknown>[]) : [];
  const packages = tables.map(
    (table, i): CargoLockPackage => ({
      ...(typeof table.name === 'string' ? { name: table.name } : {}),
      ...(typeof table.version === 'string' ? { version: table.version } : {}),
      ...(typeof table.source === 'string' ? { source: table.source } : {}),
      dependencies: Array.isArray(table.dependencies) ? table.dependencies.filter((d): d is string => typeof d === 'string') : [],
      line: headers[i] ?? 1,
    }),
  );
  return { packages, problems: [] };
}
