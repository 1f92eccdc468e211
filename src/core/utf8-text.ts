import { isUtf8 } from 'node:buffer';

/** Where bytes stop being UTF-8: the first byte that starts no well-formed character, 0-based, and its line and column (1-based). */
export interface NotUtf8 {
  offset: number;
  line: number;
  column: number;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The one place where the fleet's file bytes become text: well-formed UTF-8 is decoded (a byte
 * order mark kept, as the readers expect it), anything else is located — nothing is replaced with
 * U+FFFD behind the reader's back. The column counts UTF-16 units from the line's start, as every
 * other location does.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { notUtf8: NotUtf8 } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    return { notUtf8: { offset, line, column: strict.decode(bytes.subarray(lineStart, offset)).length + 1 } };
  }
}

/**
 * Whether bytes are well-formed UTF-8, as `decodeUtf8` judges them, without making the text
 * (Node's own check: a reader that keeps bytes undecoded until it parses them asks this).
 */
export function isUtf8Text(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}

/** The text of bytes already found well-formed (`isUtf8Text`); anything else is a bug of the caller. */
export function decodeCheckedUtf8(bytes: Uint8Array): string {
  const decoded = decodeUtf8(bytes);
  if (!('text' in decoded)) throw new Error(`internal: bytes checked as UTF-8 are not (at byte ${decoded.notUtf8.offset})`);
  return decoded.text;
}

/**
 * The offset of the first byte that does not begin a well-formed UTF-8 sequence (Unicode's table
 * 3-7: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or -1.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) more = 1;
    else if (b === 0xe0) [more, low] = [2, 0xa0];
    else if (b === 0xed) [more, high] = [2, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) more = 2;
    else if (b === 0xf0) [more, low] = [3, 0x90];
    else if (b === 0xf4) [more, high] = [3, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) more = 3;
    else return i;
    for (let k = 1; k <= more; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += more + 1;
  }
  return -1;
}
