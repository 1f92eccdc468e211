/**
 * tranche's own `.env` reader. It reads exactly what `dotenv.parse` (v17) reads, and also says
 * where each key is and which lines dotenv would silently skip.
 *
 * dotenv's grammar is one multiline regex applied repeatedly. That is why some rules here are
 * odd: whitespace includes line breaks, so an assignment can reach onto the next lines, and
 * U+2028 and U+2029 count as line breaks, like `\n`.
 */
import type { ParseProblem } from '../location.js';
import { isShowableKeyName } from '../yaml/showable-key-name.js';

/** One KEY=value assignment; line/column (1-based) are where the key starts. Later entries for the same key win. */
export interface DotenvEntry {
  key: string;
  value: string;
  line: number;
  column: number;
  /** The quote the value was written in, when it was quoted (a single-quoted value is taken literally). */
  quote?: '"' | "'" | '`';
}

/** Everything read from one `.env` file: its assignments in file order, and the lines that are not assignments. */
export interface DotenvFile {
  entries: DotenvEntry[];
  problems: ParseProblem[];
}

/** Why a word where a key was expected is not shown. */
const UNSHOWN = '(not shown: it is no key the manifest declares, and may be a secret)';

const isSpace = (ch: string): boolean => /\s/.test(ch);
const isBreak = (ch: string): boolean => /[\n\u2028\u2029]/.test(ch);
const isKeyChar = (ch: string): boolean => /[\w.-]/.test(ch);
const isQuote = (ch: string): boolean => /['"`]/.test(ch);

/** One assignment as found in the text: `raw` is the value before trimming and unquoting. */
interface Found {
  key: string;
  keyAt: number;
  raw: string;
  end: number;
}

/**
 * Reads `.env` text. Reducing `entries` (last one wins per key) gives the same object as
 * `dotenv.parse(text)`. `problems` lists every line that is not blank, not a `#` comment, and
 * not part of an assignment. A problem names the word where a key was expected only when
 * `isKey` says it is one (a key the manifest declares): a line that is no assignment may be a
 * secret itself (`hunter2`, `correct horse battery staple`), and the reader cannot tell.
 */
export function parseDotenv(text: string, isKey: (word: string) => boolean = () => false): DotenvFile {
  // dotenv turns CRLF and a lone CR into LF first. Each one still ends a line, so line
  // numbers and columns taken from this text are the same as in the original.
  const src = text.replace(/\r\n?/g, '\n');
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const entries: DotenvEntry[] = [];
  const covered = new Array<boolean>(lineStarts.length).fill(false);
  for (let pos = 0; pos <= src.length; ) {
    const found = assignmentFrom(src, pos);
    if (!found) {
      pos = lineStartFrom(src, pos + 1);
      continue;
    }
    const line = lineOf(found.keyAt);
    const quote = quoteOf(found.raw);
    entries.push({ key: found.key, value: cook(found.raw), line: line + 1, column: found.keyAt - lineStarts[line]! + 1, ...(quote ? { quote } : {}) });
    for (let l = lineOf(pos); l <= lineOf(found.end); l++) covered[l] = true;
    pos = lineStartFrom(src, found.end);
  }

  const problems: ParseProblem[] = [];
  src.split('\n').forEach((lineText, l) => {
    const first = lineText.search(/\S/);
    if (covered[l] || first < 0 || lineText[first] === '#') return;
    problems.push({ message: whyNotAssignment(lineText.slice(first), l + 1, isKey), line: l + 1, column: first + 1 });
  });
  return { entries, problems };
}

/** The first offset at or after `i` where dotenv may start an assignment: the start of a line. */
function lineStartFrom(src: string, i: number): number {
  while (i <= src.length && i > 0 && !isBreak(src.charAt(i - 1))) i++;
  return i;
}

/** Reads the assignment that starts at line start `start`, if there is one. */
function assignmentFrom(src: string, start: number): Found | undefined {
  const p = skipSpace(src, start);
  // `export` is a prefix only when whitespace follows it; otherwise it may be a key itself
  // (`export=1`, `export =1`).
  if (src.startsWith('export', p) && isSpace(src.charAt(p + 6))) {
    const exported = assignmentAt(src, skipSpace(src, p + 6));
    if (exported) return exported;
  }
  return assignmentAt(src, p);
}

function assignmentAt(src: string, keyAt: number): Found | undefined {
  let i = keyAt;
  while (isKeyChar(src.charAt(i))) i++;
  if (i === keyAt) return undefined;
  const key = src.slice(keyAt, i);
  // The space before `=` may include line breaks, so `KEY` followed by a line `=value` assigns.
  const eq = skipSpace(src, i);
  let valueAt: number;
  if (src[eq] === '=') valueAt = eq + 1;
  // `KEY: value` needs whitespace right after the colon and uses up exactly one character of
  // it, even a line break: `KEY:\nvalue` assigns `value`, but `KEY:\n\nvalue` assigns ''.
  else if (src[i] === ':' && isSpace(src.charAt(i + 1))) valueAt = i + 2;
  else return undefined;
  return { key, keyAt, ...valueFrom(src, valueAt) };
}

/** Reads a value starting at `at`, and finds where its assignment ends (a line end or end of input). */
function valueFrom(src: string, at: number): { raw: string; end: number } {
  // A quoted value may start on a later line: `KEY=` followed by a line `"x"` assigns `x`.
  const open = skipSpace(src, at);
  if (isQuote(src.charAt(open))) {
    for (const close of closingQuotes(src, open)) {
      const end = tailEnd(src, close + 1);
      if (end >= 0) return { raw: src.slice(at, close + 1), end };
    }
  }
  // Otherwise the value is the rest of the line up to any `#`, even `#` with no space before it.
  let stop = at;
  while (stop < src.length && src[stop] !== '#' && src[stop] !== '\n') stop++;
  // Whatever follows `stop` is a `#`, a line break or the end, so `tailEnd` cannot fail here.
  return { raw: src.slice(at, stop), end: tailEnd(src, stop) };
}

/**
 * Where the quote opened at `open` may close, in the order dotenv tries them: the first quote
 * with no backslash before it, then each backslash-escaped quote, last first. So `"a\" # x`
 * reads as `a\`: a backslash only keeps a quote from closing the value, and stays in it.
 */
function closingQuotes(src: string, open: number): number[] {
  const quote = src[open];
  const escaped: number[] = [];
  for (let i = open + 1; i < src.length; i++) {
    if (src[i] === '\\' && src[i + 1] === quote) escaped.push(++i);
    else if (src[i] === quote) return [i, ...escaped.reverse()];
  }
  return escaped.reverse();
}

/**
 * Where the assignment ends if only whitespace, then a line break, a `#` comment or the end of
 * input follow `from`; -1 if something else does. This is what makes `"a" b` unquoted.
 */
function tailEnd(src: string, from: number): number {
  let i = from;
  let lastBreak = -1;
  for (; isSpace(src.charAt(i)); i++) if (isBreak(src.charAt(i))) lastBreak = i;
  if (src[i] === '#') {
    while (i < src.length && !isBreak(src.charAt(i))) i++;
    return i;
  }
  return i === src.length ? i : lastBreak;
}

function skipSpace(src: string, i: number): number {
  while (isSpace(src.charAt(i))) i++;
  return i;
}

/** The quote a raw value is wrapped in, if it is (the same character first and last). */
function quoteOf(raw: string): DotenvEntry['quote'] {
  const value = raw.trim();
  const first = value.charAt(0);
  return value.length >= 2 && isQuote(first) && value.at(-1) === first ? (first as DotenvEntry['quote']) : undefined;
}

/** Turns a raw value into dotenv's value: trimmed, unquoted, and `\n` `\r` expanded if it began with `"`. */
function cook(raw: string): string {
  const value = raw.trim();
  const unquoted = stripQuotes(value);
  // Expanded even when the double quote was never closed (`"a\nb` keeps its `"`).
  return value[0] === '"' ? unquoted.replace(/\\([nr])/g, (_, c: string) => (c === 'n' ? '\n' : '\r')) : unquoted;
}

/**
 * Removes a pair of matching quotes around the value, also when the value was not read as
 * quoted (`"a" "b"` gives `a" "b`). dotenv does this line by line within the value, where
 * U+2028 and U+2029 also end lines; so `x` U+2028 `'y'` gives `x` U+2028 `y`.
 */
function stripQuotes(value: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < value.length; i++) {
    const quote = value.charAt(i);
    if (!isQuote(quote) || (i > 0 && !isBreak(value.charAt(i - 1)))) continue;
    for (let j = value.length - 1; j > i; j--) {
      if (value[j] === quote && (j + 1 === value.length || isBreak(value.charAt(j + 1)))) {
        out += value.slice(copied, i) + value.slice(i + 1, j);
        copied = j + 1;
        i = j;
        break;
      }
    }
  }
  return out + value.slice(copied);
}

/**
 * A short reason why a line (from its first non-blank character) is not an assignment. A `.env`
 * file holds secrets, so the reason never quotes the line: at most it names the key, and only a
 * whole word `isKey` knows for a key that also looks like a conventional key name (see
 * `isShowableKeyName`). A word that runs into other characters (`MIIEvQ...+b/9`, a line of a
 * pasted private key) is not a key at all.
 */
function whyNotAssignment(content: string, line: number, isKey: (word: string) => boolean): string {
  const rest = content.replace(/^export\s+(?=[\w.-])/, '');
  const key = /^[\w.-]*/.exec(rest)![0];
  if (key === '') {
    return rest[0] === '=' ? 'expected a key before "="' : 'not a KEY=value line: a key is made of letters, digits, "_", "." and "-"';
  }
  const after = rest.slice(key.length);
  const shown = isShowableKeyName(key) && isKey(key);
  if (after[0] === ':') return shown ? `expected a space after "${key}:"` : `expected a space after ":" following the first word ${UNSHOWN}`;
  if (after !== '' && !/^\s/.test(after)) return `line ${line} is not a KEY=value assignment`;
  if (key === 'export' && after.trim() === '') return 'expected KEY=value after "export"';
  return shown ? `expected "=" after key ${key}` : `expected "=" after the first word ${UNSHOWN}`;
}
