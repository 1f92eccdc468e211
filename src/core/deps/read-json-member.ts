/** One `"key": value` of a JSON object, located in its text. */
export interface JsonMember {
  /** The key's text as written, quotes included (escapes not undone). */
  rawKey: string;
  /** Offset of the key's opening quote. */
  start: number;
  valueStart: number;
  /** Offset just past the value. */
  valueEnd: number;
  /** Offset of the next member's key after the `,`, or of the object's closing `}`. */
  next: number;
  /** Whether `next` is the closing `}`. */
  last: boolean;
}

/**
 * The member whose key opens at `at`, found by skipping over its value (strings and nesting),
 * without building it. Undefined when the text there is not shaped like a member followed by `,`
 * or `}`. It checks the shape only: the key and value are valid JSON only if `JSON.parse` says so.
 */
export function readJsonMember(text: string, at: number): JsonMember | undefined {
  const key = readJsonKey(text, at);
  const valueEnd = key ? skipValue(text, key.valueStart) : -1;
  const after = key && valueEnd >= 0 ? readSeparator(text, valueEnd) : undefined;
  if (!key || !after) return undefined;
  return { rawKey: key.rawKey, start: at, valueStart: key.valueStart, valueEnd, next: after.next, last: after.last };
}

/** The key opening at `at` (quotes included) and where the value after its colon starts. */
export function readJsonKey(text: string, at: number): { rawKey: string; valueStart: number } | undefined {
  if (text.charCodeAt(at) !== QUOTE) return undefined;
  const keyEnd = skipString(text, at);
  if (keyEnd < 0) return undefined;
  const colon = skipSpace(text, keyEnd);
  if (text.charCodeAt(colon) !== COLON) return undefined;
  return { rawKey: text.slice(at, keyEnd), valueStart: skipSpace(text, colon + 1) };
}

/** After a member's value: the next key after a `,`, or the closing `}`. */
export function readSeparator(text: string, valueEnd: number): { next: number; last: boolean } | undefined {
  const at = skipSpace(text, valueEnd);
  const c = text.charCodeAt(at);
  if (c === CLOSE_BRACE) return { next: at, last: true };
  return c === COMMA ? { next: skipSpace(text, at + 1), last: false } : undefined;
}

/** The key a raw key stands for; undefined when it is not a valid JSON string. */
export function decodeKey(rawKey: string, trusted: boolean): string | undefined {
  if (trusted && rawKey.indexOf('\\') === -1) return rawKey.slice(1, -1);
  try {
    return JSON.parse(rawKey) as string;
  } catch {
    return undefined;
  }
}

/** The offset after JSON whitespace from `at`. */
export function skipSpace(text: string, at: number): number {
  let i = at;
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  return i;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The offset past the string opening at `at`, or -1 when it is not closed. */
function skipString(text: string, at: number): number {
  for (let end = text.indexOf('"', at + 1); end !== -1; end = text.indexOf('"', end + 1)) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end + 1;
  }
  return -1;
}

/** The offset past the value at `at`, or -1 when brackets or strings are not closed. */
export function skipValue(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return skipString(text, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let i = at;
    for (
      let c = first;
      i < text.length && c !== COMMA && c !== CLOSE_BRACE && c !== CLOSE_BRACKET && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09;
      c = text.charCodeAt(++i)
    );
    return i > at ? i : -1;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipString(text, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  return -1;
}
