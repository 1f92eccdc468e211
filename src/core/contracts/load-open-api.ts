import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import { parseDocumentBounded } from '../yaml/parse-document-bounded.js';
import { readBlockYamlValue } from '../yaml/read-block-yaml.js';
import { lineColumn } from '../json-locator.js';
import { jsonTooDeepOffset, TOO_DEEP } from '../nesting.js';
import { sparseIndexKeysDeep } from '../sparse-index-keys.js';
import { resolvePlainScalar } from '../yaml/resolve-plain-scalar.js';
import { toJSBounded } from '../yaml/to-js-bounded.js';
import { yamlPackage } from '../yaml/yaml-package.js';
import { resolveRefs } from './resolve-refs.js';

/** Reads the text of a spec file; the caller does the I/O (relative paths are joined by core). */
export type SpecTextReader = (path: string) => string;

/**
 * The YAML 1.2 core schema exactly as `yaml` resolves plain scalars (js-yaml's own core schema
 * differs on a few: `-.5`, `0b101`, `-0x1F`): one js-yaml type per tag, each taking the plain
 * scalars `resolvePlainScalar` (the fast YAML readers' resolver, tested against `yaml`) gives a
 * value of its kind.
 */
const scalar = (tag: string, kind: (value: unknown) => boolean) =>
  new Type(tag, {
    kind: 'scalar',
    resolve: (text: unknown) => typeof text === 'string' && kind(resolvePlainScalar(text)),
    construct: (text: string) => resolvePlainScalar(text),
  });
const YAML_CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('tag:yaml.org,2002:null', (value) => value === null),
    scalar('tag:yaml.org,2002:bool', (value) => typeof value === 'boolean'),
    scalar('tag:yaml.org,2002:float', (value) => typeof value === 'number'),
  ],
});

/** An anchor (`&name`) where YAML allows one: a document with aliases goes to the bounded parser. */
const ANCHOR = /(?:^|[\s,[{])&[^\s,[\]{}]/;

/**
 * Whether spec text may have YAML anchors: its document may then share nodes, or hold a cycle,
 * where JSON and anchor-free YAML always give a tree.
 */
export function mayShareNodes(text: string): boolean {
  return text.includes('&') && ANCHOR.test(text);
}

/**
 * Parses YAML or JSON spec text, to the value `yaml` gives (YAML 1.2 core schema, a repeated key
 * keeping its last value). JSON (generated specs often are) goes through `JSON.parse`; YAML
 * without anchors through the block-YAML subset reader (`readBlockYamlValue`, held to `yaml`),
 * else `js-yaml` with `yaml`'s schema, over ten times faster than `yaml` on large specs (the
 * corpus tests hold all three to the same values). A document with anchors — whose
 * aliases could expand without bound — and anything either fast parser refuses go through
 * `yaml`, which bounds alias expansion and locates the error (nesting past MAX_NESTING included).
 */
export function parseSpecText(text: string): unknown {
  if (/^\s*[{[]/.test(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON after all: YAML reads it, or says where it is broken.
    }
    if (value !== undefined) {
      const deep = jsonTooDeepOffset(text);
      if (deep !== undefined) throw new SpecTextError(TOO_DEEP, lineColumn(text, deep));
      return value;
    }
  }
  if (!mayShareNodes(text)) {
    // Block-style YAML without block scalars (as generators and most hand-written specs are) is read by the subset reader.
    const fast = readBlockYamlValue(text);
    if (fast !== undefined) return fast;
    let value: unknown;
    try {
      value = load(text, { schema: YAML_CORE, json: true }) ?? null;
    } catch {
      // `yaml` says where it is broken (or reads what js-yaml would not).
    }
    if (value !== undefined) {
      sparseIndexKeysDeep(value);
      return value;
    }
  }
  const doc = parseDocumentBounded(text, { uniqueKeys: false, lineCounter: new (yamlPackage().LineCounter)(), prettyErrors: true });
  if (doc.errors.length > 0) throw doc.errors[0];
  const converted = toJSBounded(doc);
  if ('problem' in converted) throw new SpecTextError(converted.problem.message, lineColumn(text, converted.problem.offset));
  sparseIndexKeysDeep(converted.value);
  return converted.value ?? null;
}

/** Spec text that parses but cannot be used, at a place in it (`linePos` as `yaml`'s errors have it). */
class SpecTextError extends Error {
  readonly linePos: [{ line: number; col: number }];
  constructor(message: string, at: { line: number; column: number }) {
    super(message);
    this.linePos = [{ line: at.line, col: at.column }];
  }
}

/** What a parse error says, and where (1-based), without the parser's source excerpt. */
export function specErrorPosition(error: unknown): { message: string; line?: number; column?: number } {
  const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  const message = (error instanceof Error ? error.message.split('\n')[0]! : String(error)).replace(/ at line \d+, column \d+:?$/, '');
  return pos ? { message, line: pos.line, column: pos.col } : { message };
}

/**
 * Parses the spec at `path` and resolves its local and external `$ref`s, reading every file
 * through `readText`. Recursive schemas come back as cyclic object graphs.
 */
export function loadOpenApi(path: string, readText: SpecTextReader): unknown {
  const document = parseSpecText(readText(path));
  return resolveRefs(document, { uri: path, read: (uri) => parseSpecText(readText(uri)) });
}
