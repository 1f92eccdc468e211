import { decodeKey, readJsonKey, readJsonMember, readSeparator, skipSpace, skipValue } from './read-json-member.js';

/** Where a lockfile's `packages` map and each of its entries sit in the text. */
export interface NpmPackagesLayout {
  /** The entries' keys, in text order. */
  keys: string[];
  /** Offset of each entry's key (its opening quote). */
  starts: number[];
  /** Offset just past each entry's value. */
  valueEnds: number[];
  /** Offset of the first entry's key, or of the closing `}` when there is none. */
  firstEntry: number;
  /** Offset of the map's closing `}`. */
  close: number;
  /** Whether a top-level key after the map is `lockfileVersion`. */
  versionAfter: boolean;
}

/**
 * Finds the top-level `packages` map of a text `JSON.parse` accepted, and each of its entries.
 * Undefined when there is no such map, or when the top level has two: the parsed value is then the
 * last one, which the offsets would not say.
 */
export function locateNpmPackages(text: string): NpmPackagesLayout | undefined {
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== 0x7b) return undefined;
  at = skipSpace(text, at + 1);
  if (text.charCodeAt(at) === 0x7d) return undefined;
  let layout: NpmPackagesLayout | undefined;
  for (;;) {
    const member = readJsonKey(text, at);
    if (!member) return undefined;
    const key = decodeKey(member.rawKey, true);
    let valueEnd: number;
    if (key === 'packages') {
      // The map is walked entry by entry here, not skipped over as a whole.
      if (layout) return undefined;
      layout = entriesOf(text, member.valueStart);
      if (!layout) return undefined;
      valueEnd = layout.close + 1;
    } else {
      if (layout && key === 'lockfileVersion') layout.versionAfter = true;
      valueEnd = skipValue(text, member.valueStart);
    }
    const separator = valueEnd < 0 ? undefined : readSeparator(text, valueEnd);
    if (!separator) return undefined;
    if (separator.last) return layout;
    at = separator.next;
  }
}

function entriesOf(text: string, open: number): NpmPackagesLayout | undefined {
  if (text.charCodeAt(open) !== 0x7b) return undefined;
  const firstEntry = skipSpace(text, open + 1);
  const layout: NpmPackagesLayout = { keys: [], starts: [], valueEnds: [], firstEntry, close: firstEntry, versionAfter: false };
  if (text.charCodeAt(firstEntry) === 0x7d) return layout;
  for (let at = firstEntry; ; ) {
    const member = readJsonMember(text, at);
    const key = member && decodeKey(member.rawKey, true);
    if (!member || key === undefined) return undefined;
    layout.keys.push(key);
    layout.starts.push(member.start);
    layout.valueEnds.push(member.valueEnd);
    if (member.last) {
      layout.close = member.next;
      return layout;
    }
    at = member.next;
  }
}
