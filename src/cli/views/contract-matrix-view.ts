import { type MatrixRow, type Pairing, type PairingCell, PAIRINGS } from '../../core/contracts/build-contract-matrix.js';
import type { ReleaseRevisions } from '../../engine/read-release.js';
import { oneLine } from '../io.js';
import { renderTable } from './table.js';

/** `contract matrix --json` (docs/contracts.md, "The contract matrix"): fields in a stable order. */
export function matrixJson(revisions: ReleaseRevisions, rows: readonly MatrixRow[], breaks: boolean): Record<string, unknown> {
  return {
    env: revisions.env,
    target: { label: revisions.to.label, commit: revisions.to.commit },
    deployed: revisions.basis,
    compatible: !breaks,
    pairs: rows,
  };
}

const CELL: Record<PairingCell['status'], string> = {
  ok: 'ok',
  breaks: 'BREAKS',
  'not-running': 'not running',
  unused: 'unused',
  unreadable: 'UNREADABLE',
  unknown: 'unknown',
};

const short = (commit: string | null) => (commit === null ? '-' : commit.slice(0, 7));

/** `abc1234→def5678`; one commit when the service stays on it; `-` where it does not run. */
function versions({ deployed, target }: { deployed: string | null; target: string | null }): string {
  return deployed === target ? short(target) : `${short(deployed)}→${short(target)}`;
}

/** `old web × new orders`, from the pairing's name. */
function pairingName(row: MatrixRow, pairing: Pairing): string {
  const side = (old: boolean) => (old ? 'old' : 'new');
  return `${side(pairing.startsWith('old'))} ${row.consumer} × ${side(pairing.endsWith('OldProvider'))} ${row.provider}`;
}

const providerName = (row: MatrixRow) => (row.event === undefined ? row.provider : `${row.provider} (${row.event})`);

/**
 * The matrix as a table grouped by consumer, one row per pair (versions deployed→target, the
 * four pairings), then why each pairing that breaks or cannot be judged does so.
 */
export function renderMatrix(revisions: ReleaseRevisions, start: string | undefined, rows: readonly MatrixRow[], breaks: boolean): string {
  const from =
    start ??
    (revisions.basis === 'no-store'
      ? `nothing known to run (no state store is configured: every old pairing is not running; give --from REF to compare with a revision)`
      : `nothing recorded as deployed in ${revisions.env} (every old pairing is not running)`);
  const lines = [`${revisions.env}: ${rows.length} consumer/provider pair${rows.length === 1 ? '' : 's'}, ${from} → target ${revisions.to.label}`, ''];
  if (!rows.length) {
    lines.push('no service consumes another (contracts.consumes is empty at both ends)', '');
    return lines.join('\n');
  }
  const table = rows.map((row, i) => [
    i > 0 && rows[i - 1]!.consumer === row.consumer ? '' : row.consumer,
    row.kind,
    providerName(row),
    versions(row.versions.consumer),
    versions(row.versions.provider),
    ...PAIRINGS.map((p) => CELL[row.pairings[p].status]),
  ]);
  lines.push(renderTable(['CONSUMER', 'KIND', 'PROVIDER', 'CONSUMER AT', 'PROVIDER AT', 'OLD×OLD', 'OLD×NEW', 'NEW×OLD', 'NEW×NEW'], table), '');
  for (const row of rows) {
    const why = PAIRINGS.filter((p) => ['breaks', 'unreadable', 'unknown'].includes(row.pairings[p].status));
    if (!why.length) continue;
    // Names and reasons come from specs and manifests: each kept on its line.
    lines.push(oneLine(`${row.consumer} → ${row.provider} (${row.event === undefined ? row.kind : `event ${row.event}`}):`));
    for (const p of why) lines.push(`  ${oneLine(`${pairingName(row, p)}: ${CELL[row.pairings[p].status]}: ${row.pairings[p].reason}`)}`);
  }
  if (lines.at(-1) !== '') lines.push('');
  const brokenNow = rows.some((r) => r.pairings.oldConsumerOldProvider.status === 'breaks');
  lines.push(
    breaks
      ? 'a pairing the rollout can create breaks, or cannot be read (see above): exit 1'
      : `every pairing the rollout can create is compatible${brokenNow ? ' (what runs now is not: old × old breaks above)' : ''}`,
    '',
  );
  return lines.join('\n');
}
