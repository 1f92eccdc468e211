import { MAX_NESTING } from '../../nesting.js';
import type {
  Label,
  NumberRange,
  ProtoEnum,
  ProtoEnumValue,
  ProtoField,
  ProtoFile,
  ProtoMessage,
  ProtoMethod,
  ProtoOneof,
  ProtoOption,
  ProtoService,
} from './proto-model.js';
import { defaultProblem } from './field-default.js';
import { emptyMessage, SCALAR_TYPES } from './proto-model.js';
import { positionAt } from './proto-span.js';
import { ProtoSyntaxError } from './proto-syntax-error.js';
import { type Keyword, ProtoLexer, type TokenKind } from './tokenize-proto.js';

const MAX_FIELD_NUMBER = 536_870_911;
const MAX_ENUM_NUMBER = 2_147_483_647;
/** The scalar type names, each one string that every field of the type shares. */
const SCALARS = new Map([...SCALAR_TYPES].map((name) => [name, name]));
/** The editions protoc and buf know (`edition = "2099"` is refused by both). */
const EDITIONS = ['2023', '2024'];
/** The options of a field or enum value written without any (nearly all): one array for all, never changed. */
const NO_OPTIONS = Object.freeze([]) as unknown as ProtoOption[];

/**
 * Reads one .proto file (proto2, proto3 or editions) into a ProtoFile with the extent of every
 * element. Type names are left as written (`resolveProtoTypes` qualifies them across a tree).
 * Messages nest at most MAX_NESTING deep. Anything it cannot read is a ProtoSyntaxError naming
 * `path`, line and column; it throws nothing else.
 */
export function parseProto(text: string, path: string): ProtoFile {
  return new ProtoParser(text, path).file();
}

/** How many tokens the parser may look at before taking them (it looks three ahead at most): a power of two. */
const AHEAD = 4;

/**
 * A recursive-descent reader over the tokens of one file; recursion is bounded by MAX_NESTING.
 * Tokens are never objects: those read ahead sit in a ring of a few slots (kind, offsets, a
 * string's value), and what the parser keeps of one is its offsets and, for a name, its text.
 */
class ProtoParser {
  private readonly lexer: ProtoLexer;
  private readonly kinds: TokenKind[] = new Array<TokenKind>(AHEAD).fill('symbol');
  private readonly starts = new Int32Array(AHEAD);
  private readonly ends = new Int32Array(AHEAD);
  private readonly keywords: (Keyword | '')[] = new Array<Keyword | ''>(AHEAD).fill('');
  private readonly values: string[] = new Array<string>(AHEAD).fill('');
  /** The ring slot of the next token, and how many are read but not yet taken. */
  private head = 0;
  private count = 0;
  /**
   * The token taken last; before the first, an empty one at the start of the file (where a
   * problem in a file with no token is reported).
   */
  private prevKind: TokenKind = 'symbol';
  private prevStart = 0;
  private prevEnd = 0;
  private prevValue = '';
  private readonly fieldNames = new Map<string, string>();
  /** The file's syntax, once read: what a field may declare depends on it. */
  private syntax: ProtoFile['syntax'] = 'proto2';

  constructor(
    private readonly text: string,
    private readonly path: string,
  ) {
    this.lexer = new ProtoLexer(text, path);
  }

  file(): ProtoFile {
    const file: ProtoFile = {
      path: this.path,
      text: this.text,
      syntax: 'proto2',
      imports: [],
      options: [],
      messages: [],
      enums: [],
      services: [],
      extensions: [],
    };
    if (this.is(0, 'syntax') || this.is(0, 'edition')) {
      const isSyntax = this.is(0, 'syntax');
      const start = this.next();
      this.expect('=');
      const valueAt = this.expectKind('string');
      const value = this.prevValue;
      this.expect(';');
      if (isSyntax) {
        if (value !== 'proto2' && value !== 'proto3') this.fail(valueAt, `unknown syntax ${JSON.stringify(value)}`);
        file.syntax = value;
      } else {
        if (!EDITIONS.includes(value)) this.fail(valueAt, `unknown edition ${JSON.stringify(value)} (protoc knows ${EDITIONS.join(', ')})`);
        file.syntax = 'editions';
        file.edition = value;
      }
      file.syntaxAt = { start, end: this.prevEnd };
      this.syntax = file.syntax;
    }
    let prefix = '';
    while (this.has(0)) {
      switch (this.keywords[this.head]) {
        case ';':
          this.take();
          break;
        case 'package': {
          const start = this.take();
          if (file.package !== undefined) this.fail(start, 'a file has one package statement');
          file.package = this.fullIdent();
          this.expect(';');
          file.packageAt = { start, end: this.prevEnd };
          prefix = file.package;
          break;
        }
        case 'import': {
          const start = this.take();
          const modifier = this.accept('public') ? 'public' : this.accept('weak') ? 'weak' : undefined;
          this.expectKind('string');
          const importPath = this.prevValue;
          this.expect(';');
          file.imports.push({ path: importPath, ...(modifier ? { modifier } : {}), start, end: this.prevEnd });
          break;
        }
        case 'option':
          file.options.push(this.optionStatement());
          break;
        case 'message':
          file.messages.push(this.message(prefix, 1));
          break;
        case 'enum':
          file.enums.push(this.enumeration(prefix));
          break;
        case 'service':
          file.services.push(this.service(prefix));
          break;
        case 'extend':
          file.extensions.push(...this.extend(prefix, file.messages, 1));
          break;
        default:
          this.fail(this.startOf(0), `unexpected ${JSON.stringify(this.textOf(0))} at the top level of a file`);
      }
    }
    return file;
  }

  private message(prefix: string, depth: number): ProtoMessage {
    const start = this.expect('message');
    const name = this.word();
    const message = emptyMessage(name, prefix ? `${prefix}.${name}` : name, start, start);
    this.expect('{');
    this.messageBody(message, depth, start);
    message.end = this.prevEnd;
    return message;
  }

  /** Reads a message's declarations up to and including its closing brace (the token taken last then). */
  private messageBody(message: ProtoMessage, depth: number, opener: number): void {
    if (depth > MAX_NESTING) this.fail(opener, `messages nested more than ${MAX_NESTING} levels deep`);
    for (;;) {
      if (!this.has(0)) this.fail(this.prevStart, `expected "}" to close message ${message.name}`);
      // What follows is read now, as a token's problem is reported where it is first read.
      this.has(1);
      if (this.is(0, '}')) {
        this.take();
        return;
      }
      if (this.is(0, ';')) {
        this.take();
      } else if (this.is(0, 'message') && !this.is(1, '.')) {
        message.messages.push(this.message(message.fullName, depth + 1));
      } else if (this.is(0, 'enum') && !this.is(1, '.')) {
        message.enums.push(this.enumeration(message.fullName));
      } else if (this.is(0, 'option') && !this.is(1, '.')) {
        message.options.push(this.optionStatement());
      } else if (this.is(0, 'oneof') && this.is(2, '{')) {
        this.oneof(message, depth);
      } else if (this.is(0, 'extend') && !this.is(1, '.') && !this.is(2, '=')) {
        message.extensions.push(...this.extend(message.fullName, message.messages, depth + 1));
      } else if (this.is(0, 'reserved') && !this.is(2, '=')) {
        this.reserved(message.reservedRanges, message.reservedNames, MAX_FIELD_NUMBER);
      } else if (this.is(0, 'extensions') && !this.is(2, '=')) {
        this.take();
        const ranges: NumberRange[] = [];
        this.ranges(ranges, MAX_FIELD_NUMBER);
        if (this.is(0, '[')) this.compactOptions();
        this.expect(';');
        message.extensionRanges.push(...ranges);
      } else {
        message.fields.push(this.field(message, depth, undefined, true));
      }
    }
  }

  private oneof(message: ProtoMessage, depth: number): void {
    const start = this.expect('oneof');
    const name = this.word();
    this.expect('{');
    const oneof: ProtoOneof = { name, options: [], start, end: start };
    for (;;) {
      if (!this.has(0)) this.fail(this.prevStart, `expected "}" to close oneof ${name}`);
      if (this.is(0, '}')) {
        this.take();
        oneof.end = this.prevEnd;
        break;
      }
      if (this.is(0, ';')) this.take();
      else if (this.is(0, 'option') && !this.is(1, '.')) oneof.options.push(this.optionStatement());
      else message.fields.push(this.field(message, depth, name, false));
    }
    message.oneofs.push(oneof);
  }

  /** A field, a map field or a group (whose message joins `owner`'s nested messages); at a token. */
  private field(owner: ProtoMessage | undefined, depth: number, oneof: string | undefined, labelled: boolean, nested?: ProtoMessage[]): ProtoField {
    const start = this.startOf(0);
    let label: Label | undefined;
    if (labelled) {
      label = this.label();
      // A label is a type's name when `=` follows it (`optional = 1`) or another symbol but a dot.
      if (label && this.has(1) && this.kindOf(1) === 'symbol' && !this.is(1, '.')) label = undefined;
      if (label) this.take();
    }
    const typeStart = this.has(0) ? this.startOf(0) : this.prevStart;
    const typeStartEnd = this.has(0) ? this.endOf(0) : this.prevEnd;
    let type: string;
    let map: ProtoField['map'];
    let group = false;
    if (this.is(0, 'map') && this.is(1, '<')) {
      this.take();
      this.take();
      const key = this.word();
      this.expect(',');
      const value = this.typeName();
      this.expect('>');
      type = `map<${key}, ${value}>`;
      map = { key, value };
    } else if (this.is(0, 'group') && this.has(1) && this.kindOf(1) === 'word' && this.is(2, '=')) {
      this.take();
      group = true;
      type = '';
    } else {
      type = this.typeName();
      // A scalar type is one string for all its fields, not a copy of the text for each.
      type = SCALARS.get(type) ?? type;
    }
    const typeEnd = group ? typeStartEnd : this.prevEnd;
    const nameStart = this.expectKind('word');
    const nameEnd = this.prevEnd;
    const name = this.fieldName(this.text.slice(nameStart, nameEnd));
    if (group) type = name;
    this.expect('=');
    const numberStart = this.expectKind('number');
    const numberEnd = this.prevEnd;
    const number = this.integer(numberStart, numberEnd, 1, MAX_FIELD_NUMBER);
    const options = this.is(0, '[') ? this.compactOptions() : NO_OPTIONS;
    if (options.length > 0) this.checkDefault(options, { type, repeated: label === 'repeated' || map !== undefined, group });
    if (group) {
      const message = emptyMessage(name, owner?.fullName ? `${owner.fullName}.${name}` : name, start, start);
      message.implicit = 'group';
      const opener = this.expect('{');
      this.messageBody(message, depth + 1, opener);
      message.end = this.prevEnd;
      (nested ?? owner?.messages)?.push(message);
    } else {
      this.expect(';');
    }
    // Built without spreads: a field is the most frequent element, and a spread copies property by property.
    const field: ProtoField = { name, number, type, options, start, end: this.prevEnd, nameStart, nameEnd, numberStart, numberEnd, typeStart, typeEnd };
    if (label) field.label = label;
    if (map) field.map = map;
    if (group) field.group = group;
    if (oneof !== undefined) field.oneof = oneof;
    return field;
  }

  /** Refuses a second `default` among a field's options, or one protoc refuses for the field alone (`defaultProblem`). */
  private checkDefault(options: readonly ProtoOption[], field: Parameters<typeof defaultProblem>[1]): void {
    const defaults = options.filter((o) => o.name === 'default');
    if (defaults.length > 1) this.fail(defaults[1]!.start, 'already set option "default"');
    const refused = defaults[0] && defaultProblem(this.syntax, field, defaults[0]);
    if (refused) this.fail(defaults[0]!.start, refused);
  }

  /**
   * `name` as the file's first field of that name spelt it: one string for the many fields of a
   * file that share a name (`id`, `name`), which the parsed file holds for as long as it is kept.
   */
  private fieldName(name: string): string {
    const first = this.fieldNames.get(name);
    if (first !== undefined) return first;
    this.fieldNames.set(name, name);
    return name;
  }

  /** The label the next token is, if it is one. */
  private label(): Label | undefined {
    const keyword = this.has(0) ? this.keywords[this.head] : '';
    return keyword === 'optional' || keyword === 'required' || keyword === 'repeated' ? keyword : undefined;
  }

  private extend(prefix: string, nested: ProtoMessage[], depth: number): ProtoField[] {
    this.expect('extend');
    const extendee = this.typeName();
    this.expect('{');
    const fields: ProtoField[] = [];
    const scope = emptyMessage('', prefix, 0, 0);
    for (;;) {
      if (!this.has(0)) this.fail(this.prevStart, `expected "}" to close extend ${extendee}`);
      if (this.is(0, '}')) {
        this.take();
        break;
      }
      if (this.is(0, ';')) this.take();
      else fields.push({ ...this.field(scope, depth, undefined, true, nested), extendee });
    }
    return fields;
  }

  private enumeration(prefix: string): ProtoEnum {
    const start = this.expect('enum');
    const name = this.word();
    const result: ProtoEnum = {
      name,
      fullName: prefix ? `${prefix}.${name}` : name,
      values: [],
      reservedRanges: [],
      reservedNames: [],
      options: [],
      start,
      end: start,
    };
    this.expect('{');
    for (;;) {
      if (!this.has(0)) this.fail(this.prevStart, `expected "}" to close enum ${name}`);
      if (this.is(0, '}')) {
        this.take();
        result.end = this.prevEnd;
        return result;
      }
      if (this.is(0, ';')) this.take();
      else if (this.is(0, 'option') && !this.is(1, '=')) result.options.push(this.optionStatement());
      else if (this.is(0, 'reserved') && !this.is(1, '=')) this.reserved(result.reservedRanges, result.reservedNames, MAX_ENUM_NUMBER, true);
      else result.values.push(this.enumValue());
    }
  }

  private enumValue(): ProtoEnumValue {
    const start = this.expectKind('word');
    const name = this.text.slice(start, this.prevEnd);
    this.expect('=');
    const negative = this.accept('-');
    const numberStart = negative ? this.prevStart : this.startOf(0);
    const at = this.expectKind('number');
    const numberEnd = this.prevEnd;
    const number = (negative ? -1 : 1) * this.integer(at, numberEnd, 0, negative ? MAX_ENUM_NUMBER + 1 : MAX_ENUM_NUMBER);
    const options = this.is(0, '[') ? this.compactOptions() : NO_OPTIONS;
    this.expect(';');
    return { name, number, options, start, end: this.prevEnd, numberStart, numberEnd };
  }

  private service(prefix: string): ProtoService {
    const start = this.expect('service');
    const name = this.word();
    const result: ProtoService = { name, fullName: prefix ? `${prefix}.${name}` : name, methods: [], options: [], start, end: start };
    this.expect('{');
    for (;;) {
      if (!this.has(0)) this.fail(this.prevStart, `expected "}" to close service ${name}`);
      if (this.is(0, '}')) {
        this.take();
        result.end = this.prevEnd;
        return result;
      }
      if (this.is(0, ';')) this.take();
      else if (this.is(0, 'option')) result.options.push(this.optionStatement());
      else if (this.is(0, 'rpc')) result.methods.push(this.method());
      else this.fail(this.startOf(0), `unexpected ${JSON.stringify(this.textOf(0))} in service ${name} (expected rpc or option)`);
    }
  }

  private method(): ProtoMethod {
    const start = this.expect('rpc');
    const name = this.word();
    const side = () => {
      this.expect('(');
      const stream = this.is(0, 'stream') && !this.is(1, ')') && !this.is(1, '.');
      if (stream) this.take();
      const typeStart = this.has(0) ? this.startOf(0) : this.prevStart;
      const type = this.typeName();
      const typeEnd = this.prevEnd;
      this.expect(')');
      return { stream, type, typeStart, typeEnd };
    };
    const input = side();
    this.expect('returns');
    const output = side();
    const options: ProtoOption[] = [];
    if (this.is(0, '{')) {
      this.take();
      for (;;) {
        if (!this.has(0)) this.fail(this.prevStart, `expected "}" to close rpc ${name}`);
        if (this.is(0, '}')) {
          this.take();
          break;
        }
        if (this.is(0, ';')) this.take();
        else if (this.is(0, 'option')) options.push(this.optionStatement());
        else this.fail(this.startOf(0), `unexpected ${JSON.stringify(this.textOf(0))} in rpc ${name} (expected option)`);
      }
    } else {
      this.expect(';');
    }
    return {
      name,
      input: input.type,
      output: output.type,
      clientStreaming: input.stream,
      serverStreaming: output.stream,
      options,
      start,
      end: this.prevEnd,
      inputStart: input.typeStart,
      inputEnd: input.typeEnd,
      outputStart: output.typeStart,
      outputEnd: output.typeEnd,
    };
  }

  private reserved(ranges: NumberRange[], names: string[], max: number, negativeAllowed = false): void {
    this.expect('reserved');
    const kind = this.has(0) ? this.kindOf(0) : undefined;
    if (kind === 'string' || (kind === 'word' && !this.is(0, 'max'))) {
      do {
        const at = this.next();
        if (this.prevKind !== 'string' && this.prevKind !== 'word') this.fail(at, 'expected a reserved name');
        names.push(this.prevKind === 'string' ? this.prevValue : this.text.slice(at, this.prevEnd));
      } while (this.accept(','));
    } else {
      this.ranges(ranges, max, negativeAllowed);
    }
    this.expect(';');
  }

  /** `1, 2 to 5, 9 to max`: appends each range to `ranges`. */
  private ranges(ranges: NumberRange[], max: number, negativeAllowed = false): void {
    do {
      const [start, startAt] = this.bound(max, negativeAllowed);
      let end = start;
      let endAt = this.prevEnd;
      if (this.accept('to')) {
        if (this.is(0, 'max')) {
          this.take();
          end = max;
        } else {
          [end] = this.bound(max, negativeAllowed);
        }
        endAt = this.prevEnd;
      }
      if (end < start) this.fail(startAt, `range ${start} to ${end} ends before it starts`);
      ranges.push({ start, end, at: { start: startAt, end: endAt } });
    } while (this.accept(','));
  }

  /** One end of a range: its value, and where it starts (at its minus sign if it has one). */
  private bound(max: number, negativeAllowed: boolean): [value: number, at: number] {
    const minus = negativeAllowed && this.accept('-');
    const minusAt = this.prevStart;
    const at = this.expectKind('number');
    return [(minus ? -1 : 1) * this.integer(at, this.prevEnd, 0, minus ? max + 1 : max), minus ? minusAt : at];
  }

  private optionStatement(): ProtoOption {
    const start = this.expect('option');
    const option = this.optionAssignment();
    this.expect(';');
    option.start = start;
    option.end = this.prevEnd;
    return option;
  }

  /** `[a = 1, (b).c = "x"]` after a field, an enum value or an extension range. */
  private compactOptions(): ProtoOption[] {
    this.expect('[');
    const options: ProtoOption[] = [];
    do options.push(this.optionAssignment());
    while (this.accept(','));
    this.expect(']');
    return options;
  }

  private optionAssignment(): ProtoOption {
    const start = this.has(0) ? this.startOf(0) : this.prevStart;
    const parts: string[] = [];
    do {
      if (this.accept('(')) {
        const dot = this.accept('.') ? '.' : '';
        parts.push(`(${dot}${this.fullIdent()})`);
        this.expect(')');
      } else {
        parts.push(this.word());
      }
    } while (this.accept('.'));
    this.expect('=');
    const { value, kind } = this.optionValue();
    return { name: parts.join('.'), value, kind, start, end: this.prevEnd };
  }

  private optionValue(): { value: string; kind: ProtoOption['kind'] } {
    if (!this.has(0)) this.fail(this.prevStart, 'expected an option value');
    if (this.is(0, '{')) return { value: this.aggregate(), kind: 'aggregate' };
    if (this.kindOf(0) === 'string') {
      let value = '';
      while (this.has(0) && this.kindOf(0) === 'string') {
        this.take();
        value += this.prevValue;
      }
      return { value, kind: 'string' };
    }
    const sign = this.is(0, '-') ? '-' : this.is(0, '+') ? '+' : '';
    if (sign) this.take();
    const at = this.next();
    const text = this.text.slice(at, this.prevEnd);
    if (this.prevKind === 'number') return { value: `${sign === '-' ? '-' : ''}${text}`, kind: 'number' };
    if (this.prevKind === 'word') return { value: `${sign === '-' ? '-' : ''}${text}`, kind: sign ? 'number' : 'word' };
    return this.fail(at, `unexpected ${JSON.stringify(text)} as an option value`);
  }

  /** A message literal `{ ... }`, kept as its tokens joined by spaces; nesting bounded, read without recursion. */
  private aggregate(): string {
    const opener = this.next();
    const texts: string[] = ['{'];
    let depth = 1;
    while (depth > 0) {
      if (!this.has(0)) this.fail(opener, 'unterminated option value "{"');
      const at = this.take();
      const text = this.text.slice(at, this.prevEnd);
      if (text === '{' || text === '[' || text === '<') depth++;
      if (text === '}' || text === ']' || text === '>') depth--;
      if (depth > MAX_NESTING) this.fail(at, `option value nested more than ${MAX_NESTING} levels deep`);
      texts.push(this.prevKind === 'string' ? JSON.stringify(this.prevValue) : text);
    }
    return texts.join(' ');
  }

  /** A type reference as written: `int32`, `Foo`, `a.b.Foo`, `.a.b.Foo`. */
  private typeName(): string {
    const dot = this.accept('.') ? '.' : '';
    return dot + this.fullIdent();
  }

  private fullIdent(): string {
    let name = this.word();
    while (this.is(0, '.') && this.has(1) && this.kindOf(1) === 'word') {
      this.take();
      name += `.${this.word()}`;
    }
    return name;
  }

  /** A name: the next token, which must be a word, as text. */
  private word(): string {
    const start = this.expectKind('word');
    return this.text.slice(start, this.prevEnd);
  }

  /** The number from `start` to `end` as an integer within `min` and `max` (decimal, hex or octal). */
  private integer(start: number, end: number, min: number, max: number): number {
    // A few decimal digits without a leading zero (nearly every number written) are read in place.
    const small = smallDecimal(this.text, start, end);
    if (small >= min && small <= max) return small;
    const text = this.text.slice(start, end);
    const value =
      text.charCodeAt(0) !== 48 && isDecimal(text)
        ? Number(text)
        : /^0[xX]/.test(text)
          ? Number.parseInt(text.slice(2), 16)
          : /^0[0-7]+$/.test(text)
            ? Number.parseInt(text, 8)
            : /^[0-9]+$/.test(text)
              ? Number(text)
              : Number.NaN;
    if (!Number.isInteger(value)) this.fail(start, `expected an integer, found ${JSON.stringify(text)}`);
    if (value < min || value > max) this.fail(start, `${text} is out of range (${min} to ${max})`);
    return value;
  }

  /** Whether there is an `n`th token ahead (0 the next), reading it if need be. */
  private has(n: number): boolean {
    while (this.count <= n) {
      const lexer = this.lexer;
      if (!lexer.scan()) return false;
      const slot = (this.head + this.count) & (AHEAD - 1);
      this.kinds[slot] = lexer.kind;
      this.starts[slot] = lexer.start;
      this.ends[slot] = lexer.end;
      this.keywords[slot] = lexer.keyword;
      this.values[slot] = lexer.value;
      this.count++;
    }
    return true;
  }

  /** Whether the `n`th token ahead is there and reads `word` (a word spelt so, or the symbol; never a string literal). */
  private is(n: number, word: Keyword): boolean {
    return this.has(n) && this.keywords[(this.head + n) & (AHEAD - 1)] === word;
  }

  /** The kind of the `n`th token ahead, which must be there. */
  private kindOf(n: number): TokenKind {
    return this.kinds[(this.head + n) & (AHEAD - 1)]!;
  }

  private startOf(n: number): number {
    return this.starts[(this.head + n) & (AHEAD - 1)]!;
  }

  private endOf(n: number): number {
    return this.ends[(this.head + n) & (AHEAD - 1)]!;
  }

  /** The text of the `n`th token ahead, which must be there. */
  private textOf(n: number): string {
    return this.text.slice(this.startOf(n), this.endOf(n));
  }

  /** Takes the next token, which must be there: it becomes the last taken; gives its start. */
  private take(): number {
    const slot = this.head;
    this.prevKind = this.kinds[slot]!;
    this.prevStart = this.starts[slot]!;
    this.prevEnd = this.ends[slot]!;
    this.prevValue = this.values[slot]!;
    this.head = (slot + 1) & (AHEAD - 1);
    this.count--;
    return this.prevStart;
  }

  private next(): number {
    if (!this.has(0)) this.fail(this.prevStart, 'unexpected end of file');
    return this.take();
  }

  private accept(word: Keyword): boolean {
    if (!this.is(0, word)) return false;
    this.take();
    return true;
  }

  private expect(word: Keyword): number {
    if (!this.has(0)) return this.fail(this.prevStart, `expected ${JSON.stringify(word)} at the end of the file`);
    if (!this.is(0, word)) this.fail(this.startOf(0), `expected ${JSON.stringify(word)}, found ${JSON.stringify(this.textOf(0).slice(0, 40))}`);
    return this.take();
  }

  private expectKind(kind: TokenKind): number {
    const what = kind === 'word' ? 'a name' : `a ${kind}`;
    if (!this.has(0)) return this.fail(this.prevStart, `expected ${what} at the end of the file`);
    if (this.kindOf(0) !== kind) this.fail(this.startOf(0), `expected ${what}, found ${JSON.stringify(this.textOf(0).slice(0, 40))}`);
    return this.take();
  }

  /** Throws the reader's error at offset `at`. */
  private fail(at: number, reason: string): never {
    const { line, column } = positionAt(this.text, at);
    throw new ProtoSyntaxError(this.path, line, column, reason);
  }
}

/** The value of up to 9 decimal digits from `start` to `end` not starting with 0; -1 for anything else. */
function smallDecimal(text: string, start: number, end: number): number {
  if (end - start > 9 || text.charCodeAt(start) === 48) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isDecimal(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
