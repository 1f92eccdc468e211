import { joinUri, parseSpecText, type ContractSources, type SpecRoot } from '../../core/contracts/index.js';
import type { FleetRevision } from '../../core/fleet-revision.js';
import type { SourceLocation } from '../../core/location.js';
import { joinRepoPath, normalizeRepoPath } from '../../core/manifest/repo-path.js';
import type { FileTree, TreeNode } from '../../ports/file-tree.js';
import type { Git } from '../../ports/git.js';
import { readTexts, refusedLinkText } from '../read-texts.js';

/**
 * Reads every spec the services of a revision provide, and the files their external `$ref`s
 * reach, in one batch per level of reference depth. Only a file that has an external `$ref`
 * is parsed here (to follow it exactly); the rest is parsed where it is compared.
 */
export async function readContractSources(git: Git, revision: FleetRevision): Promise<ContractSources> {
  const { manifest } = revision;
  const tree = revision.commit ? git.commitTree(revision.commit, revision.label) : git.workingTree();
  const roots: SpecRoot[] = [];
  const consumes: ContractSources['consumes'] = [];
  for (const service of manifest.services.values()) {
    const provides = service.contracts?.provides ?? {};
    const spec = (key: string[], path: string) => {
      // A path that leaves the repository is kept as written: it is never read, and reported missing.
      const joined = joinRepoPath(service.path, path) ?? `${service.path}/${path}`;
      roots.push({ service: service.name, key, path: joined, location: manifest.locate(['services', service.name, 'contracts', 'provides', ...key]) });
    };
    if (typeof provides.http === 'string') spec(['http'], provides.http);
    for (const [event, path] of Object.entries(provides.events ?? {})) spec(['events', event], path);
    if (typeof provides.asyncapi === 'string') spec(['asyncapi'], provides.asyncapi);
    const locate = (target: string, i?: number) =>
      manifest.locate(
        ['services', service.name, 'contracts', 'consumes', target, ...(i === undefined ? [] : ['operations', i])],
        i === undefined ? 'key' : 'value',
      );
    consumes.push([service.name, consumptions(service.contracts?.consumes, locate)]);
  }
  return {
    label: tree.label,
    services: [...manifest.services.keys()],
    roots,
    consumes,
    ...(await readFiles(
      tree,
      roots.map((r) => r.path),
    )),
  };
}

async function readFiles(tree: FileTree, roots: string[]): Promise<Pick<ContractSources, 'files' | 'unreadable'>> {
  const files: ContractSources['files'] = {};
  const unreadable: NonNullable<ContractSources['unreadable']> = {};
  const readable = (path: string) => normalizeRepoPath(path) === path;
  let pending = [...new Set(roots)].filter(readable);
  while (pending.length) {
    const nodes = await tree.lookup(pending);
    const present = pending.filter((path) => nodes.get(path)?.kind === 'file');
    const { texts, notUtf8 } = await readTexts(tree, present);
    for (const [path, node] of nodes) if (node.kind === 'refused-link') unreadable[path] = { message: refusedLinkText(path, node) };
    for (const [path, at] of notUtf8)
      unreadable[path] = { message: `${path} is not valid UTF-8 text`, location: { file: path, line: at.line, column: at.column } };
    const next = new Set<string>();
    for (const path of present) {
      const text = texts.get(path);
      if (text === undefined) continue;
      const refs = externalRefs(text).map((ref) => joinUri(path, ref));
      const node = nodes.get(path) as TreeNode & { kind: 'file' };
      files[path] = { id: node.id ?? textId(text), text, refs };
      refs.forEach((ref) => next.add(ref));
    }
    // A reference out of the repository (or to a URL) is never looked up: it is reported missing.
    pending = [...next].filter((path) => !Object.hasOwn(files, path) && !Object.hasOwn(unreadable, path) && readable(path));
  }
  return { files, ...(Object.keys(unreadable).length ? { unreadable } : {}) };
}

/** A content id for a file read from the working tree (git gives one for committed files). */
function textId(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `text:${text.length}:${(hash >>> 0).toString(16)}`;
}

/**
 * A `$ref` key whose value does not start with `#`, as JSON or YAML would write it. A text
 * without one has no external reference, and need not be parsed to find them.
 */
const EXTERNAL_REF = /\$ref["']?\s*:\s*["']?[^"'#\s]/;

/** The distinct files (relative as written) that the `$ref`s of a spec text point into. */
function externalRefs(text: string): string[] {
  if (!EXTERNAL_REF.test(text)) return [];
  let document: unknown;
  try {
    document = parseSpecText(text);
  } catch {
    return []; // reported, with its position, where the file is parsed for comparison
  }
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

function consumptions(raw: unknown, locate: (target: string, i?: number) => SourceLocation): ContractSources['consumes'][number][1] {
  return Object.entries((raw ?? {}) as Record<string, { http?: boolean; event?: boolean; operations?: string[] }>).map(([target, how]) => [
    target,
    {
      http: how.http === true,
      event: how.event === true,
      ...(how.event === true ? { declaredAt: locate(target) } : {}),
      ...(how.operations ? { operations: how.operations, locations: how.operations.map((_, i) => locate(target, i)) } : {}),
    },
  ]);
}
