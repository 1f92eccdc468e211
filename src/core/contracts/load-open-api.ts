import { parse } from "yaml";
import { resolveRefs } from "./resolve-refs.js";

/** Reads the text of a spec file; the caller does the I/O (relative paths are joined by core). */
export type SpecTextReader = (path: string) => string;

/** Parses YAML or JSON spec text (JSON is YAML). */
export function parseSpecText(text: string): unknown {
  // Bounded: a spec is input, and an alias bomb must not exhaust memory.
  return parse(text, { uniqueKeys: false, maxAliasCount: 10_000 });
}

/**
 * Parses the spec at `path` and resolves its local and external `$ref`s, reading every file
 * through `readText`. Recursive schemas come back as cyclic object graphs.
 */
export function loadOpenApi(path: string, readText: SpecTextReader): unknown {
  const document = parseSpecText(readText(path));
  return resolveRefs(document, { uri: path, read: (uri) => parseSpecText(readText(uri)) });
}
