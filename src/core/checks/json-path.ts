/**
 * The JSON paths of an http check's `expect.json` (docs/manifest.md): `$`, then any of `.name`,
 * `[0]`, `["name"]` or `['name']` — one value, found by walking down, never a query. The manifest
 * refuses a path this does not read; the check reads the answer with the same parser.
 */
export type JsonPath = readonly (string | number)[];

/** How to write one, for messages. */
export const JSON_PATH_FORMS = '$.a.b, $.items[0].name or $["a key"]';

/** The segments of `path`; undefined when the text is not a JSON path. */
export function parseJsonPath(path: string): JsonPath | undefined {
  if (!path.startsWith('$')) return undefined;
  const segment = /\.([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]|\['([^']*)'\]/y;
  const segments: (string | number)[] = [];
  segment.lastIndex = 1;
  while (segment.lastIndex < path.length) {
    const m = segment.exec(path);
    if (!m) return undefined;
    segments.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
  }
  return segments;
}

/**
 * The value at `path` in a JSON document, if there is one: an index reads only a list, a name
 * only a map's own key. Walks without recursion, so a document's depth costs nothing here.
 */
export function valueAt(document: unknown, path: JsonPath): { exists: true; value: unknown } | { exists: false } {
  let current = document;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { exists: false };
      current = current[segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, segment)) return { exists: false };
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { exists: true, value: current };
}
