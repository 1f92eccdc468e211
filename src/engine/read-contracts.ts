import { createHash } from 'node:crypto';
import { joinUri, parseSpecText, RefResolutionError, resolveRefs, specErrorPosition } from '../core/contracts/index.js';
import type { Consumption, FleetContracts, ProvidedSpec } from '../core/contracts/index.js';
import type { Finding } from '../core/finding.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { joinRepoPath, normalizeRepoPath } from '../core/manifest/repo-path.js';
import type { FileTree } from '../ports/file-tree.js';
import type { Git } from '../ports/git.js';
import type { ParseCache } from './gather.js';

/** A spec file as read: its content id and parsed document, or why it cannot be used. */
export type SpecFile = { id: string; document: unknown; refs: string[] } | { problem: { message: string; line?: number; column?: number } };

interface Root {
  service: string;
  /** Where the manifest names it, under `contracts.provides`. */
  key: string[];
  path: string;
}

/**
 * Reads every spec the services of a revision provide, with the files their `$ref`s reach, in as
 * few batches as the reference depth needs. Parses are cached by blob id and resolved documents
 * by the ids of every file they reach, so a spec that did not change between two revisions is
 * read, parsed and resolved once. A spec that is missing, does not parse or has a `$ref` that
 * leads nowhere is a located `manifest/invalid` finding.
 */
export async function readContracts(git: Git, revision: FleetRevision, cache: ParseCache): Promise<{ contracts: FleetContracts; findings: Finding[] }> {
  const { manifest } = revision;
  const tree = revision.commit ? git.commitTree(revision.commit, revision.label) : git.workingTree();
  const roots: Root[] = [];
  const contracts: FleetContracts = new Map();
  for (const service of manifest.services.values()) {
    const provides = (service.contracts?.provides ?? {}) as { http?: string; events?: Record<string, string> };
    const spec = (key: string[], path: string) => {
      const joined = joinRepoPath(service.path, path);
      if (joined !== undefined) roots.push({ service: service.name, key, path: joined });
    };
    if (typeof provides.http === 'string') spec(['http'], provides.http);
    for (const [event, path] of Object.entries(provides.events ?? {})) spec(['events', event], path);
    contracts.set(service.name, { events: new Map(), consumes: consumptions(service.contracts?.consumes) });
  }

  const files = await readSpecFiles(tree, roots.map((r) => r.path), cache);
  const findings: Finding[] = [];
  for (const root of roots) {
    const at = manifest.locate(['services', root.service, 'contracts', 'provides', ...root.key]);
    const problem = (message: string, where = at): void => {
      findings.push({ rule: 'manifest/invalid', severity: 'error', service: root.service, message, location: where });
    };
    const file = files.get(root.path);
    if (!file) {
      problem(`contract ${root.path} does not exist in ${tree.label}`);
      continue;
    }
    const reached = reachable(root.path, files);
    const broken = reached.find((path) => !files.has(path) || 'problem' in files.get(path)!);
    if (broken !== undefined) {
      const bad = files.get(broken);
      if (bad && 'problem' in bad) problem(`${broken}: ${bad.problem.message}`, { file: broken, ...(bad.problem.line !== undefined ? { line: bad.problem.line, column: bad.problem.column! } : {}) });
      else problem(`contract ${root.path} refers to ${broken}, which does not exist in ${tree.label}`);
      continue;
    }
    const fingerprint = reached.map((path) => (files.get(path) as { id: string }).id).join('+');
    let document = cache.resolvedSpecs.get(fingerprint);
    if (document === undefined) {
      try {
        document = resolveRefs((files.get(root.path) as { document: unknown }).document, {
          uri: root.path,
          read: (uri) => (files.get(uri) as { document: unknown }).document,
        });
      } catch (error) {
        if (!(error instanceof RefResolutionError)) throw error;
        problem(`contract ${root.path}: ${error.message}`);
        continue;
      }
      cache.resolvedSpecs.set(fingerprint, document);
    }
    const spec: ProvidedSpec = { path: root.path, fingerprint, document };
    const service = contracts.get(root.service)!;
    if (root.key[0] === 'http') service.http = spec;
    else service.events.set(root.key[1]!, spec);
  }
  return { contracts, findings };
}

/** Reads the roots and every file their external `$ref`s reach, one batch per level of depth. */
async function readSpecFiles(tree: FileTree, roots: string[], cache: ParseCache): Promise<Map<string, SpecFile>> {
  const files = new Map<string, SpecFile>();
  let pending = [...new Set(roots)];
  while (pending.length) {
    const nodes = await tree.lookup(pending);
    const present = pending.filter((path) => nodes.get(path)?.kind === 'file');
    const unparsed = present.filter((path) => {
      const id = nodes.get(path)!.id;
      return id === undefined || !cache.specs.has(id);
    });
    const texts = await tree.read(unparsed);
    for (const path of present) {
      const node = nodes.get(path)!;
      let file = node.id === undefined ? undefined : cache.specs.get(node.id);
      if (!file) {
        const text = texts.get(path) ?? '';
        file = parseSpecFile(node.id ?? createHash('sha1').update(text).digest('hex'), text);
        if (node.id !== undefined) cache.specs.set(node.id, file);
      }
      files.set(path, file);
    }
    const next = new Set<string>();
    for (const path of present) {
      const file = files.get(path)!;
      if ('refs' in file) for (const ref of file.refs) next.add(joinUri(path, ref));
    }
    // A reference out of the repository (or to a URL) is never looked up: it is reported missing.
    pending = [...next].filter((path) => !files.has(path) && !pending.includes(path) && normalizeRepoPath(path) === path);
  }
  return files;
}

function parseSpecFile(id: string, text: string): SpecFile {
  try {
    const document = parseSpecText(text);
    return { id, document, refs: externalRefs(document) };
  } catch (error) {
    return { problem: specErrorPosition(error) };
  }
}

/** The distinct files (relative as written) that `$ref`s in a document point into. */
function externalRefs(document: unknown): string[] {
  const files = new Set<string>();
  const seen = new Set<object>();
  const stack = [document];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.$ref === 'string') {
      const hash = record.$ref.indexOf('#');
      const file = hash === -1 ? record.$ref : record.$ref.slice(0, hash);
      if (file !== '') files.add(file);
    }
    for (const value of Object.values(record)) if (value !== null && typeof value === 'object') stack.push(value);
  }
  return [...files];
}

/** The root and every file reachable from it through `$ref`s, root first, the rest sorted. */
function reachable(root: string, files: Map<string, SpecFile>): string[] {
  const seen = new Set([root]);
  const stack = [root];
  while (stack.length) {
    const path = stack.pop()!;
    const file = files.get(path);
    if (!file || !('refs' in file)) continue;
    for (const ref of file.refs) {
      const next = joinUri(path, ref);
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return [root, ...[...seen].filter((p) => p !== root).sort()];
}

function consumptions(raw: unknown): Map<string, Consumption> {
  const result = new Map<string, Consumption>();
  for (const [target, how] of Object.entries((raw ?? {}) as Record<string, { http?: boolean; event?: boolean; operations?: string[] }>)) {
    result.set(target, { http: how.http === true, event: how.event === true, ...(how.operations ? { operations: how.operations } : {}) });
  }
  return result;
}
