import { posix } from 'node:path';
import { MAX_NESTING, NestingError } from '../nesting.js';
import { holdsIndexKey, keepIndexKeysSparse } from '../sparse-index-keys.js';

/**
 * Returns the parsed document at `uri` (a path relative to nothing: already joined against the
 * referring document's location). The caller owns the I/O; core only asks.
 */
type DocumentReader = (uri: string) => unknown;

/** Options for {@link resolveRefs}. */
export interface ResolveRefsOptions {
  /** Location of the root document, used to join relative external `$ref`s. */
  uri?: string;
  /** Reads external documents; without it an external `$ref` is an error. */
  read?: DocumentReader;
  /**
   * Resolve in place: the input documents (and those `read` returns) become the resolved graph,
   * instead of being copied. For callers that own the parsed documents: a large spec then
   * exists once in memory, and files shared by two specs resolve to the same objects.
   */
  inPlace?: boolean;
}

/** A `$ref` that cannot be followed (missing target, external file without a reader). */
export class RefResolutionError extends Error {
  constructor(
    readonly ref: string,
    readonly from: string,
    reason: string,
  ) {
    super(`cannot resolve $ref "${ref}" in ${from || 'document'}: ${reason}`);
    this.name = 'RefResolutionError';
  }
}

type Json = unknown;

const origins = new WeakMap<object, string>();

/**
 * The JSON pointer (`#/components/schemas/Pet`) a resolved object was reached through by a
 * `$ref`, if any. Lets comparisons pair composition members by name, as authors do.
 */
export function refOrigin(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? origins.get(value) : undefined;
}

/**
 * Replaces every `$ref` in `document` with the value it points to, following local pointers and
 * (through `options.read`) external files. Each location becomes exactly one object, so
 * recursive schemas come back as cyclic object graphs rather than infinite trees. `$ref` siblings
 * (allowed in OpenAPI 3.1) are merged over the target. The input is not modified, unless
 * `options.inPlace` says to. Nesting past MAX_NESTING, `$ref`s followed, is a `NestingError`.
 */
export function resolveRefs(document: Json, options: ResolveRefsOptions = {}): Json {
  if (!options.inPlace || document === null || typeof document !== 'object') return resolveAll(document, options);
  // A document resolved in place is a graph now, not the tree it was: resolving it again gives
  // the same outcome rather than walking it as a tree.
  let outcome = resolvedInPlace.get(document);
  if (!outcome) {
    try {
      outcome = { value: resolveAll(document, options) };
    } catch (error) {
      if (!(error instanceof RefResolutionError) && !(error instanceof NestingError)) throw error;
      outcome = { error };
    }
    resolvedInPlace.set(document, outcome);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

const resolvedInPlace = new WeakMap<object, { value: Json } | { error: RefResolutionError | NestingError }>();

function resolveAll(document: Json, options: ResolveRefsOptions): Json {
  const rootUri = options.uri ?? '';
  const documents = new Map<string, Json>([[rootUri, document]]);
  // Keyed by the input node itself: every location of the input is one object (JSON and YAML
  // parsers never share one between two places, and a YAML alias that does means the same
  // value), so no pointer string is built per node — on large specs those strings were most of
  // the time and garbage.
  const resolved = new Map<object, Json>();
  // What each `file#pointer` designates: a spec points at the same few components many times.
  const targets = new Map<string, Json>();
  const inProgress = new Set<object>();
  const merges: [Record<string, Json>, Record<string, Json>][] = [];

  const load = (uri: string, ref: string, from: string): Json => {
    if (documents.has(uri)) return documents.get(uri);
    if (options.read === undefined) throw new RefResolutionError(ref, from, 'no reader for external documents');
    const doc = options.read(uri);
    documents.set(uri, doc);
    return doc;
  };

  // Each `$ref` text as met in each file, worked out once: a spec repeats the same few.
  const followed = new Map<string, Map<string, { uri: string; key: string; pointer: string; target: Json }>>();
  const follow = (ref: string, fromUri: string, depth: number): { value: Json; uri: string } => {
    let byRef = followed.get(fromUri);
    if (!byRef) followed.set(fromUri, (byRef = new Map()));
    let known = byRef.get(ref);
    if (!known) {
      const hash = ref.indexOf('#');
      const file = hash === -1 ? ref : ref.slice(0, hash);
      const pointer = hash === -1 ? '' : decodePointer(ref, hash, fromUri);
      const uri = file === '' ? fromUri : joinUri(fromUri, file);
      const key = `${uri}#${pointer}`;
      let target = targets.get(key);
      if (target === undefined) targets.set(key, (target = lookup(load(uri, ref, fromUri), pointer, ref, fromUri)));
      byRef.set(ref, (known = { uri, key, pointer, target }));
    }
    // The target takes the place of the `$ref` object: the same level.
    const out = walk(known.target, known.uri, depth, known.key, true);
    if (out !== null && typeof out === 'object' && !origins.has(out)) origins.set(out, `#${known.pointer}`);
    return { value: out, uri: known.uri };
  };

  // In place, only the targets of `$ref`s need remembering: a parsed document is a tree, so any
  // other node is met once, and every cycle of the result passes through a target. Skipping the
  // rest halves the time on large specs.
  const remember = (node: object, out: Json, target: boolean) => (target || !options.inPlace) && resolved.set(node, out);

  // `depth`: how many objects and arrays hold the node, `$ref`s followed; `via`: the `$ref` target
  // (or document) last entered, which an error names.
  const walk = (node: Json, uri: string, depth: number, via: string, target = false): Json => {
    if (node === null || typeof node !== 'object') return node;
    const done = resolved.get(node);
    if (done !== undefined) return done;
    if (depth >= MAX_NESTING) throw new NestingError(`${via}, below it ($refs followed)`);
    if (Array.isArray(node)) {
      const out: Json[] = options.inPlace ? node : [];
      remember(node, out, target);
      for (let i = 0; i < node.length; i++) {
        const item: Json = node[i];
        const value = item !== null && typeof item === 'object' ? walk(item, uri, depth + 1, via) : item;
        // In place, only what changes is written: most of a document holds no `$ref`.
        if (value !== item || out !== node) out[i] = value;
      }
      return out;
    }
    const record = node as Record<string, Json>;
    if (typeof record.$ref === 'string') {
      if (inProgress.has(node)) return {}; // a $ref that only points at itself through other $refs
      inProgress.add(node);
      let target: Json;
      try {
        target = follow(record.$ref, uri, depth).value;
      } finally {
        inProgress.delete(node);
      }
      if (!hasSiblings(record) || target === null || typeof target !== 'object' || Array.isArray(target)) {
        resolved.set(node, target);
        return target;
      }
      // The target may still be under construction (a recursive schema): its keys are copied
      // once the whole document is resolved, in the order the merges were made.
      const merged: Record<string, Json> = {};
      resolved.set(node, merged);
      for (const k of Object.keys(record)) if (k !== '$ref') merged[k] = walk(record[k], uri, depth + 1, via);
      merges.push([merged, target as Record<string, Json>]);
      return merged;
    }
    const out: Record<string, Json> = options.inPlace ? record : {};
    if (out !== record && holdsIndexKey(record)) keepIndexKeysSparse(out);
    remember(node, out, target);
    // `for…in` lists a parsed object's own keys (its prototype has none enumerable) without the
    // array `Object.keys` makes: of every object of every spec, that was most of resolving's garbage.
    for (const k in record) {
      const item = record[k];
      const value = item !== null && typeof item === 'object' ? walk(item, uri, depth + 1, via) : item;
      if (value !== item || out !== record) out[k] = value;
    }
    return out;
  };

  const result = walk(document, rootUri, 0, rootUri || 'the document');
  for (const [merged, target] of merges) {
    for (const k of Object.keys(target)) if (!Object.hasOwn(merged, k)) merged[k] = target[k];
  }
  return result;
}

/** Whether a `$ref` object has keys beside `$ref` (OpenAPI 3.1 merges them over the target). */
function hasSiblings(record: Record<string, Json>): boolean {
  for (const k in record) if (k !== '$ref') return true;
  return false;
}

function decodePointer(ref: string, hash: number, from: string): string {
  try {
    return decodeURIComponent(ref.slice(hash + 1));
  } catch {
    throw new RefResolutionError(ref, from, 'malformed escape in the pointer');
  }
}

function lookup(doc: Json, pointer: string, ref: string, from: string): Json {
  if (pointer === '' || pointer === '/') return doc;
  let node = doc;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) {
      throw new RefResolutionError(ref, from, `no "${part}" at ${pointer}`);
    }
    node = (node as Record<string, Json>)[part];
  }
  return node;
}

/** Joins a relative `$ref` file part against the referring document's location. */
export function joinUri(fromUri: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) || file.startsWith('/')) return file;
  return posix.normalize(posix.join(posix.dirname(fromUri === '' ? '.' : fromUri), file));
}
