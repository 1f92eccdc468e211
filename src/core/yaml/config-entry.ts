import type { ParseProblem } from '../location.js';

/** One top-level key of a config file. line/column (1-based) locate the key. */
export interface ConfigEntry {
  key: string;
  /** The value exactly as `yaml`'s `parseDocument(text).toJS()` gives it (YAML 1.2 core schema). */
  value: unknown;
  line: number;
  column: number;
  /** Exact source text of a plain (unquoted) scalar value, e.g. `1.10`; '' for an empty value. */
  sourceText?: string;
}

/**
 * The entries in file order, and the problems found. A duplicated key yields one entry per
 * occurrence (so `Object.fromEntries(entries)` keeps the last, like `toJS()`) plus a problem.
 */
export interface ConfigFile {
  entries: ConfigEntry[];
  problems: ParseProblem[];
}

/** Both config readers build entries here so they have the same shape (no `sourceText` key unless known). */
export function configEntry(key: string, value: unknown, line: number, column: number, sourceText: string | undefined): ConfigEntry {
  return sourceText === undefined ? { key, value, line, column } : { key, value, line, column, sourceText };
}
