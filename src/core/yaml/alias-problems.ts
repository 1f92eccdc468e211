import type { Document, Node } from 'yaml';
import { yamlPackage } from './yaml-package.js';

/** A problem found in a parsed document, at an offset into its text. */
export interface YamlProblem {
  message: string;
  offset: number;
}

const UNDEFINED_ANCHOR = 'an alias refers to an anchor that is not defined';
const CIRCULAR_ALIAS = 'an alias refers to the node that contains it';

/**
 * The aliases of `doc` that cannot be turned into data, in document order: one naming an anchor
 * not set before it (`toJS()` throws on it), and one inside the node it names (`toJS()` builds a
 * circular structure, which nothing downstream can walk). `text` is the parsed text: without a
 * `*` there is no alias, and the document is not walked.
 */
export function aliasProblems(doc: Document.Parsed, text: string): YamlProblem[] {
  if (!text.includes('*')) return [];
  const { isAlias, visit } = yamlPackage();
  const problems: YamlProblem[] = [];
  // An alias refers to the last node with its anchor before it, in the order `visit` walks
  // (the order `yaml` itself resolves aliases in).
  const anchored = new Map<string, unknown>();
  visit(doc, {
    Node(_key, node, path) {
      if (!isAlias(node)) {
        if (node.anchor) anchored.set(node.anchor, node);
        return;
      }
      const target = anchored.get(node.source);
      const offset = node.range?.[0] ?? 0;
      if (target === undefined) problems.push({ message: UNDEFINED_ANCHOR, offset });
      else if (path.includes(target as Node)) problems.push({ message: CIRCULAR_ALIAS, offset });
    },
  });
  return problems;
}
