/**
 * What a secret looks like inside base64 text — alone, or inside a longer value such as HTTP
 * basic auth (`user:pass` encoded whole). Base64 writes 3 bytes as 4 characters, so what the
 * secret's bytes become depends on where they start in the encoded text: at a multiple of 3
 * bytes, or 1 or 2 bytes after one. For each of the three alignments, the fragment is the run of
 * characters made of the secret's bits alone; the character before it (unless aligned) and the
 * one after it (unless the secret ends on a boundary) mix in bits of the text around the secret.
 */

export interface Base64Fragment {
  text: string;
  /** The character before the fragment holds bits of the secret too. */
  mixedBefore: boolean;
  /** The character after the fragment holds bits of the secret too. */
  mixedAfter: boolean;
}

/** The fragments of `secret`'s UTF-8 bytes, for the three alignments, in standard and URL-safe base64. */
export function base64Fragments(secret: string): Base64Fragment[] {
  const bytes = Buffer.from(secret, 'utf8');
  const fragments: Base64Fragment[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const bits = 8 * (offset + bytes.length);
    // Characters before `first` hold bits of the padding bytes; from `whole` on, bits of what follows.
    const first = Math.ceil((8 * offset) / 6);
    const whole = Math.floor(bits / 6);
    const text = encoded.slice(first, whole);
    const shape = { mixedBefore: offset !== 0, mixedAfter: bits % 6 !== 0 };
    fragments.push({ text, ...shape });
    const urlSafe = text.replace(/\+/g, '-').replace(/\//g, '_');
    if (urlSafe !== text) fragments.push({ text: urlSafe, ...shape });
  }
  return fragments;
}

const BASE64_CHAR = /[A-Za-z0-9+/_-]/;

/** Whether `char` can be part of base64 text (standard or URL-safe). */
export function isBase64Char(char: string | undefined): boolean {
  return char !== undefined && BASE64_CHAR.test(char);
}
