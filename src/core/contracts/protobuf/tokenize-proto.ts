import { positionAt } from './proto-span.js';
import { ProtoSyntaxError } from './proto-syntax-error.js';

/** What a token is: a word (identifiers and keywords), a number, a string literal or one punctuation character. */
export type TokenKind = 'word' | 'number' | 'string' | 'symbol';

const SYMBOLS = new Set([...';{}[]()<>=,.:-+/']);

/** The words the grammar gives a meaning to somewhere (a name may still be spelt like one). */
const KEYWORDS = [
  'syntax',
  'edition',
  'package',
  'import',
  'public',
  'weak',
  'option',
  'message',
  'enum',
  'service',
  'rpc',
  'returns',
  'stream',
  'extend',
  'extensions',
  'oneof',
  'reserved',
  'to',
  'max',
  'optional',
  'required',
  'repeated',
  'map',
  'group',
] as const;

/** A keyword or a punctuation character: what a parser asks whether a token reads. */
export type Keyword = (typeof KEYWORDS)[number] | ';' | '{' | '}' | '[' | ']' | '(' | ')' | '<' | '>' | '=' | ',' | '.' | ':' | '-' | '+' | '/';

/** The keywords by length: a word is compared with the few of its length only. */
const KEYWORDS_BY_LENGTH: Keyword[][] = [];
for (const keyword of KEYWORDS) (KEYWORDS_BY_LENGTH[keyword.length] ??= []).push(keyword);

/**
 * Reads a .proto text token by token, dropping whitespace and comments. `scan()` reads the next
 * token into `kind`, `start` and `end` (offsets, the end exclusive), `keyword` (the keyword or
 * punctuation character it is, the one string of that keyword; '' for any other token) and, for a
 * string literal, `value` (its decoded text); false at the end. No object is made for a token: a
 * file has tens of thousands, and a parser needs a few numbers of each, and asks of most whether
 * they are some keyword, which is then a comparison of two references. Linear. Any text it cannot
 * read (an unterminated string or comment, a stray character) is a ProtoSyntaxError at its place.
 */
export class ProtoLexer {
  kind: TokenKind = 'symbol';
  start = 0;
  end = 0;
  keyword: Keyword | '' = '';
  value = '';
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  scan(): boolean {
    const text = this.text;
    let i = this.i;
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
        i++;
        continue;
      }
      const start = i;
      if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) this.fail(start, 'unterminated comment');
        i = end + 2;
        continue;
      }
      let kind: TokenKind;
      let keyword: Keyword | '' = '';
      let value = '';
      if (isWordStart(c)) {
        kind = 'word';
        while (i < text.length && isWordPart(text[i]!)) i++;
        keyword = keywordOf(text, start, i);
      } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
        kind = 'number';
        i++;
        while (i < text.length) {
          const d = text[i]!;
          if (isWordPart(d) || d === '.') i++;
          else if ((d === '+' || d === '-') && (text[i - 1] === 'e' || text[i - 1] === 'E') && !/^0[xX]/.test(text.slice(start, i))) i++;
          else break;
        }
        // Plain decimal digits (nearly every number in a .proto) need no further check.
        if (!isDigits(text, start, i) && !/^(0[xX][0-9a-fA-F]+|[0-9]+|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)$/.test(text.slice(start, i)))
          this.fail(start, `malformed number ${JSON.stringify(text.slice(start, i).slice(0, 40))}`);
      } else if (c === '"' || c === "'") {
        kind = 'string';
        i++;
        for (;;) {
          const d = text[i];
          if (d === undefined || d === '\n') this.fail(start, 'unterminated string');
          if (d === c) {
            i++;
            break;
          }
          if (d === '\\') {
            const [decoded, next] = decodeEscape(text, i);
            if (next < 0) this.fail(i, 'bad escape in string');
            value += decoded;
            i = next;
          } else {
            value += d;
            i++;
          }
        }
      } else if (SYMBOLS.has(c)) {
        kind = 'symbol';
        keyword = c as Keyword;
        i++;
      } else {
        return this.fail(start, `unexpected character ${JSON.stringify(c)}`);
      }
      this.i = i;
      this.kind = kind;
      this.start = start;
      this.end = i;
      this.keyword = keyword;
      this.value = value;
      return true;
    }
    this.i = i;
    return false;
  }

  private fail(at: number, reason: string): never {
    const { line, column } = positionAt(this.text, at);
    throw new ProtoSyntaxError(this.file, line, column, reason);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** The character an escape at `at` (its backslash) stands for, and where the text goes on; -1 when it is no escape. */
function decodeEscape(text: string, at: number): [string, number] {
  const e = text[at + 1] ?? '';
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return [simple, at + 2];
  const take = (pattern: RegExp, from: number, radix: number): [string, number] => {
    const match = pattern.exec(text.slice(from, from + 8));
    if (!match) return ['', -1];
    const code = Number.parseInt(match[0], radix);
    return code > 0x10ffff ? ['', -1] : [String.fromCodePoint(code), from + match[0].length];
  };
  if (/[0-7]/.test(e)) return take(/^[0-7]{1,3}/, at + 1, 8);
  if (e === 'x' || e === 'X') return take(/^[0-9a-fA-F]{1,2}/, at + 2, 16);
  if (e === 'u') return take(/^[0-9a-fA-F]{4}/, at + 2, 16);
  if (e === 'U') return take(/^[0-9a-fA-F]{8}/, at + 2, 16);
  return ['', -1];
}

/** The keyword the word from `start` to `end` is, or ''. */
function keywordOf(text: string, start: number, end: number): Keyword | '' {
  const candidates = KEYWORDS_BY_LENGTH[end - start];
  if (candidates === undefined) return '';
  const first = text.charCodeAt(start);
  for (const keyword of candidates) if (keyword.charCodeAt(0) === first && text.startsWith(keyword, start)) return keyword;
  return '';
}

function isDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(text[i]!)) return false;
  return true;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isWordStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isWordPart(c: string): boolean {
  return isWordStart(c) || isDigit(c);
}
