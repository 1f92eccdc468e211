import type { LayerKind } from './resolved-config.js';
import type { ResolvedFleet } from './resolve-fleet.js';

/** Where one key of one service gets its value in one environment; `kind` is absent when unset. */
export interface DriftCell {
  kind?: LayerKind;
  source?: string;
}

/** One key of one service across environments, and whether it drifts. */
export interface DriftRow {
  service: string;
  key: string;
  cells: Map<string, DriftCell>;
  drifts: boolean;
}

/**
 * The keys × environments matrix behind `tranche drift` and `config/drift`. A key drifts when it
 * is set in one environment and unset in another, or when the kind of source that sets it differs.
 * A schema default is the fallback everywhere, so it never counts as a different kind.
 */
export function driftMatrix(configs: ResolvedFleet, envs: readonly string[]): DriftRow[] {
  const rows: DriftRow[] = [];
  const first = configs.get(envs[0] ?? '');
  for (const serviceName of first?.keys() ?? []) {
    for (const key of first!.get(serviceName)!.keys.keys()) {
      const cells = new Map<string, DriftCell>();
      for (const env of envs) {
        const winner = configs.get(env)?.get(serviceName)?.keys.get(key)?.layers[0];
        cells.set(env, winner ? { kind: winner.kind, source: winner.source } : {});
      }
      rows.push({ service: serviceName, key, cells, drifts: drifts([...cells.values()]) });
    }
  }
  return rows;
}

function drifts(cells: DriftCell[]): boolean {
  const set = cells.filter((c) => c.kind !== undefined);
  if (set.length === 0) return false;
  if (set.length !== cells.length) return true;
  const kinds = new Set(set.map((c) => c.kind).filter((k) => k !== 'default'));
  return kinds.size > 1;
}
