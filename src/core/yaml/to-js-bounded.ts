import type { Document, Node } from 'yaml';
import { TOO_DEEP, tooDeepPath } from '../nesting.js';
import type { YamlProblem } from './alias-problems.js';
import { yamlPackage } from './yaml-package.js';

/**
 * The most alias expansions `toJS()` may make (`yaml` counts each use of an anchor, times the
 * aliases inside the anchored node): enough for a manifest whose services all share one anchored
 * block, while a nested "billion laughs" document is stopped long before it exhausts anything.
 */
const MAX_ALIAS_COUNT = 10_000;

const TOO_MANY_ALIASES = 'aliases expand to too much data';

/**
 * `node.toJS(doc)`, or `doc.toJS()` without a node, with alias expansion bounded by
 * MAX_ALIAS_COUNT, and the nesting of what aliases expand to by MAX_NESTING (a document is
 * measured before it is composed, but an alias repeats a whole node where it stands). A failure
 * gives a problem — at the first alias in the node (or the node itself) for too many aliases, at
 * the last alias on the way to what is too deep — instead of a thrown error. Aliases that
 * `aliasProblems` reports must be dealt with first: here every failure of `toJS` is taken for too
 * many aliases, or for aliases too deep when it ran out of stack.
 */
export function toJSBounded(doc: Document.Parsed, node?: Node): { value: unknown } | { problem: YamlProblem } {
  let value: unknown;
  try {
    const options = { maxAliasCount: MAX_ALIAS_COUNT };
    value = node === undefined ? doc.toJS(options) : node.toJS(doc, options);
  } catch (error) {
    // Aliases nested in aliases can expand deeper than `toJS` recurses: too deep, not too many.
    const message = error instanceof RangeError ? TOO_DEEP : TOO_MANY_ALIASES;
    return { problem: { message, offset: firstAliasOffset(node ?? doc) ?? node?.range?.[0] ?? 0 } };
  }
  const deep = tooDeepPath(value);
  if (deep === undefined) return { value };
  return { problem: { message: TOO_DEEP, offset: lastAliasOffset(doc, node ?? doc.contents, deep) ?? node?.range?.[0] ?? 0 } };
}

function firstAliasOffset(root: Node | Document.Parsed): number | undefined {
  const { visit } = yamlPackage();
  let offset: number | undefined;
  visit(root, {
    Alias(_key, alias) {
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** The last alias met on the way down `path` from `root` (aliases followed), where the expansion went too deep. */
function lastAliasOffset(doc: Document.Parsed, root: unknown, path: readonly (string | number)[]): number | undefined {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlPackage();
  let node = root;
  let offset: number | undefined;
  for (const segment of path) {
    if (isAlias(node)) {
      offset = node.range?.[0] ?? offset;
      node = node.resolve(doc);
    }
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      node = pair?.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      break;
    }
  }
  return offset;
}
