import type { DocumentPath } from './async-api-model.js';
import { refOrigin } from '../resolve-refs.js';

/** The component key a message was reached through (`#/components/messages/OrderCreated`), if any. */
export function componentName(value: unknown): string | undefined {
  const origin = refOrigin(value);
  return origin === undefined ? undefined : pointerSegment(origin.slice(origin.lastIndexOf('/') + 1));
}

/** Where a value reached through `$ref`s is defined, when that is in the same document; else where it was reached. */
export type PlaceOf = (value: unknown, reached: DocumentPath) => DocumentPath;

/** A `PlaceOf` for the resolved `root`: a local pointer that leads to the value itself names its place. */
export function placesIn(root: unknown): PlaceOf {
  return (value, reached) => {
    const origin = refOrigin(value);
    if (!origin?.startsWith('#/')) return reached;
    const segments = origin.slice(2).split('/').map(pointerSegment);
    let node = root;
    for (const segment of segments) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    return node === value ? segments : reached;
  };
}

/** A JSON pointer segment as a key (`~1` is `/`, `~0` is `~`, percent-escapes decoded when they are valid). */
function pointerSegment(text: string): string {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // Not a valid escape: the key is as written.
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}
