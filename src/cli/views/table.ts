import { oneLine } from '../io.js';

/** Left-aligned columns separated by two spaces; the last column is never padded. */
export function renderTable(header: readonly string[] | undefined, rows: readonly (readonly string[])[], indent = ''): string {
  // A cell is one line, whatever a value or a name in it holds.
  const all = (header ? [header, ...rows] : rows).map((row) => row.map(oneLine));
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return all
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}
