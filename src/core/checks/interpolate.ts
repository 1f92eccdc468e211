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
  const userinfo = userinfoOf(text);
  return text.replace(REFERENCE, (written, name: string, at: number) => {
    // Own properties only: `${constructor}` must not find Object.prototype.constructor.
    if (!Object.hasOwn(vars, name)) {
      missing.add(name);
      return written;
    }
    // A value in a URL's user:password is percent-encoded: a password holding `@`, `:` or `/`
    // must not move the URL's host (nor show its pieces in a message as the host's name).
    return userinfo && at >= userinfo.start && at < userinfo.end ? percentEncoded(vars[name]!) : vars[name]!;
  });
}

/** `value` percent-encoded; as it is if it cannot be (a lone surrogate, which no UTF-8 source holds). */
function percentEncoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Where the user:password part of a URL written as `scheme://user:pass@host/…` is, judged on the
 * text as written (references not yet replaced, so a value cannot move it), if it has one.
 */
function userinfoOf(text: string): { start: number; end: number } | undefined {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  if (!scheme) return undefined;
  const start = scheme[0].length;
  // The authority ends at the first / ? # outside a reference.
  let end = text.length;
  for (let i = start; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      const close = text.indexOf('}', i);
      if (close === -1) break;
      i = close;
    } else if ('/?#'.includes(text[i]!)) {
      end = i;
      break;
    }
  }
  const at = text.lastIndexOf('@', end - 1);
  return at >= start ? { start, end: at } : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
