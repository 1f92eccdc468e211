import type { LayerKind, ResolvedConfig } from './resolved-config.js';
import type { ResolvedFleet } from './resolve-fleet.js';
import type { Fingerprinter } from './fingerprint.js';
import { showValue } from './show-value.js';

/**
 * Where one key of one service gets its value in one environment: `kind` is absent when unset.
 * `value` is what it gets, as shown (secrets as fingerprints, or what sets it when only the
 * running system knows it).
 */
export interface DriftCell {
  kind?: LayerKind;
  source?: string;
  value?: string;
  /** Only the running system knows the value (a Kubernetes fieldRef): not compared. */
  atRunTime?: true;
}

/** One key of one service across environments, and whether it drifts. */
export interface DriftRow {
  service: string;
  key: string;
  /** A cell for each of the environments compared that the service runs in; none for the others. */
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
  return [...driftRows(configs, envs, fingerprints)];
}

/**
 * The matrix's rows, service by service (in manifest order): each service is resolved in the
 * environments it runs in as its rows are made, and what was not resolved before is not kept, so
 * that a walk over the rows holds one service's configs at a time.
 */
export function* driftRows(configs: ResolvedFleet, envs: readonly string[], fingerprints: Fingerprinter): Generator<DriftRow> {
  for (const service of configs.revision.manifest.services.values()) {
    const resolved = new Map<string, ResolvedConfig>();
    for (const env of envs) {
      const config = configs.config(env, service.name, false);
      if (config) resolved.set(env, config);
    }
    const present = [...resolved.keys()];
    if (!present.length) continue;
    for (const [key, { spec }] of resolved.get(present[0]!)!.keys) {
      const cells = new Map<string, DriftCell>();
      for (const [env, config] of resolved) {
        const winner = config.keys.get(key)?.layers[0];
        if (!winner) cells.set(env, {});
        else if (winner.atRunTime !== undefined)
          cells.set(env, { kind: winner.kind, source: winner.source, value: `(set at run time ${winner.atRunTime})`, atRunTime: true });
        else cells.set(env, { kind: winner.kind, source: winner.source, value: showValue(fingerprints, spec, winner.raw, winner.sourceText) });
      }
      const row: DriftRow = { service: service.name, key, cells, drifts: drifts([...cells.values()]) };
      // A value only the running system knows cannot be said to differ.
      const same = (spec.same === true ? present : (spec.same ?? []).filter((env) => cells.has(env))).filter((env) => !cells.get(env)!.atRunTime);
      if (same.length > 1 && new Set(same.map((env) => cells.get(env)!.value ?? '\u0000unset')).size > 1) row.differs = same;
      yield row;
    }
  }
}

function drifts(cells: DriftCell[]): boolean {
  const set = cells.filter((c) => c.kind !== undefined);
  if (set.length === 0) return false;
  if (set.length !== cells.length) return true;
  const kinds = new Set(set.map((c) => c.kind).filter((k) => k !== 'default'));
  return kinds.size > 1;
}
