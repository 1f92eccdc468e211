/**
 * A place in a fleet file. `file` is relative to the fleet's directory (e.g. `tranche.yaml`,
 * `services/orders/config/prod.yaml`); `line` and `column` are 1-based and present whenever the
 * place is known more precisely than the whole file.
 */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** `file:line:col`, or as much of it as is known: the form editors and terminals make clickable. */
export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}

/** A problem found while reading one input file, located within it (1-based line and column). */
export interface ParseProblem {
  message: string;
  line: number;
  column: number;
}
