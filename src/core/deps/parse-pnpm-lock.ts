import type { Document } from 'yaml';
import type { ParseProblem } from '../location.js';
import { parseAllDocumentsBounded } from '../yaml/parse-document-bounded.js';
import { parseOptions } from '../yaml/parse-options.js';
import { yamlPackage } from '../yaml/yaml-package.js';
import { yamlProblemMessage } from '../yaml/yaml-problem-message.js';
import { buildLockfile, type GraphNode } from './build-lockfile.js';
import { isRecord } from './is-record.js';
import type { LockfileParse } from './lockfile.js';
import { packageNameOf } from './package-name-of.js';

const IMPORTER_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
const SNAPSHOT_FIELDS = ['dependencies', 'optionalDependencies'] as const;

/**
 * Reads a `pnpm-lock.yaml` of lockfileVersion 9 (pnpm 9 and later). The importers (the project and
 * its workspace packages) list the direct dependencies; `snapshots` gives every installed package,
 * keyed `name@version` plus any peer suffix (`(react@18.2.0)`), with the versions of its own
 * dependencies. When pnpm writes an env document first (config dependencies, pnpm's own version)
 * the project's graph is the last document, as pnpm documents; the env document's packages are not
 * the project's.
 */
export function parsePnpmLock(text: string): LockfileParse {
  const lineCounter = new (yamlPackage().LineCounter)();
  // yaml's own duplicate-key check is quadratic in a map's size, and `snapshots` holds thousands
  // of keys: duplicates (a bad merge) are looked for below, in linear time, where they matter.
  const documents = parseAllDocumentsBounded(text, { ...parseOptions(lineCounter), uniqueKeys: false });
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: ParseProblem[] = [];
  for (const document of documents) {
    for (const error of document.errors) problems.push({ message: yamlProblemMessage(error, text), ...at(error.pos[0]) });
  }
  if ('empty' in documents) for (const error of documents.errors) problems.push({ message: yamlProblemMessage(error, text), ...at(error.pos[0]) });
  if (problems.length > 0) return { problems };
  const document = documents[documents.length - 1];
  if (!document) return { problems: [{ message: 'the lockfile is empty', line: 1, column: 1 }] };
  const duplicates = duplicateKeyProblems(document, at);
  if (duplicates.length > 0) return { problems: duplicates };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { problems: [{ message: `cannot read the lockfile: ${(error as Error).message}`, line: 1, column: 1 }] };
  }
  const keyAt = (path: string[]): { line: number; column: number } => at(keyOffset(document, path) ?? 0);
  if (!isRecord(data)) return { problems: [{ message: 'expected a map at the top level', ...at(0) }] };
  const version = String(data.lockfileVersion ?? '');
  if (!/^9(\.|$)/.test(version)) {
    const message = `pnpm lockfileVersion '${version}' is not supported: regenerate the lockfile with pnpm 9 or later`;
    return { problems: [{ message, ...keyAt(['lockfileVersion']) }] };
  }
  const entries = isRecord(data.snapshots) ? data.snapshots : isRecord(data.packages) ? data.packages : {};
  const section = isRecord(data.snapshots) ? 'snapshots' : 'packages';
  const nodes = new Map<string, GraphNode & { dependencies: string[] }>();
  const offsets = childKeyOffsets(document, section);
  for (const key of Object.keys(entries)) {
    const where = at(offsets.get(key) ?? 0);
    const name = packageNameOf(key);
    const version = key.slice(name.length + 1).split('(')[0] ?? '';
    if (version === '') {
      problems.push({ message: `${section} entry ${key} has no version`, ...where });
      continue;
    }
    nodes.set(key, { name, version, line: where.line, dependencies: [] });
  }
  const resolve = (name: string, reference: unknown): string | undefined => {
    if (typeof reference !== 'string' || reference.startsWith('link:')) return undefined;
    const plain = `${name}@${reference}`;
    if (nodes.has(plain)) return plain;
    return nodes.has(reference) ? reference : undefined; // an alias: `bar@1.0.0`
  };
  for (const [key, node] of nodes) {
    const entry = entries[key];
    for (const field of SNAPSHOT_FIELDS) {
      const map = isRecord(entry) ? entry[field] : undefined;
      if (!isRecord(map)) continue;
      for (const [name, reference] of Object.entries(map)) {
        const id = resolve(name, reference);
        if (id !== undefined) node.dependencies.push(id);
      }
    }
  }
  const direct: string[] = [];
  const importers = isRecord(data.importers) ? data.importers : {};
  for (const [path, importer] of Object.entries(importers)) {
    for (const field of IMPORTER_FIELDS) {
      const map = isRecord(importer) ? importer[field] : undefined;
      if (!isRecord(map)) continue;
      for (const [name, spec] of Object.entries(map)) {
        const reference = isRecord(spec) ? spec.version : spec;
        const id = resolve(name, reference);
        if (id !== undefined) direct.push(id);
        else if (typeof reference !== 'string') {
          problems.push({ message: `importer ${path}: ${field}.${name} has no version`, ...keyAt(['importers', path, field, name]) });
        }
      }
    }
  }
  return { lockfile: buildLockfile('pnpm', nodes, direct), problems };
}

/** Offset of the key at `path` (map keys from the top), or of the deepest map found on the way. */
function keyOffset(document: Document.Parsed, path: string[]): number | undefined {
  const { isMap, isScalar } = yamlPackage();
  let node: unknown = document.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (!isMap(node)) return offset;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
    if (!pair) return offset;
    if (isScalar(pair.key)) offset = pair.key.range?.[0] ?? offset;
    node = pair.value;
  }
  return offset;
}

/** Offsets of the keys of the top-level map `name`. */
function childKeyOffsets(document: Document.Parsed, name: string): Map<string, number> {
  const { isMap, isScalar } = yamlPackage();
  const offsets = new Map<string, number>();
  const section = isMap(document.contents) ? document.contents.get(name, true) : undefined;
  if (!isMap(section)) return offsets;
  for (const item of section.items) {
    if (isScalar(item.key) && item.key.range) offsets.set(String(item.key.value), item.key.range[0]);
  }
  return offsets;
}

/** Keys repeated in the top-level map or in `importers`, `packages` or `snapshots`. */
function duplicateKeyProblems(document: Document.Parsed, at: (offset: number) => { line: number; column: number }): ParseProblem[] {
  const { isMap, isScalar } = yamlPackage();
  const problems: ParseProblem[] = [];
  const check = (node: unknown, where: string): void => {
    if (!isMap(node)) return;
    const first = new Map<string, number>();
    for (const item of node.items) {
      if (!isScalar(item.key)) continue;
      const key = String(item.key.value);
      const position = at(item.key.range?.[0] ?? 0);
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, position.line);
      else problems.push({ message: `duplicate key ${key}${where} (first at line ${earlier})`, ...position });
    }
  };
  const top = document.contents;
  check(top, '');
  if (isMap(top)) for (const section of ['importers', 'packages', 'snapshots']) check(top.get(section, true), ` in ${section}`);
  return problems;
}
