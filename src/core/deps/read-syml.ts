import { parseSyml } from '@yarnpkg/parsers';
import type { ParseProblem } from '../location.js';
import { lineColumn } from '../json-locator.js';
import { MAX_NESTING, TOO_DEEP } from '../nesting.js';
import { isRecord } from './is-record.js';

/** A yarn.lock read by `readSyml`: its entries, and the line of each descriptor's entry. */
export interface SymlLockfile {
  entries: Record<string, unknown>;
  /** Line of the entry each descriptor (`ms@^2.1.1`, `ms@npm:^2.1.1`) heads. */
  lines: Map<string, number>;
}

/**
 * Reads a yarn.lock with `@yarnpkg/parsers`, which takes both the classic v1 syntax and berry's
 * YAML. A syntax error becomes a located problem: the classic grammar reports 1-based positions,
 * js-yaml 0-based ones. Lines indented past MAX_NESTING levels are refused before it reads them.
 */
export function readSyml(text: string): { syml?: SymlLockfile; problems: ParseProblem[] } {
  const deep = tooDeeplyIndented(text);
  if (deep) return { problems: [deep] };
  let entries: unknown;
  try {
    entries = parseSyml(text);
  } catch (error) {
    return { problems: [symlProblem(error)] };
  }
  if (!isRecord(entries)) return { problems: [{ message: 'expected a map of entries', line: 1, column: 1 }] };
  return { syml: { entries, lines: descriptorLines(text) }, problems: [] };
}

/**
 * The first line indented past MAX_NESTING levels (yarn.lock indents each level by two spaces):
 * the classic grammar's parser recurses once a level, and would overflow the stack first.
 */
function tooDeeplyIndented(text: string): ParseProblem | undefined {
  const indent = new RegExp(`^ {${2 * MAX_NESTING},}`, 'gm');
  const match = indent.exec(text);
  return match ? { message: TOO_DEEP, ...lineColumn(text, match.index + match[0].length) } : undefined;
}

function symlProblem(error: unknown): ParseProblem {
  const cause = error as { message?: unknown; reason?: unknown; location?: unknown; mark?: unknown };
  const location = cause.location as { start?: { line?: unknown; column?: unknown } } | undefined;
  if (typeof location?.start?.line === 'number' && typeof location.start.column === 'number') {
    return { message: String(cause.message), line: location.start.line, column: location.start.column };
  }
  const mark = cause.mark as { line?: unknown; column?: unknown } | undefined;
  const message = typeof cause.reason === 'string' ? cause.reason : String(cause.message ?? error);
  if (typeof mark?.line === 'number' && typeof mark.column === 'number') {
    return { message, line: mark.line + 1, column: mark.column + 1 };
  }
  return { message, line: 1, column: 1 };
}

/** Entries start at column 1 with one or more comma-separated, optionally quoted descriptors and a colon. */
function descriptorLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (line === '' || /^[\s#]/.test(line) || !line.endsWith(':')) return;
    for (const part of line.slice(0, -1).split(/,\s*/)) {
      const descriptor = part.replace(/^"(.*)"$/, '$1');
      if (!lines.has(descriptor)) lines.set(descriptor, index + 1);
    }
  });
  return lines;
}
