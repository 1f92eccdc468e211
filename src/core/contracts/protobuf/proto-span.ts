import type { Extent, ProtoFile, Span } from './proto-model.js';

/** Where each file's lines start (offsets), found the first time a place in it is asked for. */
const lineStarts = new WeakMap<ProtoFile, Int32Array>();

/** Where `element` is in `file` as lines and columns (1-based, the end exclusive), as protobuf compilers report it. */
export function spanOf(file: ProtoFile, element: Extent): Span {
  return spanAt(file, element.start, element.end);
}

/** The Span from offset `start` to offset `end` of `file`'s text. */
export function spanAt(file: ProtoFile, start: number, end: number): Span {
  let starts = lineStarts.get(file);
  if (!starts) {
    starts = linesOf(file.text);
    lineStarts.set(file, starts);
  }
  const line = lineAt(starts, start);
  const endLine = lineAt(starts, end);
  return { line: line + 1, column: start - starts[line]! + 1, endLine: endLine + 1, endColumn: end - starts[endLine]! + 1 };
}

/** The 1-based line and column of offset `at` in `text` (a line ends at "\n"): for a problem, found once. */
export function positionAt(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

function linesOf(text: string): Int32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[n++] = i + 1;
  return starts;
}

/** The index of the line holding offset `at`: the last line that starts at or before it. */
function lineAt(starts: Int32Array, at: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}
