import type { Document, YAMLError } from 'yaml';
import type { Finding } from '../finding.js';
import type { SourceLocation } from '../location.js';
import type { ManifestLocator } from '../manifest/manifest.js';
import { yamlLocator } from '../manifest/yaml-locator.js';
import { aliasProblems, type YamlProblem } from './alias-problems.js';
import { parseDocumentBounded } from './parse-document-bounded.js';
import { parseOptions } from './parse-options.js';
import { pathKey, readBlockYaml, type NodeIndex } from './read-block-yaml.js';
import { isShowableKeyName } from './showable-key-name.js';
import { toJSBounded } from './to-js-bounded.js';
import { yamlPackage } from './yaml-package.js';
import { yamlProblemMessage } from './yaml-problem-message.js';

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
 * package's time); anything else through `yaml`. A document with any problem gives no data, only
 * `manifest/invalid` findings at the problems' positions: every error and warning of `yaml` (an
 * unknown tag is only a warning there, and would silently turn a value into ''), aliases that
 * cannot be expanded, and alias expansion past MAX_ALIAS_COUNT. Messages never quote the input,
 * which may hold secrets, except the name of a duplicated key when it looks like one.
 */
export function readYaml(text: string, file: string): { yaml: ReadYaml; findings: [] } | { yaml?: undefined; findings: Finding[] } {
  const fast = readBlockYaml(text);
  if (fast) return { yaml: { data: fast.value, locate: indexLocator(fast.nodes, file), plainText: plainTextOf(fast.nodes) }, findings: [] };

  const lineCounter = new (yamlPackage().LineCounter)();
  const doc = parseDocumentBounded(text, parseOptions(lineCounter));
  const finding = (problem: YamlProblem): Finding => {
    const { line, col } = lineCounter.linePos(problem.offset);
    return { rule: 'manifest/invalid', severity: 'error', message: problem.message, location: { file, line, column: col } };
  };
  const yamlProblems = [...doc.errors, ...doc.warnings].map((error) => yamlErrorProblem(error, text));
  const problems = [...yamlProblems, ...aliasProblems(doc, text)].sort((a, b) => a.offset - b.offset);
  if (problems.length > 0) return { findings: problems.map(finding) };

  const converted = toJSBounded(doc);
  if ('problem' in converted) return { findings: [finding(converted.problem)] };
  return { yaml: { data: converted.value, locate: yamlLocator(doc, lineCounter, file), plainText: plainTextIn(doc) }, findings: [] };
}

/**
 * The documents of a multi-document stream (Kubernetes manifests) through the fast subset reader,
 * each with positions in the whole file; undefined when any part is outside it, and the caller
 * then parses the stream with `yaml`. Documents are separated by bare `---` lines; a `...` line,
 * a directive, content after `---`, or a comment before a document's content (which `yaml` keeps
 * as the document's comment) are left to `yaml`. A document of blank lines only is no document.
 */
export function readBlockYamlStream(text: string, file: string): ReadYaml[] | undefined {
  const lines = text.split('\n');
  const documents: ReadYaml[] = [];
  let start = 0;
  const read = (end: number): boolean => {
    let first = start;
    while (first < end && lines[first]!.trim() === '') first++;
    if (first === end) return true;
    if (lines[first]!.trimStart().startsWith('#')) return false;
    const fast = readBlockYaml(`${lines.slice(first, end).join('\n')}\n`);
    if (!fast) return false;
    documents.push({ data: fast.value, locate: indexLocator(fast.nodes, file, first), plainText: plainTextOf(fast.nodes) });
    return true;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('---')) {
      if (!/^---[ ]*$/.test(line) || !read(i)) return undefined;
      start = i + 1;
    } else if (line.startsWith('...') || line.startsWith('%')) {
      return undefined;
    }
  }
  return read(lines.length) ? documents : undefined;
}

function yamlErrorProblem(error: YAMLError, text: string): YamlProblem {
  const offset = error.pos[0];
  if (error.code !== 'DUPLICATE_KEY') return { message: yamlProblemMessage(error, text), offset };
  const lineEnd = text.indexOf('\n', offset);
  const key = /^[^:\n]*/.exec(text.slice(offset, lineEnd === -1 ? undefined : lineEnd))![0].trim();
  const named = isShowableKeyName(key) ? `duplicate key ${key}` : 'duplicate key';
  return { message: `${named}: it is already set above in the same map`, offset };
}

function plainTextIn(doc: Document.Parsed): (path: Path) => string | undefined {
  return (path) => {
    const node = doc.getIn(path, true);
    return yamlPackage().isScalar(node) && node.type === 'PLAIN' ? node.source : undefined;
  };
}

/**
 * Locates a path through the fast reader's node index (of a document starting after `lineOffset`
 * lines of its file); a missing path resolves to its deepest existing ancestor.
 */
function indexLocator(nodes: NodeIndex, file: string, lineOffset = 0): ManifestLocator {
  return (path, part = 'value') => {
    for (let length = path.length; length >= 0; length--) {
      const node = nodes.find(pathKey(path.slice(0, length)));
      if (node === undefined) continue;
      const position = nodes.position(node, part === 'key' && length === path.length ? 'key' : 'value');
      const location: SourceLocation = { file, line: position.line + lineOffset, column: position.column };
      return location;
    }
    return { file };
  };
}

function plainTextOf(nodes: NodeIndex): (path: Path) => string | undefined {
  return (path) => {
    const node = nodes.find(pathKey(path));
    return node === undefined ? undefined : nodes.plain(node);
  };
}
