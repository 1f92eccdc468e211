import { keyPositions } from './parse-npm-lock.js';

const LINE_BREAKS = new Set(['\n', '\r', '\u2028', '\u2029']);

/**
 * The line parseNpmLock gives each of `keys` (the first line opening with `"key": {`; 1 when there
 * is none). A text without backslashes writes every key as JSON.stringify does, so each key is
 * searched for directly and the lines are counted once, up to the last key found; any other text
 * is read by keyPositions in full.
 */
export function npmKeyLines(text: string, keys: Iterable<string>): Map<string, number> {
  const lines = new Map<string, number>();
  if (text.indexOf('\\') !== -1) {
    const positions = keyPositions(text);
    for (const key of keys) lines.set(key, positions.get(key)?.line ?? 1);
    return lines;
  }
  const found: Array<{ key: string; at: number }> = [];
  for (const key of keys) {
    const at = keyOffset(text, key);
    if (at === undefined) lines.set(key, 1);
    else found.push({ key, at });
  }
  found.sort((a, b) => a.at - b.at);
  let line = 1;
  let newline = text.indexOf('\n');
  for (const { key, at } of found) {
    for (; newline !== -1 && newline < at; newline = text.indexOf('\n', newline + 1)) line++;
    lines.set(key, line);
  }
  return lines;
}

/** Where the first line that opens with `"key": {` has the key (keyPositions' pattern, searched for directly). */
function keyOffset(text: string, key: string): number | undefined {
  const needle = JSON.stringify(key);
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    let start = at;
    while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    if (start > 0 && !LINE_BREAKS.has(text[start - 1] as string)) continue;
    let i = at + needle.length;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== ':') continue;
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '{') continue;
    return at;
  }
  return undefined;
}
