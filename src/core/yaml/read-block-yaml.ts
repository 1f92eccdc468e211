/**
 * A fast reader for plain block-style YAML documents, with the position of every node.
 *
 * Why: `yaml`'s `parseDocument` takes ~1.5 s on a 1,000-service manifest (53,000 lines), and
 * tranche reads two of them. Nearly every manifest is written in a small, regular part of YAML:
 * nested block maps and sequences, one-line flow maps and sequences, one-line scalars, comments.
 * `readBlockYaml` reads exactly that part line by line and declines (returns undefined) at the
 * first thing it is not certain of; the caller then parses the document with `yaml`, which also
 * reports every error. For any document it accepts, `value` is exactly `parseDocument(text).toJS()`
 * and the positions are those `yaml` reports, an empty value being placed at its key (the tests
 * check both against `yaml` itself).
 *
 * The subset, line by line: blank lines; full-line comments at any indentation; `key: value`,
 * `key:` (then a nested block, an indentless `- ` sequence, or nothing = null) and `- item` lines
 * (the item may be `key: value` starting a compact map, or `- ` starting a compact sequence).
 * Keys are plain (`[A-Za-z0-9_][A-Za-z0-9_./-]*`, resolving to a string) or quoted (non-empty,
 * no backslash). Values are
 * one-line plain or quoted scalars (no backslash in double quotes) or one-line flow collections.
 * Declined: tabs, control characters, a BOM, lone CRs, anchors, aliases, tags, block scalars,
 * multi-line scalars or flow collections, directives and document markers, `? ` keys, duplicate
 * keys, null sequence items, nesting deeper than MAX_NESTING, an empty document or one not
 * starting at column 1, and any line whose indentation does not match an open block.
 */
import {
  decline,
  forgetKeys,
  isDeclined,
  MAX_NESTING,
  nodeInfo,
  pathPrefix,
  readInlineValue,
  readKey,
  setProperty,
  skipSpaces,
  type LineCursor,
} from './read-inline-value.js';
import { UNSURE_CHAR } from './unsure-chars.js';

/** 1-based. */
export interface YamlPosition {
  line: number;
  column: number;
}

export interface NodeInfo {
  /** Where the key of a map entry starts (absent for sequence items and the root). */
  key?: YamlPosition;
  /** Where the value starts; for an empty value (`key:` with nothing after), where the key starts. */
  value: YamlPosition;
  /** The exact source text of a plain (unquoted) scalar value, e.g. `1.10`; '' for an empty value. */
  plain?: string;
}

export interface BlockYaml {
  /** Exactly what `parseDocument(text).toJS()` gives. */
  value: unknown;
  /** Every node by its path: segments joined with '\u0000'; sequence indexes as decimal strings; the root is ''. */
  nodes: NodeIndex;
}

/** The key of `nodes` for a path, e.g. `['services', 'orders', 'uses', 0]`. */
export function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

/** The document read by the fast subset reader, or undefined when it uses anything outside the subset. */
export function readBlockYaml(text: string): BlockYaml | undefined {
  if (UNSURE_CHAR.test(text)) return undefined;
  try {
    const nodes = new NodeIndex();
    const value = new BlockReader(text, nodes, false).readDocument();
    return { value, nodes: nodes.finish() };
  } catch (error) {
    if (isDeclined(error)) return undefined;
    throw error;
  } finally {
    forgetKeys();
  }
}

/**
 * The value alone (what `parseDocument(text).toJS()` gives), for documents whose positions are
 * not needed (API specs); undefined outside the subset. Block map keys may also be any plain
 * scalar of block context without spaces (`/pets/{id}`, `$ref`, `x-go-name`), as specs write them.
 */
export function readBlockYamlValue(text: string): unknown {
  if (UNSURE_CHAR.test(text)) return undefined;
  try {
    return new BlockReader(text, undefined, true).readDocument();
  } catch (error) {
    if (isDeclined(error)) return undefined;
    throw error;
  } finally {
    forgetKeys();
  }
}

/** Where the value-only reader records the nodes of flow collections: nowhere. */
const NO_NODES: LineCursor['nodes'] = { add(): void {} };

const CR = 0x0d;
const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;

/**
 * Reads blocks by indentation, one line with content at a time, in the one text: no line is
 * copied out of it, only the keys and scalars that become the value. The current line is the next
 * with content (blank and comment-only lines are passed over): it starts at `lineStart`, ends at
 * `lineEnd` (its `\n`, the `\r` of its CRLF, or the text's end) and its content starts at
 * `content`; `done` once there is none. For a compact item (`- key: v`, `- - v`) the reader moves
 * `content` past the `- `, so the item's block reads like one starting on its own line at that
 * column.
 */
class BlockReader {
  private readonly cursor: LineCursor;
  /** 0-based number of the current line. */
  private line = -1;
  private lineStart = 0;
  private lineEnd = 0;
  private content = 0;
  /** Where the line after the current one starts; past the text's end when there is none. */
  private nextStart = 0;
  private done = false;
  /** How many blocks are open; declined past MAX_NESTING, as reading them recurses. */
  private depth = 0;

  constructor(
    private readonly text: string,
    /** Where nodes are recorded; none are (nor their paths made) when undefined. */
    private readonly nodes: NodeIndex | undefined,
    /** Block map keys may be any plain scalar without spaces (readKey's `blockKeys`). */
    private readonly blockKeys: boolean,
  ) {
    this.cursor = { text, start: 0, end: 0, line: 0, plain: undefined, nodes: nodes ?? NO_NODES };
    this.advance();
  }

  readDocument(): unknown {
    if (this.done || this.content !== this.lineStart) decline();
    const value = this.readNested('', 0, undefined);
    if (!this.done) decline();
    return value;
  }

  /** The block map or sequence whose first line is the current one, with content at `indent`; records its node. */
  private readNested(path: string, indent: number, key: YamlPosition | undefined): unknown {
    if (++this.depth > MAX_NESTING) decline();
    this.nodes?.add(path, nodeInfo(key, { line: this.line + 1, column: indent + 1 }, undefined));
    const value = this.isDashAt(this.content) ? this.readSeq(path, indent) : this.readMap(path, indent);
    this.depth--;
    return value;
  }

  private readMap(path: string, indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let sparse = false;
    const prefix = pathPrefix(path);
    for (;;) {
      const key = readKey(this.text, this.content, this.lineEnd, this.blockKeys) ?? decline();
      const keyPosition = this.nodes && { line: this.line + 1, column: indent + 1 };
      const value = this.readEntryValue(this.nodes ? prefix + key.key : '', indent, keyPosition, key.after);
      sparse = setProperty(map, key.key, value, sparse);
      const nextIndent = this.nextIndent();
      if (nextIndent < indent) return map;
      if (nextIndent > indent) decline();
    }
  }

  /** The value after `key:` (at index `after` of the current line): inline, a nested block, or null. */
  private readEntryValue(path: string, indent: number, key: YamlPosition | undefined, after: number): unknown {
    const start = skipSpaces(this.text, after);
    if (start < this.lineEnd && this.text.charCodeAt(start) !== HASH) return this.readInline(path, start, key);
    this.advance();
    const nextIndent = this.nextIndent();
    const indentless = nextIndent === indent && this.isDashAt(this.content);
    if (nextIndent > indent || indentless) return this.readNested(path, nextIndent, key);
    if (key) this.nodes?.add(path, { key, value: key, plain: '' });
    return null;
  }

  private readSeq(path: string, indent: number): unknown[] {
    const items: unknown[] = [];
    const prefix = pathPrefix(path);
    for (;;) {
      items.push(this.readItem(this.nodes ? prefix + String(items.length) : '', indent));
      const nextIndent = this.nextIndent();
      if (nextIndent < indent) return items;
      if (nextIndent > indent) decline();
      if (!this.isDashAt(this.content)) return items; // the map around an indentless sequence goes on
    }
  }

  /** The item after the `-` at `indent` of the current line. */
  private readItem(path: string, indent: number): unknown {
    const { text } = this;
    const start = skipSpaces(text, this.content + 1);
    if (start === this.lineEnd || text.charCodeAt(start) === HASH) {
      this.advance();
      const nextIndent = this.nextIndent();
      if (nextIndent <= indent) decline(); // a null item
      return this.readNested(path, nextIndent, undefined);
    }
    if (this.isDashAt(start) || readKey(text, start, this.lineEnd, this.blockKeys) !== undefined) {
      this.content = start;
      return this.readNested(path, start - this.lineStart, undefined);
    }
    return this.readInline(path, start, undefined);
  }

  /** A one-line value at index `start` of the current line; records its node and moves to the next line. */
  private readInline(path: string, start: number, key: YamlPosition | undefined): unknown {
    const cursor = this.cursor;
    cursor.start = this.lineStart;
    cursor.end = this.lineEnd;
    cursor.line = this.line + 1;
    const value = readInlineValue(cursor, start, path);
    this.nodes?.add(path, nodeInfo(key, { line: cursor.line, column: start - this.lineStart + 1 }, cursor.plain));
    this.advance();
    return value;
  }

  /** The column where the current line's content starts, or -1 at the end of the document. */
  private nextIndent(): number {
    return this.done ? -1 : this.content - this.lineStart;
  }

  /** A sequence entry indicator at index `at` of the current line: `-` followed by a space or the line's end. */
  private isDashAt(at: number): boolean {
    const { text } = this;
    return text.charCodeAt(at) === DASH && (at + 1 === this.lineEnd || text.charCodeAt(at + 1) === SPACE);
  }

  /** Moves to the next line with content (one not blank nor only a comment), or to the end. */
  private advance(): void {
    const { text } = this;
    for (let start = this.nextStart; start <= text.length; ) {
      this.line++;
      const newline = text.indexOf('\n', start);
      const after = newline === -1 ? text.length + 1 : newline + 1;
      let end = newline === -1 ? text.length : newline;
      if (text.charCodeAt(end - 1) === CR) end--; // a CRLF (the text has no other CR)
      let content = start;
      while (text.charCodeAt(content) === SPACE) content++;
      if (content < end && text.charCodeAt(content) !== HASH) {
        this.lineStart = start;
        this.lineEnd = end;
        this.content = content;
        this.nextStart = after;
        return;
      }
      start = after;
    }
    this.done = true;
  }
}

/**
 * Every node's path and position, compactly: four numbers a node in one Int32Array (where its key
 * starts, 0 0 when it has none; where its value starts) and its plain text. A 50,000-line manifest
 * has ~100,000 nodes, and an object per position costs several times the memory, for as long as
 * the manifest's locations are needed. The Map from path to node is built once at the end: that is
 * measurably faster than growing it while the document is read.
 */
export class NodeIndex {
  private paths: string[] | undefined = [];
  private readonly byPath = new Map<string, number>();
  private positions = new Int32Array(256);
  private readonly plains: (string | undefined)[] = [];
  private count = 0;

  add(path: string, info: NodeInfo): void {
    if (this.count * 4 === this.positions.length) {
      const grown = new Int32Array(this.positions.length * 2);
      grown.set(this.positions);
      this.positions = grown;
    }
    const at = this.count * 4;
    if (info.key) {
      this.positions[at] = info.key.line;
      this.positions[at + 1] = info.key.column;
    }
    this.positions[at + 2] = info.value.line;
    this.positions[at + 3] = info.value.column;
    this.plains.push(info.plain);
    this.paths!.push(path);
    this.count++;
  }

  /** Ends the reading: the index answers from now on. */
  finish(): this {
    for (let i = 0; i < this.count; i++) this.byPath.set(this.paths![i]!, i);
    this.paths = undefined;
    this.positions = this.positions.slice(0, this.count * 4);
    return this;
  }

  /** The node at a path (a pathKey), as a number for the other questions; undefined when there is none. */
  find(path: string): number | undefined {
    return this.byPath.get(path);
  }

  /** Where a node's key starts (its value, when it has no key) or its value starts. */
  position(node: number, part: 'key' | 'value'): YamlPosition {
    const at = node * 4 + (part === 'key' && this.positions[node * 4] !== 0 ? 0 : 2);
    return { line: this.positions[at]!, column: this.positions[at + 1]! };
  }

  /** The exact source text of a node's plain scalar value; undefined for anything else. */
  plain(node: number): string | undefined {
    return this.plains[node];
  }

  /** The node at a path as a NodeInfo. */
  get(path: string): NodeInfo | undefined {
    const node = this.find(path);
    if (node === undefined) return undefined;
    const info: NodeInfo =
      this.positions[node * 4] !== 0 ? { key: this.position(node, 'key'), value: this.position(node, 'value') } : { value: this.position(node, 'value') };
    const plain = this.plain(node);
    if (plain !== undefined) info.plain = plain;
    return info;
  }

  /** Every node as a NodeInfo, by path. */
  toMap(): Map<string, NodeInfo> {
    return new Map([...this.byPath.keys()].map((path) => [path, this.get(path)!]));
  }
}
