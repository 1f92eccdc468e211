/**
 * The fast path of `parseConfigFile`: a line-by-line reader for flat `KEY: scalar` files, which are
 * almost every config file, a few hundred times faster than `yaml`'s `parseDocument`. It reads
 * files made only of lines it fully understands and declines (returns undefined) at the first
 * thing it is not sure of; such files are parsed whole by `parseWithYaml`. For any file it accepts
 * the result equals `parseWithYaml`'s: the tests check this against `yaml` itself.
 */
import { configEntry, type ConfigEntry, type ConfigFile } from './config-entry.js';
import { INDICATOR_START } from './indicator-start.js';
import { readQuotedScalar } from './read-quoted-scalar.js';
import { resolvePlainScalar } from './resolve-plain-scalar.js';
import { UNSURE_CHAR } from './unsure-chars.js';

/** `KEY:` at column 1, then nothing, or spaces and the rest of the line (group 2). */
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*))?$/;

/** yaml rejects implicit keys longer than 1024 characters; stay well clear of that limit. */
const MAX_FAST_KEY_LENGTH = 1000;

/** A quoted scalar may be followed only by spaces, optionally then a ` # comment`. */
const AFTER_QUOTED = /^(?: +(?:#.*)?)?$/;

interface FastValue {
  value: unknown;
  sourceText?: string;
}

/**
 * Parses a file made only of blank lines, full-line `#` comments and `KEY: scalar` lines at column 1.
 * Returns undefined when the file contains anything else (a tag, an anchor, an alias, nesting...),
 * a duplicate key, or anything whose meaning the fast path is not certain of; the caller must then
 * use `parseWithYaml`.
 */
export function parseFlatFast(text: string): ConfigFile | undefined {
  if (UNSURE_CHAR.test(text)) return undefined;
  const lines = text.split('\n');
  const entries: ConfigEntry[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (isBlankOrComment(line)) continue;
    const match = KEY_LINE.exec(line);
    if (match === null) return undefined;
    const key = match[1]!;
    if (!isFastKey(key) || seen.has(key)) return undefined;
    seen.add(key);
    const parsed = parseFastValue(trimSpacesEnd(match[2] ?? ''));
    if (parsed === undefined) return undefined;
    entries.push(configEntry(key, parsed.value, i + 1, 1, parsed.sourceText));
  }
  return { entries, problems: [] };
}

function isBlankOrComment(line: string): boolean {
  return line[0] === '#' || trimSpacesEnd(line) === '';
}

/** A key the fast path can take as a plain string: not too long, and not resolving to null or a boolean. */
function isFastKey(key: string): boolean {
  return key.length <= MAX_FAST_KEY_LENGTH && typeof resolvePlainScalar(key) === 'string';
}

/** `value` is what follows `KEY: ` with trailing spaces removed. undefined = not sure, decline. */
function parseFastValue(value: string): FastValue | undefined {
  if (value === '' || value[0] === '#') return { value: null, sourceText: '' };
  if (value[0] === "'" || value[0] === '"') {
    const quoted = readQuotedScalar(value, 0);
    if (quoted === undefined || !AFTER_QUOTED.test(value.slice(quoted.end))) return undefined;
    return { value: quoted.value };
  }
  return parsePlain(value);
}

function parsePlain(value: string): FastValue | undefined {
  const commentAt = value.indexOf(' #');
  const scalar = commentAt === -1 ? value : trimSpacesEnd(value.slice(0, commentAt));
  // Declines `!` (a tag), `&` (an anchor), `*` (an alias) and every other indicator.
  if (INDICATOR_START.test(scalar)) return undefined;
  // `: ` or a final `:` would start a nested mapping (an error in yaml): not a flat value.
  if (scalar.includes(': ') || scalar.endsWith(':')) return undefined;
  return { value: resolvePlainScalar(scalar), sourceText: scalar };
}

/** Removes trailing spaces only (String#trimEnd would also remove e.g. U+00A0, which YAML keeps). */
function trimSpacesEnd(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}
