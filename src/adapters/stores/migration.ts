import { SchemaTooNewError } from './schema-too-new-error.js';

/**
 * One step of a store's schema. Versions start at 1 and increase by one; a released migration is
 * never edited, only followed by a new one. `schema_migrations` records each applied version.
 */
export interface Migration {
  version: number;
  name: string;
  /** Statements run in one transaction, with the others pending. */
  sql: string;
}

/**
 * The migrations of `list` not yet in `applied`, in order. Throws `SchemaTooNewError` when the
 * store has a version `list` does not reach.
 */
export function pendingMigrations(list: readonly Migration[], applied: readonly number[], where: string): Migration[] {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`internal error: migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const known = list.length;
  const newest = Math.max(0, ...applied);
  if (newest > known) throw new SchemaTooNewError(where, newest, known);
  const done = new Set(applied);
  return list.filter((m) => !done.has(m.version));
}
