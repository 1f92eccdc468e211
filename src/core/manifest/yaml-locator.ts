import type { Document, LineCounter, Node, Pair } from 'yaml';
import type { SourceLocation } from '../location.js';
import { yamlPackage } from '../yaml/yaml-package.js';
import type { ManifestLocator } from './manifest.js';

/**
 * A locator over a parsed YAML document. Maps are indexed on first visit, so locating every
 * key of a large manifest costs one hash lookup per path segment rather than a scan.
 * A path that leads nowhere resolves to the deepest node that exists.
 */
export function yamlLocator(doc: Document, lineCounter: LineCounter, file: string): ManifestLocator {
  const { isMap, isPair, isScalar, isSeq } = yamlPackage();
  const index = new WeakMap<object, Map<string, Pair>>();

  const pairsOf = (map: { items: Pair[] }): Map<string, Pair> => {
    let pairs = index.get(map);
    if (!pairs) {
      pairs = new Map();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined && !pairs.has(key)) pairs.set(key, pair);
      }
      index.set(map, pairs);
    }
    return pairs;
  };

  const at = (offset: number | undefined): SourceLocation => {
    if (offset === undefined) return { file };
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };

  return (path, part = 'value') => {
    let node: unknown = doc.contents;
    let lastOffset = (doc.contents as Node | null)?.range?.[0];
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (isMap(node)) {
        const pair = pairsOf(node).get(String(segment));
        if (!pair || !isPair(pair)) break;
        const keyOffset = (pair.key as Node | null)?.range?.[0];
        const isLast = i === path.length - 1;
        if (isLast && part === 'key') return at(keyOffset);
        node = pair.value;
        // An empty value (`key:`) has no useful position of its own: point at the key.
        lastOffset = (pair.value as Node | null)?.range?.[0] ?? keyOffset;
        if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) lastOffset = keyOffset;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        node = item;
        lastOffset = item.range?.[0] ?? lastOffset;
      } else {
        break;
      }
    }
    return at(lastOffset);
  };
}
