/**
 * The general path of `parseConfigFile`: the whole file through `yaml`, for any file the fast path
 * declines. Every error and warning of `yaml` is a problem at its position (a warning too: an
 * unknown tag such as `!Passw0rd` would otherwise turn the value into '' without a word), with a
 * message that quotes no input text, as config files may hold secrets.
 */
import type { Document, Node } from 'yaml';
import type { ParseProblem } from '../location.js';
import { aliasProblems } from './alias-problems.js';
import { configEntry, type ConfigEntry, type ConfigFile } from './config-entry.js';
import { parseDocumentBounded } from './parse-document-bounded.js';
import { parseOptions } from './parse-options.js';
import { isShowableKeyName } from './showable-key-name.js';
import { toJSBounded } from './to-js-bounded.js';
import { yamlPackage } from './yaml-package.js';
import { yamlProblemMessage } from './yaml-problem-message.js';

type ParsedDocument = Document.Parsed;
type Locate = (offset: number) => { line: number; column: number };

/** What the top-level pairs are read with. */
interface Reading {
  doc: ParsedDocument;
  text: string;
  locate: Locate;
  /** Offsets of the aliases `aliasProblems` reported: values holding one are not converted. */
  badAliases: ReadonlySet<number>;
  entries: ConfigEntry[];
  problems: ParseProblem[];
  /** Offsets of top-level duplicate keys, reported with a clearer message than yaml's. */
  duplicateKeyOffsets: Set<number>;
}

/** Parses any file with `yaml` and maps its top-level map, its errors and its warnings to entries and problems. */
export function parseWithYaml(text: string): ConfigFile {
  const { isMap, LineCounter } = yamlPackage();
  const lineCounter = new LineCounter();
  const doc = parseDocumentBounded(text, parseOptions(lineCounter));
  const locate: Locate = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: ParseProblem[] = [];
  const badAliases = new Set<number>();
  for (const problem of aliasProblems(doc, text)) {
    badAliases.add(problem.offset);
    problems.push({ message: problem.message, ...locate(problem.offset) });
  }
  const reading: Reading = { doc, text, locate, badAliases, entries: [], problems, duplicateKeyOffsets: new Set() };
  const contents = doc.contents;
  if (isMap(contents)) {
    collectEntries(reading, contents.items);
  } else if (contents !== null && !isEmptyScalar(contents) && !isReportedAlias(reading, contents)) {
    problems.push({
      message: `expected a map of KEY: value at the top level, found ${describeNode(contents)}`,
      ...locate(contents.range[0]),
    });
  }
  for (const error of [...doc.errors, ...doc.warnings]) {
    if (error.code === 'DUPLICATE_KEY' && reading.duplicateKeyOffsets.has(error.pos[0])) continue;
    problems.push({ message: yamlProblemMessage(error, text), ...locate(error.pos[0]) });
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { entries: reading.entries, problems };
}

function collectEntries(reading: Reading, pairs: ReadonlyArray<{ key: unknown; value: unknown }>): void {
  const { locate, problems } = reading;
  const firstLineOfKey = new Map<string, number>();
  for (const pair of pairs) {
    const keyOffset = nodeStart(pair.key) ?? nodeStart(pair.value) ?? 0;
    const where = locate(keyOffset);
    if (isReportedAlias(reading, pair.key)) continue;
    const key = keyString(reading.doc, pair.key);
    if (typeof key !== 'string') {
      problems.push({ message: `expected a scalar key, found ${key.found}`, ...where });
      continue;
    }
    const firstLine = firstLineOfKey.get(key);
    if (firstLine === undefined) {
      firstLineOfKey.set(key, where.line);
    } else {
      const named = isShowableKeyName(key) ? `duplicate key ${key}` : 'duplicate key';
      problems.push({ message: `${named} (first at line ${firstLine})`, ...where });
      reading.duplicateKeyOffsets.add(keyOffset);
    }
    const value = valueToJS(reading, pair.value);
    reading.entries.push(configEntry(key, value, where.line, where.column, plainSourceText(pair.value, reading.text)));
  }
}

/**
 * The property name `toJS()` would use for a key: null becomes '', other scalars String(value).
 * Keys that are collections (or scalars whose value is an object) are reported instead.
 */
function keyString(doc: ParsedDocument, keyNode: unknown): string | { found: string } {
  const { isAlias, isScalar } = yamlPackage();
  const node = isAlias(keyNode) ? keyNode.resolve(doc) : keyNode;
  if (!isScalar(node)) return { found: node === undefined || node === null ? 'nothing' : describeNode(node) };
  const value = node.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return { found: 'a tagged non-string value' };
  return String(value);
}

/** The value's data; undefined when it holds an alias already reported, or its aliases expand too far. */
function valueToJS(reading: Reading, valueNode: unknown): unknown {
  const { isAlias, isMap, isScalar, isSeq } = yamlPackage();
  if (!isScalar(valueNode) && !isAlias(valueNode) && !isMap(valueNode) && !isSeq(valueNode)) return null;
  if (holdsReportedAlias(reading, valueNode)) return undefined;
  const converted = toJSBounded(reading.doc, valueNode);
  if ('value' in converted) return converted.value;
  reading.problems.push({ message: converted.problem.message, ...reading.locate(converted.problem.offset) });
  return undefined;
}

function isReportedAlias(reading: Reading, node: unknown): boolean {
  return yamlPackage().isAlias(node) && node.range !== undefined && node.range !== null && reading.badAliases.has(node.range[0]);
}

function holdsReportedAlias(reading: Reading, node: Node): boolean {
  const { badAliases } = reading;
  if (badAliases.size === 0 || !node.range) return false;
  const [start, end] = node.range;
  for (const offset of badAliases) if (offset >= start && offset < end) return true;
  return false;
}

function plainSourceText(valueNode: unknown, text: string): string | undefined {
  if (!yamlPackage().isScalar(valueNode) || valueNode.type !== 'PLAIN' || !valueNode.range) return undefined;
  return text.slice(valueNode.range[0], valueNode.range[1]);
}

/** An empty document (e.g. only `---`) parses as an empty plain scalar: treat it like an empty file. */
function isEmptyScalar(node: unknown): boolean {
  return yamlPackage().isScalar(node) && node.value === null && node.source === '';
}

function describeNode(node: unknown): string {
  const { isAlias, isMap, isSeq } = yamlPackage();
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  return 'a scalar';
}

function nodeStart(node: unknown): number | undefined {
  const { isAlias, isMap, isScalar, isSeq } = yamlPackage();
  if (isScalar(node) || isAlias(node) || isMap(node) || isSeq(node)) return node.range?.[0];
  return undefined;
}
