import type { DriftCell, DriftRow } from '../../core/config/drift-matrix.js';
import { renderTable } from './table.js';

const CELL: Record<string, string> = { default: 'default', bind: 'resource', file: 'file', dotenv: 'dotenv', compose: 'compose', env: 'env' };
const cell = (c: DriftCell | undefined) => (c?.kind ? CELL[c.kind]! : '-');

export function renderDrift(rows: DriftRow[], envs: string[], label: string, onlyDrift: boolean): string {
  const shown = onlyDrift ? rows.filter((r) => r.drifts) : rows;
  const drifting = rows.filter((r) => r.drifts).length;
  const table: string[][] = [];
  let service: string | undefined;
  for (const row of shown) {
    if (row.service !== service) {
      service = row.service;
      table.push([row.service, ...envs.map(() => ''), '']);
    }
    table.push([`  ${row.key}`, ...envs.map((env) => cell(row.cells.get(env))), row.drifts ? '*' : '']);
  }
  return [
    `tranche drift (${label}): ${envs.join(', ')}`,
    '',
    shown.length ? renderTable(['KEY', ...envs, ''], table) : '(no keys)',
    '',
    `${drifting} of ${rows.length} key${rows.length === 1 ? '' : 's'} drift${drifting === 1 ? 's' : ''} (*); cells: default, resource, file, dotenv, env, or - when unset`,
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
      cells: Object.fromEntries(
        envs.map((env) => {
          const c = row.cells.get(env);
          return [env, c?.kind ? { set: true, kind: c.kind, source: c.source } : { set: false }];
        }),
      ),
    })),
  };
}
