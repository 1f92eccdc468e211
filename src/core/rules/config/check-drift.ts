import { describeLayer } from '../../config/describe-layer.js';
import { driftRows, type DriftCell } from '../../config/drift-matrix.js';
import type { Finding } from '../../finding.js';
import type { ConfigRuleInput } from './config-rule-input.js';

/**
 * `config/drift`: a key set in some environments and not others, or set by different kinds of
 * source; or, for a key the schema declares `same`, a value that differs across those
 * environments.
 */
export function checkDrift({ env, to, toConfigs, fingerprints }: ConfigRuleInput): Finding[] {
  const envs = to.manifest.environments.map((e) => e.name);
  if (envs.length < 2) return [];
  const findings: Finding[] = [];
  // Row by row: a fleet in hundreds of environments is never held resolved in all of them at once.
  for (const row of driftRows(toConfigs, envs, fingerprints)) {
    // A service that does not run here has nothing here to drift.
    if (!row.cells.has(env)) continue;
    // Where the value that wins here is set; the key's declaration when nothing sets it.
    const location = () =>
      toConfigs.get(env)?.get(row.service)?.keys.get(row.key)?.layers[0]?.location ??
      to.manifest.locate(['services', row.service, 'config', 'schema', row.key], 'key');
    if (row.differs?.includes(env)) {
      const values = row.differs.map((e) => `${row.cells.get(e)!.value ?? '(unset)'} in ${e}`).join(', ');
      findings.push({
        rule: 'config/drift',
        severity: 'warn',
        service: row.service,
        env,
        key: row.key,
        message: `${row.key} must be the same in ${row.differs.join(', ')} (same: in its schema), but it is ${values}`,
        hint: 'bind it to one resource value, or set it in a source every one of those environments reads',
        location: location(),
      });
    }
    if (!row.drifts) continue;
    const here = row.cells.get(env)!;
    findings.push({
      rule: 'config/drift',
      severity: 'warn',
      service: row.service,
      env,
      key: row.key,
      message: `${row.key} drifts across environments: ${describe(row.cells)}`,
      hint: here.kind
        ? 'set it the same way in every environment (bind it to a resource, or use one source per environment)'
        : `set ${row.key} in ${env} too, or give it a default`,
      location: location(),
    });
  }
  return findings;
}

/** `unset in dev; services/a/config/prod.yaml in prod`: environments grouped by how they are set. */
function describe(cells: Map<string, DriftCell>): string {
  const groups = new Map<string, string[]>();
  for (const [env, cell] of cells) {
    const label = cell.kind ? describeLayer({ kind: cell.kind, source: cell.source ?? '' }) : 'unset';
    groups.set(label, [...(groups.get(label) ?? []), env]);
  }
  return [...groups].map(([label, envs]) => `${label} in ${envs.join(', ')}`).join('; ');
}
