import type { DriftCell, DriftRow } from '../../core/config/drift-matrix.js';
import { renderTable } from './table.js';

const CELL: Record<string, string> = {
  default: 'default',
  bind: 'resource',
  file: 'file',
  dotenv: 'dotenv',
  compose: 'compose',
  kubernetes: 'kubernetes',
  'helm-values': 'helm',
  env: 'env',
};
/** A cell as the matrix shows it: the kind of source, or with --values the value (secrets as fingerprints). */
const cell = (c: DriftCell | undefined, values: boolean) => (!c ? 'n/a' : !c.kind ? '-' : values ? (c.value ?? '') : CELL[c.kind]!);
const flagged = (row: DriftRow) => row.drifts || row.differs !== undefined;

export function renderDrift(rows: DriftRow[], envs: string[], label: string, onlyDrift: boolean, values = false): string {
  const shown = onlyDrift ? rows.filter(flagged) : rows;
  const drifting = rows.filter(flagged).length;
  const table: string[][] = [];
  let service: string | undefined;
  for (const row of shown) {
    if (row.service !== service) {
      service = row.service;
      table.push([row.service, ...envs.map(() => ''), '']);
    }
    table.push([`  ${row.key}`, ...envs.map((env) => cell(row.cells.get(env), values)), [row.drifts ? '*' : '', row.differs ? '!' : ''].join('')]);
  }
  return [
    `tranche drift (${label}): ${envs.join(', ')}`,
    '',
    shown.length ? renderTable(['KEY', ...envs, ''], table) : '(no keys)',
    '',
    `${drifting} of ${rows.length} key${rows.length === 1 ? '' : 's'} drift${drifting === 1 ? 's' : ''} (* how it is set; ! a value the schema says must be the same is not); ` +
      `cells: ${values ? 'the value (secrets as fingerprints)' : 'default, resource, file, dotenv, compose, env'}, - when unset, n/a where the service does not run`,
    '',
  ].join('\n');
}

export function driftJson(rows: DriftRow[], envs: string[], label: string): Record<string, unknown> {
  return {
    revision: label,
    envs,
    rows: rows.map((row) => ({
      service: row.service,
      key: row.key,
      drifts: row.drifts,
      ...(row.differs ? { differs: row.differs } : {}),
      // The environments the service runs in: one it does not run in has no cell.
      cells: Object.fromEntries(
        [...row.cells].map(([env, c]) => [env, c.kind ? { set: true, kind: c.kind, source: c.source, value: c.value } : { set: false }]),
      ),
    })),
  };
}
