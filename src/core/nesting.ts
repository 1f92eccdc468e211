import { InputError } from './input-error.js';
import { skipString } from './json-locator.js';

/**
 * How deep a document read from a user may nest: maps (objects) and lists (arrays) inside one
 * another, the outermost being level 1, with `$ref`s and YAML aliases followed. A deeper one is
 * refused with a located problem rather than read, because the walks over documents — the YAML
 * composer, `$ref` resolution, the contract diff, config checks — recurse, and a document nested
 * a few thousand levels deep would overflow the stack. Real manifests, config files, lockfiles and
 * API specs nest a few dozen levels.
 */
export const MAX_NESTING = 256;

/** The problem, as every reader words it (with its own location). */
export const TOO_DEEP = `nested more than ${MAX_NESTING} levels deep (maps and lists inside one another)`;

/**
 * A walk over an already-read document (a graph, through `$ref`s) met nesting past MAX_NESTING.
 * `where` names the place as well as the walk knows it (a JSON pointer, a schema path).
 */
export class NestingError extends InputError {
  constructor(readonly where: string) {
    super(`${TOO_DEEP} at ${shortPointer(where)}`);
    this.name = 'NestingError';
  }
}

/**
 * The path to the first value (in document order) of a parsed document that is a map or a list
 * at a level past MAX_NESTING; undefined when there is none. Iterative; a node shared by several
 * places (YAML aliases) is walked again only when met deeper than before, so a document is walked
 * in about its size, not its expansion; a cycle is not followed.
 */
export function tooDeepPath(value: unknown): (string | number)[] | undefined {
  if (!isCollection(value)) return undefined;
  const deepest = new Map<object, number>();
  const onPath = new Set<object>([value]);
  const stack: Frame[] = [frameOf(value, 1)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.keys.length) {
      onPath.delete(stack.pop()!.node);
      continue;
    }
    const key = frame.keys[frame.next++]!;
    const child = (frame.node as Record<string | number, unknown>)[key];
    // A cycle (a recursive schema) is no nesting: its walkers stop where they came in.
    if (!isCollection(child) || onPath.has(child)) continue;
    const level = frame.level + 1;
    if (level > MAX_NESTING) return [...stack.slice(1).map((f) => f.key!), key];
    // A shared node met again no deeper than before holds nothing deeper than it did then.
    if ((deepest.get(child) ?? 0) >= level) continue;
    deepest.set(child, level);
    onPath.add(child);
    stack.push(frameOf(child, level, key));
  }
  return undefined;
}

/** A collection being walked: its level, its keys, how many of them are walked, and how it was reached. */
interface Frame {
  node: object;
  level: number;
  keys: (string | number)[];
  next: number;
  key?: string | number;
}

function frameOf(node: object, level: number, key?: string | number): Frame {
  return { node, level, keys: Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node), next: 0, ...(key !== undefined ? { key } : {}) };
}

/** A pointer as a message shows it: hundreds of segments deep, its start and its end. */
function shortPointer(pointer: string): string {
  return pointer.length <= 120 ? pointer : `${pointer.slice(0, 50)}…${pointer.slice(-50)}`;
}

/**
 * The offset of the first `[` or `{` of JSON text that opens a level past MAX_NESTING (strings
 * skipped); undefined when there is none. Linear, and meant for text `JSON.parse` accepted: it
 * locates what `tooDeepPath` finds in the parsed value.
 */
export function jsonTooDeepOffset(text: string): number | undefined {
  let level = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = skipString(text, i) - 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++level > MAX_NESTING) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      level--;
    }
  }
  return undefined;
}

function isCollection(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
