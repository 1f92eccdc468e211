import type { ParseProblem } from '../location.js';

/** One `[[package]]` table of a Cargo.lock. */
export interface CargoLockPackage {
  name?: string;
  version?: string;
  /** Where it comes from (`registry+https://…`, `git+https://…#commit`); absent for the workspace's own crates. */
  source?: string;
  /** `name`, `name version` or `name version (source)`: as much as tells the dependency apart. */
  dependencies: string[];
  /** Line of the `[[package]]` header. */
  line: number;
}

type Value = string | Value[];

/**
 * The TOML subset Cargo writes into Cargo.lock: table headers, `key = value` lines, basic and
 * literal strings, arrays (over several lines, with trailing commas) and bare numbers or booleans.
 * Only the `[[package]]` tables are kept; other tables (`[metadata]`, `[[patch.unused]]`) are read
 * and skipped. Stops at the first syntax error.
 */
export function readCargoLock(text: string): { packages: CargoLockPackage[]; problems: ParseProblem[] } {
  return new CargoLockReader(text).read();
}

class CargoSyntaxError {
  constructor(readonly offset: number, readonly message: string) {}
}

const ESCAPED: Record<string, string> = { '"': '"', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class CargoLockReader {
  private pos = 0;
  /** Offset of each line's first character, for positions. */
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  read(): { packages: CargoLockPackage[]; problems: ParseProblem[] } {
    const packages: CargoLockPackage[] = [];
    let current: CargoLockPackage | undefined;
    try {
      for (this.skipBlank(); this.pos < this.text.length; this.skipBlank()) {
        if (this.text[this.pos] === '[') {
          const line = this.position(this.pos).line;
          current = this.header() === 'package' ? { dependencies: [], line } : undefined;
          if (current) packages.push(current);
        } else {
          const key = this.key();
          this.skipSpaces();
          if (this.text[this.pos] !== '=') throw this.error("expected '=' after the key");
          this.pos++;
          this.skipSpaces();
          const value = this.value();
          this.endOfLine();
          if (current) assign(current, key, value);
        }
      }
    } catch (error) {
      if (!(error instanceof CargoSyntaxError)) throw error;
      return { packages, problems: [{ message: error.message, ...this.position(error.offset) }] };
    }
    return { packages, problems: [] };
  }

  /** `[table]` or `[[array.of.tables]]`: answers `package` for `[[package]]`, the name otherwise. */
  private header(): string {
    const end = this.text.indexOf('\n', this.pos);
    const line = this.text.slice(this.pos, end === -1 ? undefined : end).replace(/\s+#.*$/, '').trim();
    const match = /^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]$|^\[\s*([A-Za-z0-9_.-]+)\s*\]$/.exec(line);
    if (!match) throw this.error('expected a table header such as [[package]]');
    this.pos = end === -1 ? this.text.length : end;
    return match[1] === 'package' ? 'package' : `[${match[1] ?? match[2] ?? ''}]`;
  }

  private key(): string {
    if (this.text[this.pos] === '"') return this.basicString();
    const match = /[A-Za-z0-9_-]+/y;
    match.lastIndex = this.pos;
    const found = match.exec(this.text);
    if (!found) throw this.error('expected a key');
    this.pos += found[0].length;
    return found[0];
  }

  private value(): Value {
    const c = this.text[this.pos];
    if (c === '"') return this.basicString();
    if (c === "'") {
      const end = this.text.indexOf("'", this.pos + 1);
      const newline = this.text.indexOf('\n', this.pos);
      if (end === -1 || (newline !== -1 && newline < end)) throw this.error('unterminated string');
      const value = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return value;
    }
    if (c === '[') return this.array();
    const bare = /[A-Za-z0-9_.:+-]+/y;
    bare.lastIndex = this.pos;
    const found = bare.exec(this.text);
    if (!found) throw this.error('expected a value');
    this.pos += found[0].length;
    return found[0];
  }

  private array(): Value[] {
    const start = this.pos;
    const items: Value[] = [];
    this.pos++;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) throw new CargoSyntaxError(start, "unterminated array: expected ']'");
      if (this.text[this.pos] === ']') break;
      items.push(this.value());
      this.skipBlank();
      if (this.pos >= this.text.length) throw new CargoSyntaxError(start, "unterminated array: expected ']'");
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') throw this.error("expected ',' or ']' in the array");
    }
    this.pos++;
    return items;
  }

  private basicString(): string {
    const start = this.pos;
    let value = '';
    for (this.pos++; ; this.pos++) {
      const c = this.text[this.pos];
      if (c === undefined || c === '\n') throw new CargoSyntaxError(start, 'unterminated string');
      if (c === '"') break;
      if (c === '\\') {
        const escape = /\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(["\\bfnrt]))/y;
        escape.lastIndex = this.pos;
        const found = escape.exec(this.text);
        if (!found) throw this.error('invalid escape in a string');
        const hex = found[1] ?? found[2];
        const codePoint = hex === undefined ? undefined : parseInt(hex, 16);
        if (codePoint !== undefined && codePoint > 0x10ffff) throw this.error('invalid escape in a string');
        value += codePoint === undefined ? ESCAPED[found[3] ?? ''] ?? '' : String.fromCodePoint(codePoint);
        this.pos += found[0].length - 1;
        continue;
      }
      value += c;
    }
    this.pos++;
    return value;
  }

  /** Spaces, tabs, line breaks and comments. */
  private skipBlank(): void {
    const blank = /(?:[ \t\r\n]+|#[^\n]*)*/y;
    blank.lastIndex = this.pos;
    this.pos += blank.exec(this.text)?.[0].length ?? 0;
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  /** After a value: nothing but spaces and a comment before the line ends. */
  private endOfLine(): void {
    this.skipSpaces();
    if (this.text[this.pos] === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
    if (this.text[this.pos] === '\r') this.pos++;
    if (this.pos < this.text.length && this.text[this.pos] !== '\n') throw this.error('expected the end of the line after the value');
  }

  private error(message: string): CargoSyntaxError {
    const c = this.text[this.pos];
    const found = c === undefined ? 'the end of the file' : c === '\n' ? 'the end of the line' : `'${c}'`;
    return new CargoSyntaxError(this.pos, `${message}, found ${found}`);
  }

  private position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }
}

function assign(pkg: CargoLockPackage, key: string, value: Value): void {
  if (key === 'dependencies' && Array.isArray(value)) pkg.dependencies = value.filter((item): item is string => typeof item === 'string');
  else if ((key === 'name' || key === 'version' || key === 'source') && typeof value === 'string') pkg[key] = value;
}
