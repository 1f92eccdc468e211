/**
 * A path into a values tree as people write them for Helm: `database.port`, `servers[0].host`,
 * and a quoted segment for a key with dots or brackets in it (`annotations."example.com/tier"`).
 * Undefined when the text is not one (empty segments, an unclosed quote or bracket).
 */
export function parseValuePath(text: string): (string | number)[] | undefined {
  const path: (string | number)[] = [];
  let i = 0;
  const expectSegment = () => {
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end === -1 || end === i + 1) return false;
      path.push(text.slice(i + 1, end));
      i = end + 1;
      return true;
    }
    const match = /^[^.[\]"]+/.exec(text.slice(i));
    if (!match) return false;
    path.push(match[0]);
    i += match[0].length;
    return true;
  };
  if (!expectSegment()) return undefined;
  while (i < text.length) {
    if (text[i] === '[') {
      const match = /^\[(\d+)\]/.exec(text.slice(i));
      if (!match) return undefined;
      path.push(Number(match[1]));
      i += match[0].length;
    } else if (text[i] === '.') {
      i++;
      if (!expectSegment()) return undefined;
    } else {
      return undefined;
    }
  }
  return path;
}

/** The path as `parseValuePath` reads it back. */
export function formatValuePath(path: readonly (string | number)[]): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i ? '.' : ''}${/^[^.[\]"]+$/.test(segment) ? segment : `"${segment}"`}`))
    .join('');
}
