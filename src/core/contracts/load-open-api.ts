import { parse } from "yaml";
import { resolveRefs } from "./resolve-refs.js";

/** Reads the text of a spec file; the caller does the I/O (relative paths are joined by core). */
export type SpecTextReader = (path: string) => string;

/**
 * Parses YAML or JSON spec text. JSON (generated specs often are) goes through `JSON.parse`,
 * many times faster than a YAML parser; anything it refuses — YAML, or broken JSON, whose error
 * `yaml` then locates — through `yaml`.
 */
export function parseSpecText(text: string): unknown {
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all: YAML reads it, or says where it is broken.
    }
  }
  // Bounded: a spec is input, and an alias bomb must not exhaust memory.
  return parse(text, { uniqueKeys: false, maxAliasCount: 10_000 });
}

/** What a parse error says, and where (1-based), without the parser's source excerpt. */
export function specErrorPosition(error: unknown): { message: string; line?: number; column?: number } {
  const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  const message = (error instanceof Error ? error.message.split("\n")[0]! : String(error)).replace(/ at line \d+, column \d+:?$/, "");
  return pos ? { message, line: pos.line, column: pos.col } : { message };
}

/**
 * Parses the spec at `path` and resolves its local and external `$ref`s, reading every file
 * through `readText`. Recursive schemas come back as cyclic object graphs.
 */
export function loadOpenApi(path: string, readText: SpecTextReader): unknown {
  const document = parseSpecText(readText(path));
  return resolveRefs(document, { uri: path, read: (uri) => parseSpecText(readText(uri)) });
}
