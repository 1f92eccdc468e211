/** Severity of a contract change, in oasdiff's taxonomy: ERR and WARN are breaking, INFO is not. */
export type ChangeLevel = 'ERR' | 'WARN' | 'INFO';

/**
 * One classified difference between two API contracts. `id` is an oasdiff rule id and `level`
 * the level oasdiff gives it. `operation` is `"METHOD /path"` (method upper-case, path as in the
 * base document) when the change belongs to an operation; `path` locates the schema element
 * (e.g. `"/properties/name"`, `"query:limit"`, `"200/application/json"`).
 */
export interface ContractChange {
  id: string;
  level: ChangeLevel;
  message: string;
  operation?: string;
  path?: string;
}

/** The result of comparing two contracts: every change found, in document order. */
export interface ContractDiff {
  changes: ContractChange[];
}

/** True when a diff contains at least one ERR or WARN change. */
export function isBreaking(diff: ContractDiff): boolean {
  return diff.changes.some((change) => change.level === 'ERR' || change.level === 'WARN');
}

/** A short account of changes: the first few, with their rule ids. */
export function summarize(changes: readonly ContractChange[], max = 3): string {
  const shown = changes.slice(0, max).map((c) => `${c.operation && !c.message.includes(c.operation) ? `${c.operation}: ` : ''}${c.message} [${c.id}]`);
  return changes.length > max ? `${shown.join('; ')}; and ${changes.length - max} more` : shown.join('; ');
}
