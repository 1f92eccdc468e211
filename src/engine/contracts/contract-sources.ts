import { posix } from 'node:path';
import { joinUri, parseSpecText, type ContractSources, type SpecRoot } from '../../core/contracts/index.js';
import { MAX_PROTO_BYTES } from '../../core/contracts/protobuf/index.js';
import type { FleetRevision } from '../../core/fleet-revision.js';
import type { SourceLocation } from '../../core/location.js';
import { joinRepoPath, normalizeRepoPath } from '../../core/manifest/repo-path.js';
import { protoImports } from '../../core/contracts/proto-imports.js';
import type { ProtoContract } from '../../core/manifest/manifest.js';
import type { FileTree, TreeNode } from '../../ports/file-tree.js';
import type { Git } from '../../ports/git.js';
import { readUtf8, refusedLinkText } from '../read-texts.js';
import { decodeCheckedUtf8 } from '../../core/utf8-text.js';
import { inShare, shareDeclarations } from './analyze-contracts.js';

/**
 * Reads every spec the services of a revision provide (or, given `share`, those a share of the
 * comparison compares: see `inShare`), and the files their external `$ref`s reach, in one batch
 * per level of reference depth. Only a file that has an external `$ref` is parsed here (to
 * follow it exactly); the rest is parsed where it is compared. A share gets the consumptions of
 * its providers only (`shareDeclarations`).
 */
export async function readContractSources(
  git: Git,
  revision: FleetRevision,
  share?: { providers: ReadonlySet<string>; events: boolean },
): Promise<ContractSources> {
  const tree = revision.commit ? git.commitTree(revision.commit, revision.label) : git.workingTree();
  const all = declarations(revision.manifest);
  // Each read gets roots of its own: reading sets a protobuf root's files.
  const read = (share ? all.roots.filter((r) => inShare(r, share.providers, share.events)) : all.roots).map((r) =>
    r.proto ? { ...r, proto: { ...r.proto, files: [] } } : r,
  );
  const protoRoots = read.filter((r) => r.proto);
  const specs = await readFiles(
    tree,
    read.filter((r) => !r.proto).map((r) => r.path),
  );
  if (protoRoots.length) await readProtoFiles(tree, protoRoots, specs);
  const declared = share ? shareDeclarations(all.services, all.consumes, share.providers, share.events) : all;
  return { label: tree.label, services: declared.services, roots: read, consumes: declared.consumes, ...specs };
}

/** What a manifest declares of contracts, located: worked out once per manifest, however many shares are read of its revision. */
const declared = new WeakMap<FleetRevision['manifest'], Pick<ContractSources, 'services' | 'roots' | 'consumes'>>();

function declarations(manifest: FleetRevision['manifest']): Pick<ContractSources, 'services' | 'roots' | 'consumes'> {
  const known = declared.get(manifest);
  if (known) return known;
  const roots: SpecRoot[] = [];
  const consumes: ContractSources['consumes'] = [];
  for (const service of manifest.services.values()) {
    const provides = service.contracts?.provides ?? {};
    const spec = (key: string[], path: string): SpecRoot => {
      // The manifest refuses a path that leaves the repository; were one here, it is kept as written, never read, and reported missing.
      const root = {
        service: service.name,
        key,
        path: repoPath(service.path, path),
        location: manifest.locate(['services', service.name, 'contracts', 'provides', ...key]),
      };
      roots.push(root);
      return root;
    };
    const proto = (key: string[], given: string | (ProtoContract & { message?: string })) => {
      const form = typeof given === 'string' ? { proto: given } : given;
      const root = spec(key, form.proto);
      // A path ending in .proto is a file, whose folder imports resolve from by default; anything else a directory.
      const base = form.root === undefined ? (root.path.endsWith('.proto') ? posix.dirname(root.path) : root.path) : repoPath(service.path, form.root);
      root.proto = { root: base, files: [], category: form.category ?? 'WIRE_JSON', ...(form.message !== undefined ? { message: form.message } : {}) };
    };
    if (typeof provides.http === 'string') spec(['http'], provides.http);
    if (provides.grpc !== undefined) proto(['grpc'], provides.grpc);
    for (const [event, path] of Object.entries(provides.events ?? {})) {
      if (typeof path === 'string') spec(['events', event], path);
      else proto(['events', event], path);
    }
    if (typeof provides.asyncapi === 'string') spec(['asyncapi'], provides.asyncapi);
    const locate = (target: string, list?: string, i?: number) =>
      manifest.locate(
        ['services', service.name, 'contracts', 'consumes', target, ...(list === undefined || i === undefined ? [] : [list, i])],
        i === undefined ? 'key' : 'value',
      );
    consumes.push([service.name, consumptions(service.contracts?.consumes, locate)]);
  }
  const result = { services: [...manifest.services.keys()], roots, consumes };
  declared.set(manifest, result);
  return result;
}

/** The services whose specs are split between the threads that compare a large fleet: those providing an HTTP API or gRPC services. */
export function contractProviders(manifest: FleetRevision['manifest']): string[] {
  return [...manifest.services.values()]
    .filter((s) => typeof s.contracts?.provides?.http === 'string' || s.contracts?.provides?.grpc !== undefined)
    .map((s) => s.name);
}

/** `path` relative to a service, in the repository (the manifest refuses one that leaves it; such a path is kept as written, never read). */
function repoPath(service: string, path: string): string {
  return joinRepoPath(service, path) ?? `${service}/${path}`;
}

/**
 * Reads the .proto files of protobuf contracts: every .proto under a directory, or the file
 * named, then the files their imports reach (resolved from the contract's root), one batch per
 * level of import depth. Sets each root's `proto.files`. An import that resolves to nothing is
 * left for the tree's reader to report at the import; google/protobuf/* is the compilers' own.
 */
async function readProtoFiles(tree: FileTree, roots: SpecRoot[], into: Pick<ContractSources, 'files' | 'unreadable'>): Promise<void> {
  const rootOf = new Map<string, string>();
  const readable = (path: string) => normalizeRepoPath(path) === path;
  const dirs = roots.filter((r) => !r.path.endsWith('.proto') && readable(r.path)).map((r) => r.path);
  const listed = await listProtoFiles(tree, dirs);
  const below = filesBelow(listed);
  for (const root of roots) {
    const proto = root.proto!;
    if (!readable(root.path)) continue;
    proto.files = root.path.endsWith('.proto') ? [root.path] : root.path === '.' ? listed : (below.get(root.path) ?? []);
    for (const file of proto.files) if (!rootOf.has(file)) rootOf.set(file, proto.root);
  }
  await readReachable(tree, [...rootOf.keys()], into, MAX_PROTO_BYTES, (path, bytes) => {
    const text = decodeCheckedUtf8(bytes);
    const base = rootOf.get(path)!;
    const refs = protoImports(text)
      .map((imported) => joinRepoPath(base, imported))
      .filter((ref): ref is string => ref !== undefined);
    for (const ref of refs) if (!rootOf.has(ref)) rootOf.set(ref, base);
    return { refs, text };
  });
}

/**
 * Every .proto file under the directories `dirs`, as repo paths. Directories below one parent
 * (`services/*\/protos`) are listed at once, from that parent: a listing costs a walk of the
 * revision's files (and processes), about the same for one directory as for their parent. The
 * repository's root is not listed that way: it may hold much else (dependencies on disk).
 */
async function listProtoFiles(tree: FileTree, dirs: string[]): Promise<string[]> {
  if (dirs.length === 0) return [];
  let common = dirs[0]!;
  for (const dir of dirs) while (common !== '.' && dir !== common && !dir.startsWith(`${common}/`)) common = posix.dirname(common);
  const listed =
    common === '.' && dirs.length > 1 ? (await Promise.all(dirs.map((dir) => tree.list(dir)))).flat() : await tree.list(dirs.length === 1 ? dirs[0]! : common);
  return [...new Set(listed)].filter((f) => f.endsWith('.proto'));
}

/** The files of `paths` below each directory that holds one (at any depth), in their order: one pass, however many contracts. */
function filesBelow(paths: readonly string[]): Map<string, string[]> {
  const below = new Map<string, string[]>();
  for (const path of paths)
    for (let dir = posix.dirname(path); dir !== '.' && dir !== '/'; dir = posix.dirname(dir)) {
      const files = below.get(dir);
      if (files) files.push(path);
      else below.set(dir, [path]);
    }
  return below;
}

async function readFiles(tree: FileTree, roots: string[]): Promise<Pick<ContractSources, 'files' | 'unreadable'>> {
  const into: Pick<ContractSources, 'files' | 'unreadable'> = { files: {} };
  await readReachable(tree, roots, into, undefined, (path, bytes) => {
    // Most specs refer to no other file: their bytes are kept as read, decoded where they are parsed.
    if (!hasExternalRef(bytes)) return { refs: [], text: bytes };
    const text = decodeCheckedUtf8(bytes);
    return { refs: externalRefs(text).map((ref) => joinUri(path, ref)), text };
  });
  return into;
}

/**
 * Reads `start` and every file the references of a read file reach (`refsOf`, which also gives
 * what is kept of the file: its text, or its bytes when the text is needed only where it is
 * parsed), one batch per level of depth, into `into` (files already there are not read again); a
 * link out of the repository, bytes that are not UTF-8 or a file over `maxBytes` are
 * `unreadable`, with why. A reference out of the repository (or to a URL) is never looked up: it
 * is reported missing where it is resolved.
 */
async function readReachable(
  tree: FileTree,
  start: readonly string[],
  into: Pick<ContractSources, 'files' | 'unreadable'>,
  maxBytes: number | undefined,
  refsOf: (path: string, bytes: Uint8Array) => { refs: string[]; text: string | Uint8Array },
): Promise<void> {
  const unreadable: NonNullable<ContractSources['unreadable']> = { ...into.unreadable };
  const readable = (path: string) => normalizeRepoPath(path) === path;
  let pending = [...new Set(start)].filter((path) => readable(path) && !Object.hasOwn(into.files, path));
  while (pending.length) {
    const nodes = await tree.lookup(pending);
    const present = pending.filter((path) => nodes.get(path)?.kind === 'file');
    const { bytes, notUtf8 } = await readUtf8(tree, present);
    for (const [path, node] of nodes) if (node.kind === 'refused-link') unreadable[path] = { message: refusedLinkText(path, node) };
    for (const [path, at] of notUtf8)
      unreadable[path] = { message: `${path} is not valid UTF-8 text`, location: { file: path, line: at.line, column: at.column } };
    const next = new Set<string>();
    for (const path of present) {
      const content = bytes.get(path);
      if (content === undefined) continue;
      if (maxBytes !== undefined && content.length > maxBytes) {
        unreadable[path] = {
          message: `${path} is ${content.length} bytes: a file over ${maxBytes} bytes is not read`,
          location: { file: path, line: 1, column: 1 },
        };
        continue;
      }
      const { refs, text } = refsOf(path, content);
      const node = nodes.get(path) as TreeNode & { kind: 'file' };
      into.files[path] = { id: node.id ?? contentId(content), text, refs };
      for (const ref of refs) next.add(ref);
    }
    pending = [...next].filter((path) => !Object.hasOwn(into.files, path) && !Object.hasOwn(unreadable, path) && readable(path));
  }
  if (Object.keys(unreadable).length) into.unreadable = unreadable;
  else delete into.unreadable;
}

/** A content id for a file read from the working tree (git gives one for committed files). */
function contentId(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return `bytes:${bytes.length}:${(hash >>> 0).toString(16)}`;
}

/**
 * A `$ref` key whose value does not start with `#`, as JSON or YAML would write it. A text
 * without one has no external reference, and need not be parsed to find them.
 */
const EXTERNAL_REF = /\$ref["']?\s*:\s*["']?[^"'#\s]/;

const DOLLAR_REF = Buffer.from('$ref');
const [COLON, DOUBLE_QUOTE, SINGLE_QUOTE, HASH] = [0x3a, 0x22, 0x27, 0x23];

/**
 * Whether EXTERNAL_REF matches the text of UTF-8 bytes, told from the bytes: at each `$ref` (its
 * bytes are found only where the text has it), the pattern is followed byte by byte while the
 * bytes are ASCII; a byte beyond ASCII where it matters (a Unicode space, perhaps) leaves the
 * answer to the pattern on the decoded text.
 */
export function hasExternalRef(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(DOLLAR_REF); at >= 0; at = buffer.indexOf(DOLLAR_REF, at + DOLLAR_REF.length)) {
    let i = at + DOLLAR_REF.length;
    const quote = () => {
      if (buffer[i] === DOUBLE_QUOTE || buffer[i] === SINGLE_QUOTE) i++;
    };
    const spaces = () => {
      while (i < buffer.length && isAsciiSpace(buffer[i]!)) i++;
    };
    quote();
    spaces();
    if (buffer[i]! >= 0x80) return EXTERNAL_REF.test(decodeCheckedUtf8(bytes));
    if (buffer[i] !== COLON) continue;
    i++;
    spaces();
    quote();
    const next = buffer[i];
    if (next === undefined || next === DOUBLE_QUOTE || next === SINGLE_QUOTE || next === HASH || isAsciiSpace(next)) continue;
    if (next >= 0x80) return EXTERNAL_REF.test(decodeCheckedUtf8(bytes));
    return true;
  }
  return false;
}

/** What `\s` matches among ASCII characters. */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

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

function consumptions(raw: unknown, locate: (target: string, list?: string, i?: number) => SourceLocation): ContractSources['consumes'][number][1] {
  type Raw = { http?: boolean; event?: boolean; operations?: string[]; grpc?: boolean; methods?: string[] };
  return Object.entries((raw ?? {}) as Record<string, Raw>).map(([target, how]) => [
    target,
    {
      http: how.http === true,
      event: how.event === true,
      ...(how.event === true ? { declaredAt: locate(target) } : {}),
      ...(how.operations ? { operations: how.operations, locations: how.operations.map((_, i) => locate(target, 'operations', i)) } : {}),
      ...(how.grpc === true ? { grpc: true } : {}),
      ...(how.methods ? { methods: how.methods, methodLocations: how.methods.map((_, i) => locate(target, 'methods', i)) } : {}),
    },
  ]);
}
