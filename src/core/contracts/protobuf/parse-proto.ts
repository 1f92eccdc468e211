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
  Span,
} from './proto-model.js';
import { defaultProblem } from './field-default.js';
import { emptyMessage } from './proto-model.js';
import { ProtoSyntaxError } from './proto-syntax-error.js';
import { ProtoLexer, type Token } from './tokenize-proto.js';

const MAX_FIELD_NUMBER = 536_870_911;
const MAX_ENUM_NUMBER = 2_147_483_647;
const LABELS = new Set(['optional', 'required', 'repeated']);
/** The editions protoc and buf know (`edition = "2099"` is refused by both). */
const EDITIONS = ['2023', '2024'];
/** The options of a field or enum value written without any (nearly all): one array for all, never changed. */
const NO_OPTIONS = Object.freeze([]) as unknown as ProtoOption[];

/**
 * Reads one .proto file (proto2, proto3 or editions) into a ProtoFile with the span of every
 * element. Type names are left as written (`resolveProtoTypes` qualifies them across a tree).
 * Messages nest at most MAX_NESTING deep. Anything it cannot read is a ProtoSyntaxError naming
 * `path`, line and column; it throws nothing else.
 */
export function parseProto(text: string, path: string): ProtoFile {
  return new ProtoParser(new ProtoLexer(text, path), path).file();
}

/** A recursive-descent reader over the tokens of one file; recursion is bounded by MAX_NESTING. */
class ProtoParser {
  /** Tokens read but not yet taken (a few at most), and the last one taken. */
  private readonly ahead: Token[] = [];
  private prev: Token | undefined;
  /** The file's syntax, once read: what a field may declare depends on it. */
  private syntax: ProtoFile['syntax'] = 'proto2';

  constructor(
    private readonly lexer: ProtoLexer,
    private readonly path: string,
  ) {}

  file(): ProtoFile {
    const file: ProtoFile = { path: this.path, syntax: 'proto2', imports: [], options: [], messages: [], enums: [], services: [], extensions: [] };
    const first = this.peek();
    if (first?.text === 'syntax' || first?.text === 'edition') {
      const start = this.next();
      this.expect('=');
      const value = this.expectKind('string');
      const end = this.expect(';');
      if (start.text === 'syntax') {
        if (value.value !== 'proto2' && value.value !== 'proto3') this.fail(value, `unknown syntax ${JSON.stringify(value.value)}`);
        file.syntax = value.value as 'proto2' | 'proto3';
      } else {
        if (!EDITIONS.includes(value.value)) this.fail(value, `unknown edition ${JSON.stringify(value.value)} (protoc knows ${EDITIONS.join(', ')})`);
        file.syntax = 'editions';
        file.edition = value.value;
      }
      file.syntaxSpan = span(start, end);
      this.syntax = file.syntax;
    }
    const scope = { prefix: '' };
    while (this.peek()) {
      const token = this.peek()!;
      switch (token.text) {
        case ';':
          this.next();
          break;
        case 'package': {
          this.next();
          if (file.package !== undefined) this.fail(token, 'a file has one package statement');
          file.package = this.fullIdent();
          file.packageSpan = span(token, this.expect(';'));
          scope.prefix = file.package;
          break;
        }
        case 'import': {
          this.next();
          const modifier = this.accept('public') ? 'public' : this.accept('weak') ? 'weak' : undefined;
          const importPath = this.expectKind('string');
          file.imports.push({ path: importPath.value, ...(modifier ? { modifier } : {}), span: span(token, this.expect(';')) });
          break;
        }
        case 'option':
          file.options.push(this.optionStatement());
          break;
        case 'message':
          file.messages.push(this.message(scope.prefix, 1));
          break;
        case 'enum':
          file.enums.push(this.enumeration(scope.prefix));
          break;
        case 'service':
          file.services.push(this.service(scope.prefix));
          break;
        case 'extend':
          file.extensions.push(...this.extend(scope.prefix, file.messages, 1));
          break;
        default:
          this.fail(token, `unexpected ${JSON.stringify(token.text)} at the top level of a file`);
      }
    }
    return file;
  }

  private message(prefix: string, depth: number): ProtoMessage {
    const start = this.expect('message');
    const name = this.expectKind('word');
    const message = this.emptyMessage(name.text, prefix);
    this.expect('{');
    message.span = span(start, this.messageBody(message, depth, start));
    return message;
  }

  private emptyMessage(name: string, prefix: string): ProtoMessage {
    return emptyMessage(name, prefix ? `${prefix}.${name}` : name, { line: 0, column: 0, endLine: 0, endColumn: 0 });
  }

  /** Reads a message's declarations up to and including its closing brace, which it returns. */
  private messageBody(message: ProtoMessage, depth: number, opener: Token): Token {
    if (depth > MAX_NESTING) this.fail(opener, `messages nested more than ${MAX_NESTING} levels deep`);
    for (;;) {
      const token = this.peek();
      if (!token) this.fail(this.last(), `expected "}" to close message ${message.name}`);
      const following = this.peek(1)?.text;
      if (token.text === '}') return this.next();
      if (token.text === ';') {
        this.next();
      } else if (token.text === 'message' && following !== '.') {
        message.messages.push(this.message(message.fullName, depth + 1));
      } else if (token.text === 'enum' && following !== '.') {
        message.enums.push(this.enumeration(message.fullName));
      } else if (token.text === 'option' && following !== '.') {
        message.options.push(this.optionStatement());
      } else if (token.text === 'oneof' && this.peek(2)?.text === '{') {
        this.oneof(message, depth);
      } else if (token.text === 'extend' && following !== '.' && this.peek(2)?.text !== '=') {
        message.extensions.push(...this.extend(message.fullName, message.messages, depth + 1));
      } else if (token.text === 'reserved' && this.peek(2)?.text !== '=') {
        this.reserved(message.reservedRanges, message.reservedNames, MAX_FIELD_NUMBER);
      } else if (token.text === 'extensions' && this.peek(2)?.text !== '=') {
        this.next();
        const ranges: NumberRange[] = [];
        this.ranges(ranges, MAX_FIELD_NUMBER);
        if (this.peek()?.text === '[') this.compactOptions();
        this.expect(';');
        message.extensionRanges.push(...ranges);
      } else {
        message.fields.push(this.field(message, depth, undefined, true));
      }
    }
  }

  private oneof(message: ProtoMessage, depth: number): void {
    const start = this.expect('oneof');
    const name = this.expectKind('word').text;
    this.expect('{');
    const oneof: ProtoOneof = { name, options: [], span: span(start, start) };
    for (;;) {
      const token = this.peek();
      if (!token) this.fail(this.last(), `expected "}" to close oneof ${name}`);
      if (token.text === '}') {
        oneof.span = span(start, this.next());
        break;
      }
      if (token.text === ';') this.next();
      else if (token.text === 'option' && this.peek(1)?.text !== '.') oneof.options.push(this.optionStatement());
      else message.fields.push(this.field(message, depth, name, false));
    }
    message.oneofs.push(oneof);
  }

  /** A field, a map field or a group (whose message joins `owner`'s nested messages). */
  private field(owner: ProtoMessage | undefined, depth: number, oneof: string | undefined, labelled: boolean, nested?: ProtoMessage[]): ProtoField {
    const start = this.peek()!;
    let label: Label | undefined;
    if (labelled && LABELS.has(start.text) && this.peek(1)?.kind !== 'symbol') label = this.next().text as Label;
    else if (labelled && LABELS.has(start.text) && this.peek(1)?.text === '.') label = this.next().text as Label;
    const typeStart = this.peek() ?? this.last();
    let type: string;
    let map: ProtoField['map'];
    let group = false;
    if (typeStart.text === 'map' && this.peek(1)?.text === '<') {
      this.next();
      this.next();
      const key = this.expectKind('word').text;
      this.expect(',');
      const value = this.typeName();
      this.expect('>');
      type = `map<${key}, ${value}>`;
      map = { key, value };
    } else if (typeStart.text === 'group' && this.peek(1)?.kind === 'word' && this.peek(2)?.text === '=') {
      this.next();
      group = true;
      type = '';
    } else {
      type = this.typeName();
    }
    const typeEnd = this.prev ?? typeStart;
    const name = this.expectKind('word');
    if (group) type = name.text;
    this.expect('=');
    const numberToken = this.expectKind('number');
    const number = this.integer(numberToken, 1, MAX_FIELD_NUMBER);
    const options = this.peek()?.text === '[' ? this.compactOptions() : NO_OPTIONS;
    if (options.length > 0) this.checkDefault(options, { type, repeated: label === 'repeated' || map !== undefined, group });
    let end: Token;
    if (group) {
      const message = this.emptyMessage(name.text, owner?.fullName ?? '');
      message.implicit = 'group';
      const opener = this.expect('{');
      end = this.messageBody(message, depth + 1, opener);
      message.span = span(start, end);
      (nested ?? owner?.messages)?.push(message);
    } else {
      end = this.expect(';');
    }
    // Built without spreads: a field is the most frequent element, and a spread copies property by property.
    const field: ProtoField = {
      name: name.text,
      number,
      type,
      options,
      span: span(start, end),
      nameSpan: span(name, name),
      numberSpan: span(numberToken, numberToken),
      typeSpan: span(typeStart, group ? typeStart : typeEnd),
    };
    if (label) field.label = label;
    if (map) field.map = map;
    if (group) field.group = group;
    if (oneof !== undefined) field.oneof = oneof;
    return field;
  }

  /** Refuses a second `default` among a field's options, or one protoc refuses for the field alone (`defaultProblem`). */
  private checkDefault(options: readonly ProtoOption[], field: Parameters<typeof defaultProblem>[1]): void {
    const defaults = options.filter((o) => o.name === 'default');
    if (defaults.length > 1) this.fail(defaults[1]!.span, 'already set option "default"');
    const refused = defaults[0] && defaultProblem(this.syntax, field, defaults[0]);
    if (refused) this.fail(defaults[0]!.span, refused);
  }

  private extend(prefix: string, nested: ProtoMessage[], depth: number): ProtoField[] {
    this.expect('extend');
    const extendee = this.typeName();
    this.expect('{');
    const fields: ProtoField[] = [];
    const scope = this.emptyMessage('', prefix);
    scope.fullName = prefix;
    for (;;) {
      const token = this.peek();
      if (!token) this.fail(this.last(), `expected "}" to close extend ${extendee}`);
      if (token.text === '}') {
        this.next();
        break;
      }
      if (token.text === ';') this.next();
      else fields.push({ ...this.field(scope, depth, undefined, true, nested), extendee });
    }
    return fields;
  }

  private enumeration(prefix: string): ProtoEnum {
    const start = this.expect('enum');
    const name = this.expectKind('word').text;
    const result: ProtoEnum = {
      name,
      fullName: prefix ? `${prefix}.${name}` : name,
      values: [],
      reservedRanges: [],
      reservedNames: [],
      options: [],
      span: span(start, start),
    };
    this.expect('{');
    for (;;) {
      const token = this.peek();
      if (!token) this.fail(this.last(), `expected "}" to close enum ${name}`);
      if (token.text === '}') {
        result.span = span(start, this.next());
        return result;
      }
      if (token.text === ';') this.next();
      else if (token.text === 'option' && this.peek(1)?.text !== '=') result.options.push(this.optionStatement());
      else if (token.text === 'reserved' && this.peek(1)?.text !== '=') this.reserved(result.reservedRanges, result.reservedNames, MAX_ENUM_NUMBER, true);
      else result.values.push(this.enumValue());
    }
  }

  private enumValue(): ProtoEnumValue {
    const name = this.expectKind('word');
    this.expect('=');
    const negative = this.accept('-');
    const numberToken = this.expectKind('number');
    const number = (negative ? -1 : 1) * this.integer(numberToken, 0, negative ? MAX_ENUM_NUMBER + 1 : MAX_ENUM_NUMBER);
    const options = this.peek()?.text === '[' ? this.compactOptions() : NO_OPTIONS;
    const end = this.expect(';');
    return { name: name.text, number, options, span: span(name, end), numberSpan: span(negative ?? numberToken, numberToken) };
  }

  private service(prefix: string): ProtoService {
    const start = this.expect('service');
    const name = this.expectKind('word').text;
    const result: ProtoService = { name, fullName: prefix ? `${prefix}.${name}` : name, methods: [], options: [], span: span(start, start) };
    this.expect('{');
    for (;;) {
      const token = this.peek();
      if (!token) this.fail(this.last(), `expected "}" to close service ${name}`);
      if (token.text === '}') {
        result.span = span(start, this.next());
        return result;
      }
      if (token.text === ';') this.next();
      else if (token.text === 'option') result.options.push(this.optionStatement());
      else if (token.text === 'rpc') result.methods.push(this.method());
      else this.fail(token, `unexpected ${JSON.stringify(token.text)} in service ${name} (expected rpc or option)`);
    }
  }

  private method(): ProtoMethod {
    const start = this.expect('rpc');
    const name = this.expectKind('word').text;
    const side = () => {
      this.expect('(');
      const stream = this.peek()?.text === 'stream' && this.peek(1)?.text !== ')' && this.peek(1)?.text !== '.';
      if (stream) this.next();
      const first = this.peek() ?? this.last();
      const type = this.typeName();
      const typeSpan = span(first, this.previous());
      this.expect(')');
      return { stream, type, typeSpan };
    };
    const input = side();
    this.expect('returns');
    const output = side();
    const options: ProtoOption[] = [];
    let end: Token;
    if (this.peek()?.text === '{') {
      this.next();
      for (;;) {
        const token = this.peek();
        if (!token) this.fail(this.last(), `expected "}" to close rpc ${name}`);
        if (token.text === '}') {
          end = this.next();
          break;
        }
        if (token.text === ';') this.next();
        else if (token.text === 'option') options.push(this.optionStatement());
        else this.fail(token, `unexpected ${JSON.stringify(token.text)} in rpc ${name} (expected option)`);
      }
    } else {
      end = this.expect(';');
    }
    return {
      name,
      input: input.type,
      output: output.type,
      clientStreaming: input.stream,
      serverStreaming: output.stream,
      options,
      span: span(start, end),
      inputSpan: input.typeSpan,
      outputSpan: output.typeSpan,
    };
  }

  private reserved(ranges: NumberRange[], names: string[], max: number, negativeAllowed = false): void {
    this.expect('reserved');
    const first = this.peek();
    if (first?.kind === 'string' || (first?.kind === 'word' && first.text !== 'max')) {
      do {
        const token = this.next();
        if (token.kind !== 'string' && token.kind !== 'word') this.fail(token, 'expected a reserved name');
        names.push(token.value);
      } while (this.accept(','));
    } else {
      this.ranges(ranges, max, negativeAllowed);
    }
    this.expect(';');
  }

  /** `1, 2 to 5, 9 to max`: appends each range to `ranges`. */
  private ranges(ranges: NumberRange[], max: number, negativeAllowed = false): void {
    do {
      const bound = (): [number, Token] => {
        const minus = negativeAllowed ? this.accept('-') : undefined;
        const token = this.expectKind('number');
        return [(minus ? -1 : 1) * this.integer(token, 0, minus ? max + 1 : max), minus ?? token];
      };
      const [start, startToken] = bound();
      let end = start;
      let endToken = this.previous();
      if (this.accept('to')) {
        if (this.peek()?.text === 'max') {
          endToken = this.next();
          end = max;
        } else {
          [end] = bound();
          endToken = this.previous();
        }
      }
      if (end < start) this.fail(startToken, `range ${start} to ${end} ends before it starts`);
      ranges.push({ start, end, span: span(startToken, endToken) });
    } while (this.accept(','));
  }

  private optionStatement(): ProtoOption {
    const start = this.expect('option');
    const option = this.optionAssignment();
    const end = this.expect(';');
    return { ...option, span: span(start, end) };
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
    const start = this.peek() ?? this.last();
    const parts: string[] = [];
    do {
      if (this.accept('(')) {
        const dot = this.accept('.') ? '.' : '';
        parts.push(`(${dot}${this.fullIdent()})`);
        this.expect(')');
      } else {
        parts.push(this.expectKind('word').text);
      }
    } while (this.accept('.'));
    this.expect('=');
    const { value, kind } = this.optionValue();
    return { name: parts.join('.'), value, kind, span: span(start, this.previous()) };
  }

  private optionValue(): { value: string; kind: ProtoOption['kind'] } {
    const token = this.peek();
    if (!token) this.fail(this.last(), 'expected an option value');
    if (token.text === '{') return { value: this.aggregate(), kind: 'aggregate' };
    if (token.kind === 'string') {
      let value = '';
      while (this.peek()?.kind === 'string') value += this.next().value;
      return { value, kind: 'string' };
    }
    const sign = token.text === '-' || token.text === '+' ? this.next().text : '';
    const value = this.next();
    if (value.kind === 'number') return { value: `${sign === '-' ? '-' : ''}${value.text}`, kind: 'number' };
    if (value.kind === 'word') return { value: `${sign === '-' ? '-' : ''}${value.text}`, kind: sign ? 'number' : 'word' };
    return this.fail(value, `unexpected ${JSON.stringify(value.text)} as an option value`);
  }

  /** A message literal `{ ... }`, kept as its tokens joined by spaces; nesting bounded, read without recursion. */
  private aggregate(): string {
    const opener = this.next();
    const texts: string[] = ['{'];
    let depth = 1;
    while (depth > 0) {
      const token = this.peek();
      if (!token) this.fail(opener, 'unterminated option value "{"');
      this.next();
      if (token.text === '{' || token.text === '[' || token.text === '<') depth++;
      if (token.text === '}' || token.text === ']' || token.text === '>') depth--;
      if (depth > MAX_NESTING) this.fail(token, `option value nested more than ${MAX_NESTING} levels deep`);
      texts.push(token.kind === 'string' ? JSON.stringify(token.value) : token.text);
    }
    return texts.join(' ');
  }

  /** A type reference as written: `int32`, `Foo`, `a.b.Foo`, `.a.b.Foo`. */
  private typeName(): string {
    const dot = this.accept('.') ? '.' : '';
    return dot + this.fullIdent();
  }

  private fullIdent(): string {
    let name = this.expectKind('word').text;
    while (this.peek()?.text === '.' && this.peek(1)?.kind === 'word') {
      this.next();
      name += `.${this.next().text}`;
    }
    return name;
  }

  private integer(token: Token, min: number, max: number): number {
    const text = token.text;
    // Decimal without a leading zero (nearly every number written) needs no pattern.
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
    if (!Number.isInteger(value)) this.fail(token, `expected an integer, found ${JSON.stringify(text)}`);
    if (value < min || value > max) this.fail(token, `${text} is out of range (${min} to ${max})`);
    return value;
  }

  private peek(ahead = 0): Token | undefined {
    while (this.ahead.length <= ahead) {
      const token = this.lexer.next();
      if (!token) return undefined;
      this.ahead.push(token);
    }
    return this.ahead[ahead];
  }

  /** The token taken last (there is one wherever this is called: after something was read). */
  private previous(): Token {
    return this.prev ?? this.last();
  }

  /** The last token of the file once the end is reached (for "expected … at the end" problems). */
  private last(): Token {
    return this.prev ?? { kind: 'symbol', text: '', value: '', line: 1, column: 1, endLine: 1, endColumn: 1 };
  }

  private take(): Token {
    const token = this.ahead.shift()!;
    this.prev = token;
    return token;
  }

  private next(): Token {
    if (!this.peek()) this.fail(this.last(), 'unexpected end of file');
    return this.take();
  }

  private accept(text: string): Token | undefined {
    const token = this.peek();
    if (token?.text !== text || token.kind === 'string') return undefined;
    return this.take();
  }

  private expect(text: string): Token {
    const token = this.peek();
    if (!token) return this.fail(this.last(), `expected ${JSON.stringify(text)} at the end of the file`);
    if (token.text !== text || token.kind === 'string') this.fail(token, `expected ${JSON.stringify(text)}, found ${JSON.stringify(token.text.slice(0, 40))}`);
    return this.take();
  }

  private expectKind(kind: Token['kind']): Token {
    const token = this.peek();
    const what = kind === 'word' ? 'a name' : `a ${kind}`;
    if (!token) return this.fail(this.last(), `expected ${what} at the end of the file`);
    if (token.kind !== kind) this.fail(token, `expected ${what}, found ${JSON.stringify(token.text.slice(0, 40))}`);
    return this.take();
  }

  /** Throws the reader's error at a token or an element's span. */
  private fail(at: { line: number; column: number }, reason: string): never {
    throw new ProtoSyntaxError(this.path, at.line, at.column, reason);
  }
}

function isDecimal(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function span(start: Token, end: Token): Span {
  return { line: start.line, column: start.column, endLine: end.endLine, endColumn: end.endColumn };
}
