import type { ContractChange } from './contract-change.js';
import type { WholeId } from './emitted-rule-ids.js';
import { ruleLevel } from './rule-level.js';

/** Where a change sits: the operation (`"GET /pets"`) and the element path inside it. */
export interface ChangeLocation {
  operation?: string;
  path?: string;
}

/**
 * Collects changes, giving each the level its rule id carries. Ids outside the taxonomy are
 * refused (`emit` returns false) so callers can fall back to a more general id.
 */
export class ChangeSink {
  readonly changes: ContractChange[] = [];
  private readonly seen = new Set<string>();

  /** Records a change with a whole id (see `WHOLE_IDS`). */
  emit(id: WholeId, message: string, where: ChangeLocation = {}): boolean {
    return this.record(id, message, where);
  }

  /**
   * Records the first of `ids` that is a known rule id; returns false if none is. For ids
   * composed from a location prefix and a `SchemaSuffix` (see `emitAttribute`).
   */
  emitComposed(ids: readonly string[], message: string, where: ChangeLocation = {}): boolean {
    return ids.some((id) => this.record(id, message, where));
  }

  /** Records a change; returns false when `id` is not a known rule id. */
  private record(id: string, message: string, where: ChangeLocation): boolean {
    const level = ruleLevel(id);
    if (level === undefined) return false;
    const key = `${id}\u0000${where.operation ?? ''}\u0000${where.path ?? ''}\u0000${message}`;
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    const change: ContractChange = { id, level, message };
    if (where.operation !== undefined) change.operation = where.operation;
    if (where.path !== undefined) change.path = where.path;
    this.changes.push(change);
    return true;
  }
}
