/**
 * Where a value (or its key) stands in a JSON text that `JSON.parse` accepted: the 1-based line
 * and column of the node a path names, for messages that point into a file. One pass over the
 * text, without recursion (any depth, any size); a member named twice is found where
 * `JSON.parse` takes it from (the last time). A path that leads nowhere gives the deepest node
 * on it that exists.
 */
export function jsonLocation(text: string, path: readonly (string | number)[], part: 'key' | 'value' = 'value'): { line: number; column: number } {
  return lineColumn(text, jsonOffset(text, path, part));
}

/** The offset `jsonLocation` locates. */
export function jsonOffset(text: string, path: readonly (string | number)[], part: 'key' | 'value' = 'value'): number {
  let pos = skipSpace(text, 0);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (text[pos] === '{') {
      const start = pos;
      let found: { key: number; value: number } | undefined;
      pos = skipSpace(text, pos + 1);
      while (text[pos] === '"') {
        const keyStart = pos;
        pos = skipString(text, pos);
        const key = JSON.parse(text.slice(keyStart, pos)) as string;
        pos = skipSpace(text, skipSpace(text, pos) + 1); // past the ':'
        if (key === String(segment)) found = { key: keyStart, value: pos };
        pos = skipSpace(text, skipValue(text, pos));
        if (text[pos] === ',') pos = skipSpace(text, pos + 1);
      }
      if (!found) return start;
      if (last && part === 'key') return found.key;
      pos = found.value;
    } else if (text[pos] === '[' && typeof segment === 'number') {
      const start = pos;
      pos = skipSpace(text, pos + 1);
      for (let index = 0; index < segment && text[pos] !== ']'; index++) {
        pos = skipSpace(text, skipValue(text, pos));
        if (text[pos] === ',') pos = skipSpace(text, pos + 1);
      }
      if (text[pos] === ']') return start;
    } else {
      return pos;
    }
  }
  return pos;
}

/** 1-based line and column (in UTF-16 code units) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && (text[pos] === ' ' || text[pos] === '\n' || text[pos] === '\r' || text[pos] === '\t')) pos++;
  return pos;
}

/** Past the string that opens at `pos` (on its `"`). */
export function skipString(text: string, pos: number): number {
  for (pos++; pos < text.length; pos++) {
    if (text[pos] === '\\') pos++;
    else if (text[pos] === '"') return pos + 1;
  }
  return pos;
}

/** Past the value that starts at `pos`: a scalar, or a whole object or array (strings inside skipped). */
function skipValue(text: string, pos: number): number {
  if (text[pos] === '"') return skipString(text, pos);
  if (text[pos] !== '{' && text[pos] !== '[') {
    while (pos < text.length && !',]} \n\r\t'.includes(text[pos]!)) pos++;
    return pos;
  }
  let depth = 0;
  while (pos < text.length) {
    const c = text[pos]!;
    if (c === '"') {
      pos = skipString(text, pos);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    pos++;
    if (depth === 0) return pos;
  }
  return pos;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * Where a text stops being JSON: the offset of the first character `JSON.parse` cannot take (the
 * text's length when it ends too soon), or undefined when it is JSON. One pass, no recursion:
 * `JSON.parse` says what is wrong, but not always where.
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  const stack: string[] = [];
  let pos = skipSpace(text, 0);
  for (;;) {
    // A value starts at `pos`.
    const c = text[pos];
    if (c === '{' || c === '[') {
      pos = skipSpace(text, pos + 1);
      if (text[pos] === (c === '{' ? '}' : ']')) pos++;
      else {
        stack.push(c);
        if (c === '{') {
          const value = member(text, pos);
          if (value.error !== undefined) return value.error;
          pos = value.pos;
        }
        continue;
      }
    } else if (c === '"') {
      const end = stringEnd(text, pos);
      if (end.error !== undefined) return end.error;
      pos = end.pos;
    } else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      for (let i = 0; i < word.length; i++) if (text[pos + i] !== word[i]) return pos + i;
      pos += word.length;
    } else {
      NUMBER.lastIndex = pos;
      if (!NUMBER.test(text)) return digitError(text, pos);
      pos = NUMBER.lastIndex;
    }
    // After a value: the end, a separator, or the end of the container it is in.
    for (;;) {
      pos = skipSpace(text, pos);
      const open = stack.at(-1);
      if (open === undefined) return pos < text.length ? pos : undefined;
      if (text[pos] === ',') {
        pos = skipSpace(text, pos + 1);
        if (open === '{') {
          const value = member(text, pos);
          if (value.error !== undefined) return value.error;
          pos = value.pos;
        }
        break;
      }
      if (text[pos] !== (open === '{' ? '}' : ']')) return pos;
      stack.pop();
      pos++;
    }
  }
}

/** A member's key and colon at `pos`: where its value starts, or where it breaks. */
function member(text: string, pos: number): { pos: number; error?: number } {
  if (text[pos] !== '"') return { pos, error: pos };
  const key = stringEnd(text, pos);
  if (key.error !== undefined) return key;
  const colon = skipSpace(text, key.pos);
  if (text[colon] !== ':') return { pos: colon, error: colon };
  return { pos: skipSpace(text, colon + 1) };
}

/** Past the string opening at `pos`, or where it breaks: a control character, a bad escape, the end. */
function stringEnd(text: string, pos: number): { pos: number; error?: number } {
  for (pos++; pos < text.length; pos++) {
    const c = text.charCodeAt(pos);
    if (c === 0x22) return { pos: pos + 1 };
    if (c < 0x20) return { pos, error: pos };
    if (c !== 0x5c) continue;
    const escaped = text[pos + 1];
    if (escaped === 'u') {
      HEX4.lastIndex = pos + 2;
      if (!HEX4.test(text)) return { pos, error: firstNonHex(text, pos + 2) };
      pos += 5;
    } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
      pos++;
    } else {
      return { pos, error: Math.min(pos + 1, text.length) };
    }
  }
  return { pos, error: text.length };
}

function firstNonHex(text: string, pos: number): number {
  while (pos < text.length && /[0-9a-fA-F]/.test(text[pos]!)) pos++;
  return pos;
}

/** Where a number that does not parse breaks: its first character that cannot continue it. */
function digitError(text: string, pos: number): number {
  const start = pos;
  if (text[pos] === '-') pos++;
  if (pos > start && !/[0-9]/.test(text[pos] ?? '')) return pos;
  return start;
}
