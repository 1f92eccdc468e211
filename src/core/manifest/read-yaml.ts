import { isScalar, LineCounter, parseDocument } from 'yaml';
import type { Finding } from '../finding.js';
import type { SourceLocation } from '../location.js';
import type { ManifestLocator } from './manifest.js';
import { pathKey, readBlockYaml, type NodeInfo } from './read-block-yaml.js';
import { yamlLocator } from './yaml-locator.js';

type Path = readonly (string | number)[];

/** A parsed YAML document as the manifest builder needs it: plain data, positions, plain-scalar source. */
export interface ReadYaml {
  data: unknown;
  locate: ManifestLocator;
  /** The exact source text of a plain scalar (to tell `1.10` from `1.1`); undefined for anything else. */
  plainText(path: Path): string | undefined;
}

/**
 * Reads a YAML document with positions. Plain block-style documents — nearly every manifest —
 * go through the fast subset reader (a 50,000-line manifest in a fraction of the `yaml`
 * package's time); anything else, and every document with an error, through `yaml`, which
 * reports all syntax errors and duplicate keys with their positions.
 */
export function readYaml(text: string, file: string): { yaml: ReadYaml; findings: [] } | { yaml?: undefined; findings: Finding[] } {
  const fast = readBlockYaml(text);
  if (fast) return { yaml: { data: fast.value, locate: indexLocator(fast.nodes, file), plainText: (path) => fast.nodes.get(pathKey(path))?.plain }, findings: [] };

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      findings: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const message =
          error.code === 'DUPLICATE_KEY'
            ? `duplicate key ${/^[^:\n]*/.exec(text.slice(error.pos[0]))![0].trim()}: it is already set above in the same map`
            : `YAML syntax: ${error.message.split('\n')[0]}`;
        return { rule: 'manifest/invalid', severity: 'error', message, location: { file, line, column: col } };
      }),
    };
  }
  return {
    yaml: {
      data: doc.toJS(),
      locate: yamlLocator(doc, lineCounter, file),
      plainText: (path) => {
        const node = doc.getIn(path, true);
        return isScalar(node) && node.type === 'PLAIN' ? node.source : undefined;
      },
    },
    findings: [],
  };
}

/** Locates a path through the fast reader's node index; a missing path resolves to its deepest existing ancestor. */
function indexLocator(nodes: Map<string, NodeInfo>, file: string): ManifestLocator {
  return (path, part = 'value') => {
    for (let length = path.length; length >= 0; length--) {
      const node = nodes.get(pathKey(path.slice(0, length)));
      if (!node) continue;
      const position = part === 'key' && length === path.length && node.key ? node.key : node.value;
      const location: SourceLocation = { file, line: position.line, column: position.column };
      return location;
    }
    return { file };
  };
}
