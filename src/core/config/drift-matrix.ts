import type { LayerKind } from './resolved-config.js';
import type { ResolvedFleet } from './resolve-fleet.js';
import type { Fingerprinter } from './fingerprint.js';
import { showValue } from './show-value.js';

/**
 * Where one key of one service gets its value in one environment: `kind` is absent when unset;
 * `absent` when the service does not run there. `value` is what it gets, as shown (secrets as
 * fingerprints, or what sets it when only the running system knows it).
 */
export interface DriftCell {
  kind?: LayerKind;
  source?: string;
  value?: string;
  /** Only the running system knows the value (a Kubernetes fieldRef): not compared. */
  atRunTime?: true;
  absent?: true;
}

/** One key of one service across environments, and whether it drifts. */
export interface DriftRow {
  service: string;
  key: string;
  cells: Map<string, DriftCell>;
  /** Set in some environments and not others, or by different kinds of source. */
  drifts: boolean;
  /** The environments the schema says must agree (`same`), when their values differ. */
  differs?: string[];
}

/**
 * The keys × environments matrix behind `tranche drift` and `config/drift`. A key drifts when it
 * is set in one environment and unset in another, or when the kind of source that sets it differs.
 * A schema default is the fallback everywhere, so it never counts as a different kind. Only the
 * environments a service runs in count. A key declared `same` also says when its values differ
 * across those environments.
 */
export function driftMatrix(configs: ResolvedFleet, envs: readonly string[], fingerprints: Fingerprinter): DriftRow[] {
  const rows: DriftRow[] = [];
  const services = new Set(envs.flatMap((env) => [...(configs.get(env)?.keys() ?? [])]));
  for (const serviceName of services) {
    const present = envs.filter((env) => configs.get(env)?.has(serviceName));
    const keys = configs.get(present[0]!)!.get(serviceName)!.keys;
    for (const [key, { spec }] of keys) {
      const cells = new Map<string, DriftCell>();
      for (const env of envs) {
        const resolved = configs.get(env)?.get(serviceName)?.keys.get(key);
        if (!resolved) {
          cells.set(env, { absent: true });
          continue;
        }
        const winner = resolved.layers[0];
        if (!winner) cells.set(env, {});
        else if (winner.atRunTime !== undefined) cells.set(env, { kind: winner.kind, source: winner.source, value: `(set at run time ${winner.atRunTime})`, atRunTime: true });
        else cells.set(env, { kind: winner.kind, source: winner.source, value: showValue(fingerprints, resolved.spec, winner.raw, winner.sourceText) });
      }
      const row: DriftRow = { service: serviceName, key, cells, drifts: drifts(present.map((env) => cells.get(env)!)) };
      // A value only the running system knows cannot be said to differ.
      const same = (spec.same === true ? present : (spec.same ?? []).filter((env) => present.includes(env) && envs.includes(env))).filter((env) => !cells.get(env)!.atRunTime);
      if (same.length > 1 && new Set(same.map((env) => cells.get(env)!.value ?? '\u0000unset')).size > 1) row.differs = same;
      rows.push(row);
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
