/**
 * How one character of a secret may be written in text that carries it: as itself, URL-encoded
 * (`%40`, either case of hex, once or more: `%2540`), `+` for a space (form encoding), or
 * JSON-escaped (`\"`, `\n`, `\u00e9`, once or more: `\\\"` is a JSON text in a JSON string).
 * The redactor reads text one such unit at a time, so a secret is found in any mix of these
 * forms — the way a URL parser encodes some characters of a path and leaves the others (and
 * turns `\` into `/`).
 */

/** One way to read the text at a position: the character it stands for, and how long it is written. */
export interface Unit {
  char: string;
  length: number;
}

const HEX2 = /^[0-9A-Fa-f]{2}$/;
const HEX4 = /^[0-9A-Fa-f]{4}$/;
/** The escapes other than `\\`, `\"` and `\u`, by the character after the backslash. */
const SHORT_ESCAPES: Record<string, string> = { '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** The characters that can stand for another: `+` `/` `%` `\`. */
const OTHER_READINGS = new Set([0x2b, 0x2f, 0x25, 0x5c]);
/** Every other ASCII character reads only as itself: one shared answer each, read often. */
const ASCII: readonly Unit[][] = Array.from({ length: 0x80 }, (_, code) => [{ char: String.fromCharCode(code), length: 1 }]);

/** Every way to read the text at `at` as one character. The character as written comes first. */
export function unitsAt(text: string, at: number): Unit[] {
  const code = text.codePointAt(at);
  if (code === undefined) return [];
  if (code < 0x80 && !OTHER_READINGS.has(code)) return ASCII[code]!;
  const raw = String.fromCodePoint(code);
  const units: Unit[] = [{ char: raw, length: raw.length }];
  if (raw === '+') units.push({ char: ' ', length: 1 });
  // A URL parser turns `\` in the path of an http(s) URL into `/`.
  else if (raw === '/') units.push({ char: '\\', length: 1 });
  else if (raw === '%') units.push(...percentUnits(text, at));
  else if (raw === '\\') units.push(...jsonUnits(text, at));
  return units;
}

/** How many times over an encoding is undone at most: a JSON text in a JSON text in a JSON text… */
const MAX_DEPTH = 4;

/**
 * A UTF-8 character written as `%HH` bytes, encoded once or more (`%2540` is `%40` encoded
 * again): each byte led by `%` and as many `25` as the depth.
 */
function percentUnits(text: string, at: number): Unit[] {
  const units: Unit[] = [];
  for (let depth = 1; depth <= MAX_DEPTH; depth++) {
    const unit = percentUnit(text, at, `%${'25'.repeat(depth - 1)}`);
    if (unit) units.push(unit);
  }
  return units;
}

function percentUnit(text: string, at: number, lead: string): Unit | undefined {
  const byteAt = (i: number): number | undefined => {
    if (!text.startsWith(lead, i)) return undefined;
    const hex = text.slice(i + lead.length, i + lead.length + 2);
    return HEX2.test(hex) ? parseInt(hex, 16) : undefined;
  };
  const first = byteAt(at);
  if (first === undefined) return undefined;
  const count = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0;
  if (count === 0) return undefined;
  const step = lead.length + 2;
  const bytes = [first];
  for (let n = 1; n < count; n++) {
    const next = byteAt(at + n * step);
    if (next === undefined) return undefined;
    bytes.push(next);
  }
  try {
    return { char: utf8.decode(Uint8Array.from(bytes)), length: count * step };
  } catch {
    return undefined;
  }
}

/**
 * A character written as a JSON escape, at any depth: each time a JSON text is put in a JSON
 * string its backslashes double. At depth n, `"` is written with 2^n - 1 backslashes before it,
 * `\\` as 2^n backslashes, and `\n`, `\/`, `\u00e9` (a surrogate pair as two) with 2^(n-1).
 */
function jsonUnits(text: string, at: number): Unit[] {
  let run = 0;
  while (text[at + run] === '\\') run++;
  const units: Unit[] = [];
  for (let depth = 1; depth <= MAX_DEPTH; depth++) {
    const slashes = 2 ** (depth - 1);
    // A backslash itself: the first 2^n of the run.
    if (run >= 2 * slashes) units.push({ char: '\\', length: 2 * slashes });
    if (run === 2 * slashes - 1 && text[at + run] === '"') units.push({ char: '"', length: run + 1 });
    if (run !== slashes) continue;
    const next = text[at + run];
    if (next === 'u') {
      const unit = unicodeUnit(text, at, slashes);
      if (unit) units.push(unit);
    } else if (next !== undefined && Object.hasOwn(SHORT_ESCAPES, next)) {
      units.push({ char: SHORT_ESCAPES[next]!, length: run + 1 });
    }
  }
  return units;
}

/** `\uXXXX` after `slashes` backslashes, or a surrogate pair written as two of them. */
function unicodeUnit(text: string, at: number, slashes: number): Unit | undefined {
  const length = slashes + 5;
  const high = hex4(text, at + slashes + 1);
  if (high === undefined) return undefined;
  const second = at + length;
  if (high >= 0xd800 && high <= 0xdbff && text.startsWith(`${'\\'.repeat(slashes)}u`, second)) {
    const low = hex4(text, second + slashes + 1);
    if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) return { char: String.fromCharCode(high, low), length: 2 * length };
  }
  return { char: String.fromCharCode(high), length };
}

function hex4(text: string, at: number): number | undefined {
  const hex = text.slice(at, at + 4);
  return HEX4.test(hex) ? parseInt(hex, 16) : undefined;
}

/**
 * Whether the backslash at `at` starts an escape, rather than being the escaped half of `\\`: an
 * even number of backslashes comes right before it.
 */
function startsEscape(text: string, at: number): boolean {
  if (text[at] !== '\\') return false;
  let before = 0;
  while (at - before - 1 >= 0 && text[at - before - 1] === '\\') before++;
  return before % 2 === 0;
}

function escapeLength(text: string, at: number): number {
  return text[at + 1] === 'u' && hex4(text, at + 2) !== undefined ? 6 : 2;
}

/**
 * `[start, end)` widened to whole escape sequences: a range that begins or ends inside `\n` or
 * `\u00e9` takes all of it, so that replacing the range keeps JSON text valid.
 */
export function widenToEscapes(text: string, start: number, end: number): [number, number] {
  let from = start;
  for (let k = start - 1; k >= Math.max(0, start - 5); k--) {
    if (startsEscape(text, k) && k + escapeLength(text, k) > start) {
      from = k;
      break;
    }
  }
  let to = end;
  for (let k = end - 1; k >= Math.max(from, end - 5); k--) {
    if (startsEscape(text, k)) {
      to = Math.max(to, k + escapeLength(text, k));
      break;
    }
  }
  return [from, Math.min(to, text.length)];
}
