import type { CST, Document, DocumentOptions, EmptyStream, ParseOptions, SchemaOptions } from 'yaml';
import { MAX_NESTING, TOO_DEEP } from '../nesting.js';
import { yamlPackage } from './yaml-package.js';

type Options = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * `yaml`'s `parseDocument`, except that a document nested past MAX_NESTING is not composed: it
 * comes back empty, with one `RESOURCE_EXHAUSTION` error at the first collection too deep (and the
 * options' `lineCounter` fed, so that the error can be located). `yaml`'s composer and every walk
 * of its nodes recurse; its syntax tree is built without recursion, and is measured first.
 */
export function parseDocumentBounded(text: string, options: Options): Document.Parsed {
  const deep = yamlTooDeepOffset(text);
  return deep === undefined ? yamlPackage().parseDocument(text, options) : refused(text, deep, options);
}

/** `yaml`'s `parseAllDocuments`, bounded as `parseDocumentBounded` is: a stream with one document too deep is that one error. */
export function parseAllDocumentsBounded(text: string, options: Options): Document.Parsed[] | EmptyStream {
  const deep = yamlTooDeepOffset(text);
  return deep === undefined ? yamlPackage().parseAllDocuments(text, options) : [refused(text, deep, options)];
}

/** The offset of the first collection of YAML text nested past MAX_NESTING; undefined when none is. */
export function yamlTooDeepOffset(text: string): number | undefined {
  for (const token of new (yamlPackage().Parser)().parse(text)) {
    const offset = tooDeepIn(token);
    if (offset !== undefined) return offset;
  }
  return undefined;
}

/**
 * Walks a syntax tree with a stack of its own. `depth` is how many collections hold a token: a
 * collection is at level depth + 1. A `key: value` pair inside a flow sequence (`[a: b]`) is a
 * map of its own, one level more.
 */
function tooDeepIn(root: CST.Token): number | undefined {
  const stack: Array<[CST.Token, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const level = depth + 1;
    if (level > MAX_NESTING) return token.offset;
    const pairsAreMaps = token.type === 'flow-collection' && token.start.source === '[';
    if (pairsAreMaps && level + 1 > MAX_NESTING) {
      const pair = token.items.find((item) => item.sep);
      if (pair) return pair.key?.offset ?? pair.sep![0]?.offset ?? token.offset;
    }
    // Pushed last to first, so that the first too deep in the text is the one found.
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i]!;
      const inner = pairsAreMaps && item.sep ? level + 1 : level;
      if (item.value) stack.push([item.value, inner]);
      if (item.key) stack.push([item.key, inner]);
    }
  }
  return undefined;
}

function refused(text: string, offset: number, options: Options): Document.Parsed {
  const { Composer, LineCounter, Parser, YAMLParseError } = yamlPackage();
  if (options.lineCounter) {
    const lines = new LineCounter();
    for (const _ of new Parser(lines.addNewLine).parse(text));
    for (const start of lines.lineStarts) options.lineCounter.addNewLine(start);
  }
  const [doc] = new Composer(options).compose([], true, text.length);
  const error = new YAMLParseError([offset, offset + 1], 'RESOURCE_EXHAUSTION', TOO_DEEP);
  if (options.lineCounter) error.linePos = [options.lineCounter.linePos(offset)];
  doc!.errors.push(error);
  return doc!;
}
