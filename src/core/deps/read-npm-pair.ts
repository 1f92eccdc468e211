import { isRecord } from './is-record.js';
import { locateNpmPackages, type NpmPackagesLayout } from './locate-npm-packages.js';
import { decodeKey, readJsonMember } from './read-json-member.js';

/**
 * Both sides of a package-lock pair, as the before side's `packages` map and what the after side
 * does differently. The after side's map is `replaced` over the before side's, less `removed`:
 * exactly what `JSON.parse` gives for the after text.
 */
export interface NpmPair {
  /** The before side's text (without a byte order mark) and its parsed `packages` map. */
  before: { text: string; packages: Record<string, unknown> };
  /** The after side's text, without a byte order mark. */
  afterText: string;
  /** Entries of the after side that are not the before side's (added, or written differently), by key. */
  replaced: Map<string, unknown>;
  /** Keys of the before side the after side does not have. */
  removed: Set<string>;
}

/**
 * Reads a package-lock pair; undefined when either side is not a readable lockfileVersion 2/3
 * file. Most entries of a pair are written the same on both sides, so the after text is compared
 * with the before text entry by entry, and only the entries that differ are parsed. When the two
 * texts differ elsewhere (or the before side repeats an entry), the after side is parsed in full.
 */
export function readNpmPair(beforeText: string, afterText: string): NpmPair | undefined {
  const before = readNpmLock(beforeText);
  if (!before) return undefined;
  const text = withoutBom(afterText);
  const layout = locateNpmPackages(before.text);
  const spliced = layout && spliceEntries(before, layout, text);
  if (spliced) return { before, afterText: text, ...spliced };
  const after = readNpmLock(text);
  return after && { before, afterText: text, ...differences(before.packages, after.packages) };
}

/** A lockfile's text and `packages` map, where parseNpmLock finds one (no problem reported). */
function readNpmLock(raw: string): NpmPair['before'] | undefined {
  const text = withoutBom(raw);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || data.packages === undefined || data.lockfileVersion === 1 || !isRecord(data.packages)) return undefined;
  return { text, packages: data.packages };
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

type Differences = Pick<NpmPair, 'replaced' | 'removed'>;

/** How two `packages` maps parsed apart differ: every entry object of `after` counts as replaced. */
function differences(before: Record<string, unknown>, after: Record<string, unknown>): Differences {
  const replaced = new Map<string, unknown>();
  const removed = new Set<string>();
  for (const key in after) {
    if (!Object.hasOwn(after, key)) continue;
    const entry = after[key];
    if (!Object.hasOwn(before, key) || before[key] !== entry) replaced.set(key, entry);
  }
  for (const key in before) if (Object.hasOwn(before, key) && !Object.hasOwn(after, key)) removed.add(key);
  return { replaced, removed };
}

/**
 * The after side as entries replaced, added or removed from the before side: walking both texts,
 * an entry written exactly as the before side's next one (separator included) is that entry, and
 * any other is read and parsed on its own. Undefined when the after text is not the before text with
 * entries changed, or one of those entries is not valid JSON: then only a full parse can tell.
 */
function spliceEntries(before: NpmPair['before'], layout: NpmPackagesLayout, after: string): Differences | undefined {
  const source = before.text;
  const { keys, starts, valueEnds, close } = layout;
  if (after.slice(0, layout.firstEntry) !== source.slice(0, layout.firstEntry)) return undefined;
  const replaced = new Map<string, unknown>();
  const skipped: string[] = [];
  let indexOf: Map<string, number> | undefined;
  let at = layout.firstEntry;
  let i = 0;
  // How many entries to compare at once: doubled while they match, so that long runs of entries
  // written the same cost a few comparisons.
  let run = 1;
  for (;;) {
    if (i < keys.length) {
      const start = starts[i] as number;
      const end = starts[i + run] ?? close;
      if (after.slice(at, at + end - start) === source.slice(start, end)) {
        at += end - start;
        i = Math.min(i + run, keys.length);
        run *= 2;
        if (end !== close) continue;
        if (after.charCodeAt(at) !== 0x7d) return undefined;
        break;
      }
      if (run > 1) {
        run = 1;
        continue;
      }
    }
    const member = readJsonMember(after, at);
    const key = member && decodeKey(member.rawKey, false);
    if (!member || key === undefined) return undefined;
    indexOf ??= indexKeys(keys);
    // A key the before side repeats parses to its last value, which entries met in order would not
    // follow. (Without any entry that differs, the after side is the same text: repeats do not matter.)
    if (indexOf.size < keys.length) return undefined;
    const j = indexOf.get(key);
    let unchanged = false;
    if (j !== undefined && j >= i) {
      // The before side's entries between the last one met and this key are not on the after side.
      skipped.push(...keys.slice(i, j));
      i = j + 1;
      unchanged = after.slice(member.start, member.valueEnd) === source.slice(starts[j], valueEnds[j]);
    }
    // Otherwise the key is new, or met again (the last value is the one JSON.parse keeps).
    if (!unchanged) {
      try {
        replaced.set(key, JSON.parse(after.slice(member.valueStart, member.valueEnd)));
      } catch {
        return undefined;
      }
    }
    at = member.next;
    if (member.last) break;
  }
  if (!sameTail(source.slice(close), after.slice(at), layout.versionAfter)) return undefined;
  skipped.push(...keys.slice(i));
  return { replaced, removed: new Set(skipped.filter((key) => !replaced.has(key))) };
}

/**
 * Whether what follows the after side's map is valid and leaves the lockfileVersion as the before
 * side has it: the same text, or (lockfileVersion 2's `dependencies` tree, which moves with the
 * entries) members that parse and name neither `packages` nor `lockfileVersion`.
 */
function sameTail(before: string, after: string, versionAfter: boolean): boolean {
  if (after === before) return true;
  if (versionAfter) return false;
  let rest: unknown;
  try {
    rest = JSON.parse(`{"":0${after.slice(1)}`);
  } catch {
    return false;
  }
  return isRecord(rest) && !Object.hasOwn(rest, 'packages') && !Object.hasOwn(rest, 'lockfileVersion');
}

function indexKeys(keys: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) index.set(keys[i] as string, i);
  return index;
}
