const SINGLE_QUOTE = 0x27;

/** A quoted scalar read from one line: its value, and the index just past the closing quote. */
export interface QuotedScalar {
  value: string;
  end: number;
}

/**
 * The quoted scalar starting at `start` (a `'` or `"`) of one line of text ending at `end` (by
 * default the text's end): `'...'`, where `''` stands for one quote, or `"..."` without any
 * backslash escape. undefined when the quote does not close on the line or a double-quoted scalar
 * holds a backslash: only `yaml` reads those. The caller checks what follows the closing quote.
 */
export function readQuotedScalar(text: string, start: number, end = text.length): QuotedScalar | undefined {
  if (text.charCodeAt(start) !== SINGLE_QUOTE) {
    const close = text.indexOf('"', start + 1);
    if (close === -1 || close >= end) return undefined;
    const value = text.slice(start + 1, close);
    return value.includes('\\') ? undefined : { value, end: close + 1 };
  }
  let close = text.indexOf("'", start + 1);
  while (close !== -1 && close < end && text.charCodeAt(close + 1) === SINGLE_QUOTE) close = text.indexOf("'", close + 2);
  if (close === -1 || close >= end) return undefined;
  return { value: text.slice(start + 1, close).replaceAll("''", "'"), end: close + 1 };
}
