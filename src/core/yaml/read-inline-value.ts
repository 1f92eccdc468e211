/**
 * The single-line pieces of the block-YAML fast reader (`read-block-yaml.ts`): map keys, scalars
 * and one-line flow collections, each read from one line of the document's text: from a given
 * index up to the line's end (the index of its `\n`, or of the `\r` of a CRLF, or the text's
 * length), so that no line is ever copied out of the text.
 *
 * Every reader either returns what it read or calls `decline()` when the text is outside the
 * subset it fully understands; `readBlockYaml` turns that into "use `yaml` instead". Scalars
 * resolve exactly as `yaml`'s YAML 1.2 core schema resolves them (`resolve-plain-scalar.ts`, which
 * the config file reader shares).
 */
import { keepIndexKeysSparse, mayBeIndexKey } from '../sparse-index-keys.js';
import { INDICATOR_START } from './indicator-start.js';
import type { NodeInfo, YamlPosition } from './read-block-yaml.js';
import { readQuotedScalar } from './read-quoted-scalar.js';
import { resolvePlainScalar } from './resolve-plain-scalar.js';

const DECLINED = new Error('outside the block-YAML fast subset');

/** Abandons the fast reader: the document uses something outside the subset. */
export function decline(): never {
  throw DECLINED;
}

export function isDeclined(error: unknown): boolean {
  return error === DECLINED;
}

/** One line of the document being read, and where to record the nodes found in it. */
export interface LineCursor {
  /** The whole document. */
  text: string;
  /** Where the line starts in `text` (columns count from there). */
  start: number;
  /** Where the line ends in `text`: its `\n`, the `\r` of its CRLF, or the text's length. */
  end: number;
  /** 1-based line number. */
  line: number;
  /** The source text of the plain scalar readInlineValue read last; undefined when it read another value. */
  plain: string | undefined;
  nodes: { add(path: string, info: NodeInfo): void };
}

/** A value read from a line; `end` is the index just past it; `plain` is set for plain scalars only. */
interface Inline {
  value: unknown;
  end: number;
  plain?: string;
}

/** What a child's segment is appended to in the paths of `nodes`: segments are joined with U+0000, the root is ''. */
export function pathPrefix(path: string): string {
  return path === '' ? '' : `${path}\u0000`;
}

export function skipSpaces(text: string, from: number): number {
  let i = from;
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

const SPACE = 0x20;
const HASH = 0x23;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/** `yaml` rejects implicit keys over 1024 characters; stay clear of that limit. */
const MAX_KEY_LENGTH = 1000;

export interface KeyRead {
  key: string;
  /** Index just past the `:`, which is followed by a space or the end of the line. */
  after: number;
}

/**
 * The map key at `start` of a line ending at `end` (`key:` followed by a space or the end of the
 * line), or undefined when the text there is not a key. Declines a key that is empty, too long, or
 * a plain key that would resolve to something other than a string (`1:`, `true:`, `null:`).
 */
export function readKey(text: string, start: number, end: number, blockKeys = false): KeyRead | undefined {
  const first = text.charCodeAt(start);
  if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
    const quoted = readQuoted(text, start, end);
    if (!isKeyEnd(text, quoted.end, end)) return undefined;
    const key = quoted.value as string;
    if (key === '' || key.length > MAX_KEY_LENGTH) decline();
    return { key, after: quoted.end + 1 };
  }
  const colon = blockKeys ? blockKeyEnd(text, start) : plainKeyEnd(text, start);
  if (colon === start || !isKeyEnd(text, colon, end)) return undefined;
  return { key: plainKey(text, start, colon), after: colon + 1 };
}

/** A `:` at `colon`, followed by a space or the line's end. */
function isKeyEnd(text: string, colon: number, end: number): boolean {
  return text.charCodeAt(colon) === COLON && (colon + 1 === end || text.charCodeAt(colon + 1) === SPACE);
}

/**
 * The last plain key read in each of 1,024 slots (by first and last character and length). Specs
 * repeat a few hundred keys (`type`, `description`, `schema`, `$ref`...): one found here is
 * neither copied out of the text nor resolved again, and it is already internalized, as a new
 * string would be on being set as a property. Emptied after each document (`forgetKeys`): a key
 * of 13 characters or more is a slice that keeps the whole text alive until it is set, and one of
 * a declined document never is.
 */
const KEY_CACHE: string[] = new Array<string>(1024).fill('');

/** Empties the key cache, so that it keeps no document's text alive. */
export function forgetKeys(): void {
  KEY_CACHE.fill('');
}

/** The plain key from `start` to `colon`; declined when too long or when it would not resolve to a string (`1:`, `true:`). */
function plainKey(text: string, start: number, colon: number): string {
  const length = colon - start;
  if (length > MAX_KEY_LENGTH) decline();
  const slot = (text.charCodeAt(start) * 31 + text.charCodeAt(colon - 1) * 7 + length) & 1023;
  const cached = KEY_CACHE[slot]!;
  if (cached.length === length && text.startsWith(cached, start)) return cached;
  const key = text.slice(start, colon);
  if (typeof resolvePlainScalar(key) !== 'string') decline();
  KEY_CACHE[slot] = key;
  return key;
}

/**
 * The end of a plain key `[A-Za-z0-9_][A-Za-z0-9_./-]*` at `start` (`start` itself when there is
 * none). It cannot pass the line's end: neither `\r` nor `\n` is a key character.
 */
function plainKeyEnd(text: string, start: number): number {
  if (!isKeyChar(text.charCodeAt(start), false)) return start;
  let end = start + 1;
  while (isKeyChar(text.charCodeAt(end), true)) end++;
  return end;
}

/**
 * The end of a plain key of block context without spaces at `start`: its first character no
 * indicator (nor `<`, which could start a merge key), then any printable ASCII but `:` and `#`
 * (YAML allows more: those go to the full parser). `start` itself when there is none. It stops at
 * the line's end (`\r` and `\n` are below the space).
 */
function blockKeyEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first <= SPACE || first > 0x7e || first === 0x3c || INDICATOR[first] === 1) return start;
  let end = start + 1;
  for (let c = text.charCodeAt(end); c > SPACE && c <= 0x7e && c !== COLON && c !== HASH; c = text.charCodeAt(++end));
  return end;
}

/** The characters that cannot start a plain scalar (`-`, `?` and `:` can, when not followed by a space; not here). */
const INDICATOR = new Uint8Array(0x80);
for (const c of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[c.charCodeAt(0)] = 1;

function isKeyChar(c: number, inside: boolean): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f) return true;
  return inside && (c === 0x2e || c === 0x2f || c === 0x2d); // . / -
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/**
 * The value at `start` (a non-space) in block context: a plain or quoted scalar or a one-line
 * flow collection, which must be followed only by spaces and an optional ` # comment`. Nodes
 * inside a flow collection are recorded under `path`; the value's own node is the caller's, with
 * the plain scalar's text, left in `cursor.plain` (undefined for anything else). No object is
 * made for the commonest value, a plain scalar.
 */
export function readInlineValue(cursor: LineCursor, start: number, path: string): unknown {
  const { text, end } = cursor;
  const first = text.charCodeAt(start);
  let read: Inline;
  if (first === OPEN_BRACKET || first === OPEN_BRACE) read = readFlowCollection(cursor, start, path, 1);
  else if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) read = readQuoted(text, start, end);
  else {
    const stop = blockPlainEnd(text, start, end);
    const source = text.slice(start, stop);
    checkPlain(source);
    cursor.plain = source;
    return resolvePlainScalar(source);
  }
  expectLineEnd(text, read.end, end);
  cursor.plain = undefined;
  return read.value;
}

/** Only spaces, then optionally a comment (whose `#` must follow a space), up to the end of the line. */
function expectLineEnd(text: string, from: number, end: number): void {
  const i = skipSpaces(text, from);
  if (i === end) return;
  if (text.charCodeAt(i) === HASH && i > from) return;
  decline();
}

/** `'...'` (with `''` for a quote) or `"..."` without any backslash, closed on the same line. */
function readQuoted(text: string, start: number, end: number): Inline {
  return readQuotedScalar(text, start, end) ?? decline();
}

/**
 * The end of a block-context plain scalar at `start` (not a space): the rest of the line up to its
 * `end` or a ` #` comment, without trailing spaces. The comment is looked for within the line only
 * (a search of the whole text would pass it, to the text's end when there is none).
 */
function blockPlainEnd(text: string, start: number, end: number): number {
  let stop = start + 1;
  while (stop < end && (text.charCodeAt(stop) !== HASH || text.charCodeAt(stop - 1) !== SPACE)) stop++;
  while (stop > start && text.charCodeAt(stop - 1) === SPACE) stop--;
  return stop;
}

/**
 * Declines what is not certainly a complete one-line plain scalar: an indicator start (a tag `!`,
 * an anchor, an alias...), or `: ` or a final `:`, which make a map.
 */
function checkPlain(source: string): void {
  if (source === '' || INDICATOR_START.test(source) || source.includes(': ') || source.endsWith(':')) decline();
}

// ---------------------------------------------------------------------------------------------
// One-line flow collections
// ---------------------------------------------------------------------------------------------

/** Blocks, and flow collections within a line, nested deeper than this are declined: reading recurses. */
export const MAX_NESTING = 200;

function readFlowCollection(cursor: LineCursor, start: number, path: string, depth: number): Inline {
  if (depth > MAX_NESTING) decline();
  const { text } = cursor;
  return text.charCodeAt(start) === OPEN_BRACKET ? readFlowSeq(cursor, start, path, depth) : readFlowMap(cursor, start, path, depth);
}

/** `[a, b]`: items separated by commas, no trailing comma, closed on the same line. */
function readFlowSeq(cursor: LineCursor, start: number, path: string, depth: number): Inline {
  const { text } = cursor;
  const items: unknown[] = [];
  const prefix = pathPrefix(path);
  let i = skipSpaces(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return { value: items, end: i + 1 };
  for (;;) {
    const itemPath = prefix + String(items.length);
    const item = readFlowItem(cursor, i, itemPath, depth);
    recordNode(cursor, itemPath, undefined, i, item.plain);
    items.push(item.value);
    i = skipSpaces(text, item.end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return { value: items, end: i + 1 };
    if (c !== COMMA) decline();
    i = skipSpaces(text, i + 1);
  }
}

/** `{ k: v, k2: v2 }`: every key followed by `: ` and a value, no trailing comma, one line. */
function readFlowMap(cursor: LineCursor, start: number, path: string, depth: number): Inline {
  const { text } = cursor;
  const map: Record<string, unknown> = {};
  let sparse = false;
  const prefix = pathPrefix(path);
  let i = skipSpaces(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return { value: map, end: i + 1 };
  for (;;) {
    const key = readKey(text, i, cursor.end) ?? decline();
    if (text.charCodeAt(key.after) !== SPACE) decline();
    const entryPath = prefix + key.key;
    const valueStart = skipSpaces(text, key.after);
    const entry = readFlowItem(cursor, valueStart, entryPath, depth);
    recordNode(cursor, entryPath, i, valueStart, entry.plain);
    sparse = setProperty(map, key.key, entry.value, sparse);
    i = skipSpaces(text, entry.end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return { value: map, end: i + 1 };
    if (c !== COMMA) decline();
    i = skipSpaces(text, i + 1);
  }
}

function readFlowItem(cursor: LineCursor, start: number, path: string, depth: number): Inline {
  const { text, end } = cursor;
  const first = text.charCodeAt(start);
  if (first === OPEN_BRACKET || first === OPEN_BRACE) return readFlowCollection(cursor, start, path, depth + 1);
  if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) return readQuoted(text, start, end);
  return readFlowPlain(text, start, end);
}

/** A flow-context plain scalar: up to the next `,`, `]` or `}` of the line; declines on a comment or `[`/`{` inside. */
function readFlowPlain(text: string, start: number, lineEnd: number): Inline {
  let end = start;
  for (; end < lineEnd; end++) {
    const c = text.charCodeAt(end);
    if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) break;
    if (c === OPEN_BRACKET || c === OPEN_BRACE || (c === HASH && text.charCodeAt(end - 1) === SPACE)) decline();
  }
  if (end === lineEnd) decline();
  let sourceEnd = end;
  while (sourceEnd > start && text.charCodeAt(sourceEnd - 1) === SPACE) sourceEnd--;
  const source = text.slice(start, sourceEnd);
  checkPlain(source);
  return { value: resolvePlainScalar(source), end, plain: source };
}

function recordNode(cursor: LineCursor, path: string, keyIndex: number | undefined, valueIndex: number, plain: string | undefined): void {
  const { line, start } = cursor;
  const key = keyIndex === undefined ? undefined : { line, column: keyIndex - start + 1 };
  cursor.nodes.add(path, nodeInfo(key, { line, column: valueIndex - start + 1 }, plain));
}

/** A NodeInfo with only the fields that apply, each built whole (a fixed shape allocates less). */
export function nodeInfo(key: YamlPosition | undefined, value: YamlPosition, plain: string | undefined): NodeInfo {
  if (key === undefined) return plain === undefined ? { value } : { value, plain };
  return plain === undefined ? { key, value } : { key, value, plain };
}

/**
 * Sets a property as `yaml`'s `toJS()` does (an inherited name such as `__proto__` or `toString`
 * becomes an own property), declining on a duplicate key. Values are never undefined, so one
 * lookup tells a new key from a duplicate or an inherited name. Index keys (`200:`) are kept in a
 * dictionary, as `JSON.parse` keeps them (`sparse-index-keys.ts`): `sparse` tells whether `map`
 * already does, and the answer is whether it does now. The reader building the map carries that
 * bit, rather than a set of such maps being asked at every key that starts with a digit.
 */
export function setProperty(map: Record<string, unknown>, key: string, value: unknown, sparse: boolean): boolean {
  if (map[key] === undefined) {
    if (!sparse && mayBeIndexKey(key)) {
      keepIndexKeysSparse(map);
      sparse = true;
    }
    map[key] = value;
  } else if (Object.hasOwn(map, key))
    decline(); // a duplicate key: let `yaml` report it
  else Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  return sparse;
}
