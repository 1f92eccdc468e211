import { posix } from "node:path";

/**
 * Returns the parsed document at `uri` (a path relative to nothing: already joined against the
 * referring document's location). The caller owns the I/O; core only asks.
 */
export type DocumentReader = (uri: string) => unknown;

/** Options for {@link resolveRefs}. */
export interface ResolveRefsOptions {
  /** Location of the root document, used to join relative external `$ref`s. */
  uri?: string;
  /** Reads external documents; without it an external `$ref` is an error. */
  read?: DocumentReader;
}

/** A `$ref` that cannot be followed (missing target, external file without a reader). */
export class RefResolutionError extends Error {
  constructor(
    readonly ref: string,
    readonly from: string,
    reason: string,
  ) {
    super(`cannot resolve $ref "${ref}" in ${from || "document"}: ${reason}`);
    this.name = "RefResolutionError";
  }
}

type Json = unknown;

const origins = new WeakMap<object, string>();

/**
 * The JSON pointer (`#/components/schemas/Pet`) a resolved object was reached through by a
 * `$ref`, if any. Lets comparisons pair composition members by name, as authors do.
 */
export function refOrigin(value: unknown): string | undefined {
  return value !== null && typeof value === "object" ? origins.get(value) : undefined;
}

/**
 * Replaces every `$ref` in `document` with the value it points to, following local pointers and
 * (through `options.read`) external files. Each location becomes exactly one object, so
 * recursive schemas come back as cyclic object graphs rather than infinite trees. `$ref` siblings
 * (allowed in OpenAPI 3.1) are merged over the target. The input is not modified.
 */
export function resolveRefs(document: Json, options: ResolveRefsOptions = {}): Json {
  const rootUri = options.uri ?? "";
  const documents = new Map<string, Json>([[rootUri, document]]);
  const resolved = new Map<string, Json>();
  const inProgress = new Set<string>();

  const load = (uri: string, ref: string, from: string): Json => {
    if (documents.has(uri)) return documents.get(uri);
    if (options.read === undefined) throw new RefResolutionError(ref, from, "no reader for external documents");
    const doc = options.read(uri);
    documents.set(uri, doc);
    return doc;
  };

  const follow = (ref: string, fromUri: string, fromPointer: string): Json => {
    const hash = ref.indexOf("#");
    const file = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? "" : decodeURIComponent(ref.slice(hash + 1));
    const uri = file === "" ? fromUri : joinUri(fromUri, file);
    const from = `${fromUri}#${fromPointer}`;
    const key = `${uri}#${pointer}`;
    if (resolved.has(key)) return resolved.get(key);
    if (inProgress.has(key)) return {}; // a $ref that only points at itself through other $refs
    inProgress.add(key);
    try {
      const target = lookup(load(uri, ref, from), pointer, ref, from);
      const out = walk(target, uri, pointer);
      if (out !== null && typeof out === "object" && !origins.has(out)) origins.set(out, `#${pointer}`);
      return out;
    } finally {
      inProgress.delete(key);
    }
  };

  const walk = (node: Json, uri: string, pointer: string): Json => {
    if (node === null || typeof node !== "object") return node;
    const key = `${uri}#${pointer}`;
    if (resolved.has(key)) return resolved.get(key);
    if (Array.isArray(node)) {
      const out: Json[] = [];
      resolved.set(key, out);
      node.forEach((item, i) => out.push(walk(item, uri, `${pointer}/${i}`)));
      return out;
    }
    const record = node as Record<string, Json>;
    if (typeof record.$ref === "string") {
      const target = follow(record.$ref, uri, pointer);
      const siblings = Object.keys(record).filter((k) => k !== "$ref");
      if (siblings.length === 0 || target === null || typeof target !== "object" || Array.isArray(target)) {
        resolved.set(key, target);
        return target;
      }
      const merged: Record<string, Json> = { ...(target as Record<string, Json>) };
      resolved.set(key, merged);
      for (const k of siblings) merged[k] = walk(record[k], uri, `${pointer}/${escape(k)}`);
      return merged;
    }
    const out: Record<string, Json> = {};
    resolved.set(key, out);
    for (const [k, v] of Object.entries(record)) out[k] = walk(v, uri, `${pointer}/${escape(k)}`);
    return out;
  };

  return walk(document, rootUri, "");
}

function lookup(doc: Json, pointer: string, ref: string, from: string): Json {
  if (pointer === "" || pointer === "/") return doc;
  let node = doc;
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(part in (node as object))) {
      throw new RefResolutionError(ref, from, `no "${part}" at ${pointer}`);
    }
    node = (node as Record<string, Json>)[part];
  }
  return node;
}

function escape(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Joins a relative `$ref` file part against the referring document's location. */
export function joinUri(fromUri: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) || file.startsWith("/")) return file;
  return posix.normalize(posix.join(posix.dirname(fromUri === "" ? "." : fromUri), file));
}
