import { visit, type Document, type Node } from 'yaml';
import type { YamlProblem } from './alias-problems.js';

/**
 * The most alias expansions `toJS()` may make (`yaml` counts each use of an anchor, times the
 * aliases inside the anchored node): enough for a manifest whose services all share one anchored
 * block, while a nested "billion laughs" document is stopped long before it exhausts anything.
 */
export const MAX_ALIAS_COUNT = 10_000;

export const TOO_MANY_ALIASES = 'aliases expand to too much data';

/**
 * `node.toJS(doc)`, or `doc.toJS()` without a node, with alias expansion bounded by
 * MAX_ALIAS_COUNT. A failure gives a problem at the first alias in the node (or the node itself)
 * instead of a thrown error. Aliases that `aliasProblems` reports must be dealt with first: here
 * every failure is taken for too many aliases.
 */
export function toJSBounded(doc: Document.Parsed, node?: Node): { value: unknown } | { problem: YamlProblem } {
  try {
    const options = { maxAliasCount: MAX_ALIAS_COUNT };
    return { value: node === undefined ? doc.toJS(options) : node.toJS(doc, options) };
  } catch {
    return { problem: { message: TOO_MANY_ALIASES, offset: firstAliasOffset(node ?? doc) ?? node?.range?.[0] ?? 0 } };
  }
}

function firstAliasOffset(root: Node | Document.Parsed): number | undefined {
  let offset: number | undefined;
  visit(root, {
    Alias(_key, alias) {
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
