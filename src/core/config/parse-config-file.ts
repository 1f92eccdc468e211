/**
 * Reads a service config file (flat `KEY: value` YAML, or JSON, which is YAML 1.2) into entries that
 * remember where each key is.
 *
 * Why there is a fast path: a fleet has thousands of these files and tranche must read them all in
 * well under a second. `yaml`'s `parseDocument` keeps positions but costs ~0.6 ms per 40-line file
 * (2.5 s for 4,000 files). Almost every config file is a flat list of `KEY: scalar` lines, which a
 * line-by-line reader handles a few hundred times faster. So `parseFlatFast` reads files made only of
 * lines it fully understands and declines (returns undefined) at the first thing it is not sure
 * of; such files are parsed whole by `yaml` (`parseWithYaml`). Both produce the same result for any
 * file the fast path accepts: the tests check this against `yaml` itself.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type { ParseProblem } from '../location.js';

/** One top-level key of a config file. line/column (1-based) locate the key. */
export interface ConfigEntry {
  key: string;
  /** The value exactly as `yaml`'s `parseDocument(text).toJS()` gives it (YAML 1.2 core schema). */
  value: unknown;
  line: number;
  column: number;
  /** Exact source text of a plain (unquoted) scalar value, e.g. `1.10`; '' for an empty value. */
  sourceText?: string;
}

/**
 * The entries in file order, and the problems found. A duplicated key yields one entry per
 * occurrence (so `Object.fromEntries(entries)` keeps the last, like `toJS()`) plus a problem.
 */
export interface ConfigFile {
  entries: ConfigEntry[];
  problems: ParseProblem[];
}

export function parseConfigFile(text: string): ConfigFile {
  return parseFlatFast(text) ?? parseWithYaml(text);
}

/** Both paths build entries here so they have the same shape (no `sourceText` key unless known). */
function makeEntry(key: string, value: unknown, line: number, column: number, sourceText: string | undefined): ConfigEntry {
  return sourceText === undefined ? { key, value, line, column } : { key, value, line, column, sourceText };
}

// ---------------------------------------------------------------------------------------------
// Fast path
// ---------------------------------------------------------------------------------------------

/**
 * Characters the fast path does not reason about: tabs, control characters (a CR is only accepted
 * as part of CRLF), C1 controls, BOM, Unicode line/paragraph separators, non-characters and lone
 * surrogates. Any of them anywhere sends the whole file to `yaml`.
 */
const UNSURE_CHAR = /[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F\uFEFF\u2028\u2029\uFFFE\uFFFF]|\r(?!\n)|[\uD800-\uDFFF]/u;

/** `KEY:` at column 1, then nothing, or spaces and the rest of the line (group 2). */
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*))?$/;

/** yaml rejects implicit keys longer than 1024 characters; stay well clear of that limit. */
const MAX_FAST_KEY_LENGTH = 1000;

/** Characters that cannot start a plain scalar (YAML c-indicator); `-` is allowed before a non-space. */
const INDICATOR_START = /^(?:[?:,[\]{}#&*!|>'"%@`]|-(?: |$))/;

/** A quoted scalar may be followed only by spaces, optionally then a ` # comment`. */
const AFTER_QUOTED = /^(?: +(?:#.*)?)?$/;

interface FastValue {
  value: unknown;
  sourceText?: string;
}

/**
 * Parses a file made only of blank lines, full-line `#` comments and `KEY: scalar` lines at column 1.
 * Returns undefined when the file contains anything else, or a duplicate key, or anything whose
 * meaning the fast path is not certain of; the caller must then use `parseWithYaml`.
 */
export function parseFlatFast(text: string): ConfigFile | undefined {
  if (UNSURE_CHAR.test(text)) return undefined;
  const lines = text.split('\n');
  const entries: ConfigEntry[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (isBlankOrComment(line)) continue;
    const match = KEY_LINE.exec(line);
    if (match === null) return undefined;
    const key = match[1]!;
    if (!isFastKey(key) || seen.has(key)) return undefined;
    seen.add(key);
    const parsed = parseFastValue(trimSpacesEnd(match[2] ?? ''));
    if (parsed === undefined) return undefined;
    entries.push(makeEntry(key, parsed.value, i + 1, 1, parsed.sourceText));
  }
  return { entries, problems: [] };
}

function isBlankOrComment(line: string): boolean {
  return line[0] === '#' || trimSpacesEnd(line) === '';
}

/** A key the fast path can take as a plain string: not too long, and not resolving to null or a boolean. */
function isFastKey(key: string): boolean {
  return key.length <= MAX_FAST_KEY_LENGTH && typeof resolvePlainScalar(key) === 'string';
}

/** `value` is what follows `KEY: ` with trailing spaces removed. undefined = not sure, decline. */
function parseFastValue(value: string): FastValue | undefined {
  if (value === '' || value[0] === '#') return { value: null, sourceText: '' };
  if (value[0] === "'") return parseSingleQuoted(value);
  if (value[0] === '"') return parseDoubleQuoted(value);
  return parsePlain(value);
}

function parsePlain(value: string): FastValue | undefined {
  const commentAt = value.indexOf(' #');
  const scalar = commentAt === -1 ? value : trimSpacesEnd(value.slice(0, commentAt));
  if (INDICATOR_START.test(scalar)) return undefined;
  // `: ` or a final `:` would start a nested mapping (an error in yaml): not a flat value.
  if (scalar.includes(': ') || scalar.endsWith(':')) return undefined;
  return { value: resolvePlainScalar(scalar), sourceText: scalar };
}

/** `'...'` where `''` stands for one quote. */
function parseSingleQuoted(value: string): FastValue | undefined {
  let end = 1;
  for (;;) {
    end = value.indexOf("'", end);
    if (end === -1) return undefined;
    if (value[end + 1] !== "'") break;
    end += 2;
  }
  if (!AFTER_QUOTED.test(value.slice(end + 1))) return undefined;
  return { value: value.slice(1, end).replaceAll("''", "'") };
}

/** `"..."` without any backslash escape. */
function parseDoubleQuoted(value: string): FastValue | undefined {
  const end = value.indexOf('"', 1);
  if (end === -1) return undefined;
  const content = value.slice(1, end);
  if (content.includes('\\') || !AFTER_QUOTED.test(value.slice(end + 1))) return undefined;
  return { value: content };
}

/** Removes trailing spaces only (String#trimEnd would also remove e.g. U+00A0, which YAML keeps). */
function trimSpacesEnd(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * The YAML 1.2 core schema as `yaml` implements it: one capturing alternative per tag, in the order
 * `yaml` tests them (an anchored alternation picks the first alternative matching the whole string,
 * as `yaml` does). One regex instead of eight keeps the per-value cost low.
 */
const CORE_SCALAR = new RegExp(
  '^(?:' +
    [
      '(~|[Nn]ull|NULL|)', // 1: null
      '([Tt]rue|TRUE)', // 2: true
      '([Ff]alse|FALSE)', // 3: false
      '0o([0-7]+)', // 4: octal int
      '([-+]?[0-9]+)', // 5: decimal int
      '0x([0-9a-fA-F]+)', // 6: hex int
      '([-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)', // 7: infinity or NaN
      '([-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+)', // 8: float with exponent
      '([-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*))', // 9: float
    ].join('|') +
    ')$',
);
/** Every non-string core scalar is empty or starts with one of these: a cheap test for common strings. */
const MAYBE_NOT_STRING = /^(?:$|[-+.0-9~nNtTfF])/;

/** The JavaScript value of a plain scalar under the YAML 1.2 core schema, exactly as `yaml` resolves it. */
function resolvePlainScalar(s: string): unknown {
  if (!MAYBE_NOT_STRING.test(s)) return s;
  const m = CORE_SCALAR.exec(s);
  if (m === null) return s;
  if (m[1] !== undefined) return null;
  if (m[2] !== undefined) return true;
  if (m[3] !== undefined) return false;
  if (m[4] !== undefined) return parseInt(m[4], 8);
  if (m[5] !== undefined) return parseInt(s, 10);
  if (m[6] !== undefined) return parseInt(m[6], 16);
  if (m[7] !== undefined) return resolveInfOrNaN(s);
  return parseFloat(s); // 8 or 9
}

function resolveInfOrNaN(s: string): number {
  if (s.slice(-3).toLowerCase() === 'nan') return NaN;
  return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

// ---------------------------------------------------------------------------------------------
// General path: the whole file through `yaml`
// ---------------------------------------------------------------------------------------------

type ParsedDocument = Document.Parsed;
type Locate = (offset: number) => { line: number; column: number };

/** Parses any file with `yaml` and maps its top-level map and its errors to entries and problems. */
export function parseWithYaml(text: string): ConfigFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const locate: Locate = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const entries: ConfigEntry[] = [];
  const problems: ParseProblem[] = [];
  const duplicateKeyOffsets = new Set<number>();
  const contents = doc.contents;
  if (isMap(contents)) {
    collectEntries(doc, contents.items, text, locate, entries, problems, duplicateKeyOffsets);
  } else if (contents !== null && !isEmptyScalar(contents)) {
    problems.push({
      message: `expected a map of KEY: value at the top level, found ${describeNode(contents)}`,
      ...locate(contents.range[0]),
    });
  }
  for (const error of doc.errors) {
    // Top-level duplicates were already reported with a clearer message.
    if (error.code === 'DUPLICATE_KEY' && duplicateKeyOffsets.has(error.pos[0])) continue;
    problems.push(errorToProblem(error, locate));
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { entries, problems };
}

function collectEntries(
  doc: ParsedDocument,
  pairs: ReadonlyArray<{ key: unknown; value: unknown }>,
  text: string,
  locate: Locate,
  entries: ConfigEntry[],
  problems: ParseProblem[],
  duplicateKeyOffsets: Set<number>,
): void {
  const firstLineOfKey = new Map<string, number>();
  for (const pair of pairs) {
    const keyOffset = nodeStart(pair.key) ?? nodeStart(pair.value) ?? 0;
    const where = locate(keyOffset);
    const key = keyString(doc, pair.key);
    if (typeof key !== 'string') {
      problems.push({ message: `expected a scalar key, found ${key.found}`, ...where });
      continue;
    }
    const firstLine = firstLineOfKey.get(key);
    if (firstLine === undefined) {
      firstLineOfKey.set(key, where.line);
    } else {
      problems.push({ message: `duplicate key ${key} (first at line ${firstLine})`, ...where });
      duplicateKeyOffsets.add(keyOffset);
    }
    const value = valueToJS(doc, pair.value, locate, problems);
    entries.push(makeEntry(key, value, where.line, where.column, plainSourceText(pair.value, text)));
  }
}

/**
 * The property name `toJS()` would use for a key: null becomes '', other scalars String(value).
 * Keys that are collections (or scalars whose value is an object) are reported instead.
 */
function keyString(doc: ParsedDocument, keyNode: unknown): string | { found: string } {
  const node = isAlias(keyNode) ? keyNode.resolve(doc) : keyNode;
  if (!isScalar(node)) return { found: node === undefined || node === null ? 'nothing' : describeNode(node) };
  const value = node.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return { found: 'a tagged non-string value' };
  return String(value);
}

function valueToJS(doc: ParsedDocument, valueNode: unknown, locate: Locate, problems: ParseProblem[]): unknown {
  if (!isScalar(valueNode) && !isAlias(valueNode) && !isMap(valueNode) && !isSeq(valueNode)) return null;
  try {
    return valueNode.toJS(doc);
  } catch (error) {
    // e.g. an alias to a missing anchor, or too many aliases
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ message, ...locate(nodeStart(valueNode) ?? 0) });
    return undefined;
  }
}

function plainSourceText(valueNode: unknown, text: string): string | undefined {
  if (!isScalar(valueNode) || valueNode.type !== 'PLAIN' || !valueNode.range) return undefined;
  return text.slice(valueNode.range[0], valueNode.range[1]);
}

/** An empty document (e.g. only `---`) parses as an empty plain scalar: treat it like an empty file. */
function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}

function describeNode(node: unknown): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  return 'a scalar';
}

function nodeStart(node: unknown): number | undefined {
  if (isScalar(node) || isAlias(node) || isMap(node) || isSeq(node)) return node.range?.[0];
  return undefined;
}

function errorToProblem(error: YAMLError, locate: Locate): ParseProblem {
  const message =
    error.code === 'MULTIPLE_DOCS' ? 'expected a single YAML document, found more than one' : error.message;
  return { message, ...locate(error.pos[0]) };
}
