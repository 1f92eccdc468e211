/** A `${NAME}` reference inside a string. */
const REFERENCE = /\$\{([^{}]+)\}/g;

/** A check's value with its references replaced, and the names that had no value (each once). */
export interface Interpolated {
  value: unknown;
  missing: string[];
}

/**
 * Replaces every `${KEY}` (and `${address}`, which callers pass in `vars` like any key) in every
 * string scalar of a nested value: arrays and plain objects are walked, object keys are left as
 * written, other scalars are kept as they are. The result is always a string where the input was
 * one, even when the whole scalar is a reference (`"${PORT}"` → `"8080"`): converting types is
 * the check's business, which knows what it expects. A reference to an unknown name is left as
 * written and listed in `missing`. The input is not modified.
 */
export function interpolate(value: unknown, vars: Record<string, string>): Interpolated {
  const missing = new Set<string>();
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return replaceIn(node, vars, missing);
    if (Array.isArray(node)) return node.map(walk);
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child);
      return out;
    }
    return node;
  };
  return { value: walk(value), missing: [...missing] };
}

function replaceIn(text: string, vars: Record<string, string>, missing: Set<string>): string {
  return text.replace(REFERENCE, (written, name: string) => {
    // Own properties only: `${constructor}` must not find Object.prototype.constructor.
    if (Object.hasOwn(vars, name)) return vars[name]!;
    missing.add(name);
    return written;
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
