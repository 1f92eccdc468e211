import { decodeCheckedUtf8 } from '../utf8-text.js';

/** A spec file: content id, content, and the repo paths its external `$ref`s point into. */
export interface SourceFile {
  id: string;
  /**
   * Its text, or the bytes of it (well-formed UTF-8, checked when read) where the text is needed
   * only where it is parsed: a worker's share crosses to its thread as bytes (see `sourceText`).
   */
  text: string | Uint8Array;
  refs: string[];
}

/** A file's text, decoded (once: the text takes the bytes' place) where it was kept as bytes. */
export function sourceText(file: SourceFile): string {
  if (typeof file.text !== 'string') file.text = decodeCheckedUtf8(file.text);
  return file.text;
}
