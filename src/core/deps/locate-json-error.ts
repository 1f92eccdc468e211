import type { ParseProblem } from '../location.js';

/**
 * Where and why `text` is not valid JSON, for a text `JSON.parse` rejected. `JSON.parse` says where
 * only for some errors (and as an offset), so the text is scanned again, without recursion, up to
 * its first error. Undefined when the scan finds none.
 */
export function locateJsonError(text: string): ParseProblem | undefined {
  const scan = new JsonScan(text);
  const failure = scan.run();
  if (!failure) return undefined;
  const before = text.slice(0, failure.offset);
  const line = before.split('\n').length;
  const column = failure.offset - (before.lastIndexOf('\n') + 1) + 1;
  return { message: `invalid JSON: ${failure.message}`, line, column };
}

interface Failure {
  offset: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class JsonScan {
  private pos = 0;

  constructor(private readonly text: string) {}

  run(): Failure | undefined {
    const stack: Array<'{' | '['> = [];
    let expectValue = true;
    for (;;) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (expectValue) {
        if (c === '{' || c === '[') {
          this.pos++;
          this.skipSpace();
          if (this.text[this.pos] === (c === '{' ? '}' : ']')) {
            this.pos++;
            expectValue = false;
            continue;
          }
          stack.push(c);
          if (c === '{') {
            const failure = this.key();
            if (failure) return failure;
          }
          continue;
        }
        const failure = this.scalar();
        if (failure) return failure;
        expectValue = false;
        continue;
      }
      const top = stack[stack.length - 1];
      if (top === undefined) return c === undefined ? undefined : this.fail('unexpected text after the end of the document');
      const close = top === '{' ? '}' : ']';
      if (c === ',') {
        this.pos++;
        if (top === '{') {
          const failure = this.key();
          if (failure) return failure;
        }
        expectValue = true;
      } else if (c === close) {
        this.pos++;
        stack.pop();
      } else {
        return this.fail(`expected ',' or '${close}'`);
      }
    }
  }

  /** A property name and its colon. */
  private key(): Failure | undefined {
    this.skipSpace();
    if (this.text[this.pos] !== '"') return this.fail('expected a property name in double quotes');
    const failure = this.string();
    if (failure) return failure;
    this.skipSpace();
    if (this.text[this.pos] !== ':') return this.fail("expected ':' after the property name");
    this.pos++;
    return undefined;
  }

  private scalar(): Failure | undefined {
    const c = this.text[this.pos];
    if (c === '"') return this.string();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return undefined;
      }
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = this.pos;
      const match = NUMBER.exec(this.text);
      const next = match ? this.text[this.pos + match[0].length] : undefined;
      if (!match || (next !== undefined && /[0-9.eE+-]/.test(next))) return this.fail('invalid number');
      this.pos += match[0].length;
      return undefined;
    }
    return this.fail('expected a value');
  }

  private string(): Failure | undefined {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === '\n') return { offset: start, message: 'unterminated string' };
      if (c === '"') {
        this.pos++;
        return undefined;
      }
      if (c === '\\') {
        const escaped = this.text[this.pos + 1];
        if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.pos += 6;
        else if (escaped !== undefined && ESCAPES.has(escaped)) this.pos += 2;
        else return this.fail('invalid escape in a string');
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return this.fail('control character in a string');
      this.pos++;
    }
  }

  private skipSpace(): void {
    for (let c = this.text.charCodeAt(this.pos); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; ) {
      c = this.text.charCodeAt(++this.pos);
    }
  }

  private fail(expected: string): Failure {
    const c = this.text[this.pos];
    const found = c === undefined ? 'the end of the file' : `'${c}'`;
    return { offset: this.pos, message: `${expected}, found ${found}` };
  }
}
