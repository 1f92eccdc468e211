/**
 * Text from commits, file names and config made safe for a pull-request comment: it can neither
 * break the comment's structure (HTML, tables, code spans) nor ping anyone. Control characters
 * (a newline in a file name), line separators and bidirectional overrides become spaces.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** A mention or a team mention: broken by a zero-width space after the `@`. */
const MENTION = /@/g;
const ZWSP = '\u200b';

/** Plain markdown text: HTML escaped, every markdown punctuation character escaped, mentions broken. */
export function mdText(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(MENTION, `@${ZWSP}`);
}

/**
 * A code span holding `text` literally, whatever backticks it holds (its fence is longer than
 * any run of them). `inTable`: pipes escaped, which a table splits cells on even inside code.
 */
export function mdCode(text: string, inTable = false): string {
  let content = text.replace(CONTROL, ' ');
  if (inTable) content = content.replaceAll('|', '\\|');
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || content === '' ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** Text for inside an HTML element (`<summary>`): escaped as HTML, mentions broken. */
export function htmlText(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
    .replace(MENTION, `@${ZWSP}`);
}
