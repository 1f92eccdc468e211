import { featureOf } from './proto-index.js';
import type { ProtoEnum, ProtoField, ProtoFile, ProtoMessage, ProtoOption } from './proto-model.js';
import { ProtoSyntaxError } from './proto-syntax-error.js';
import { spanOf } from './proto-span.js';

/** The bounds of each integer scalar, as protoc checks a default against them. */
const INTEGER_BOUNDS: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** What a field is, as far as its default is concerned, before any name is resolved. */
interface DefaultedField {
  type: string;
  repeated: boolean;
  group: boolean;
}

/**
 * Why protoc refuses the `[default = …]` of `field` in a file of `syntax`, judged from the field
 * alone, or undefined. Any default in proto3; a default on a repeated or map field or a group;
 * on a `bool` anything but `true` or `false`; on a `string` or `bytes` anything but a string
 * literal (any escape the reader takes, as protoc takes it in bytes too); on a `float` or
 * `double` anything but a number, `inf` or `nan` (a number past the double range is infinity,
 * as protoc reads it; a hex or octal one past 2^64 - 1 protoc refuses); on an integer scalar
 * anything but an integer literal within the type (an unsigned type takes no minus sign, not even
 * on 0). A field of a named type is judged once the name is resolved (`refuseTreeDefaults`).
 */
export function defaultProblem(syntax: ProtoFile['syntax'], field: DefaultedField, option: ProtoOption): string | undefined {
  if (syntax === 'proto3') return 'explicit default values are not allowed in proto3';
  if (field.repeated) return "repeated fields can't have default values";
  if (field.group) return "messages can't have default values: the field is a group";
  const { kind, value } = option;
  const shown = kind === 'string' ? JSON.stringify(value) : value;
  switch (field.type) {
    case 'bool':
      return kind === 'word' && (value === 'true' || value === 'false') ? undefined : `default ${shown} is not true or false: the field is bool`;
    case 'string':
    case 'bytes':
      return kind === 'string' ? undefined : `default ${shown} is not a string literal: the field is ${field.type}`;
    case 'float':
    case 'double':
      return floatProblem(field.type, option, shown);
  }
  const bounds = INTEGER_BOUNDS[field.type];
  if (!bounds) return undefined;
  const integer = kind === 'number' ? integerValue(value) : undefined;
  if (integer === undefined) return `default ${shown} is not an integer: the field is ${field.type}`;
  if (integer < bounds[0] || integer > bounds[1]) return `default ${value} is out of range for ${field.type} (${bounds[0]} to ${bounds[1]})`;
  // protoc refuses the minus sign itself on an unsigned type: -0 too.
  if (bounds[0] === 0n && value.startsWith('-')) return `default ${value} is negative: the field is ${field.type}, unsigned`;
  return undefined;
}

/** A float or double default: a number, `inf` or `nan`, each with a minus sign or not. */
function floatProblem(type: string, { kind, value }: ProtoOption, shown: string): string | undefined {
  const unsigned = value.startsWith('-') ? value.slice(1) : value;
  if ((kind === 'word' || kind === 'number') && (unsigned === 'inf' || unsigned === 'nan')) return undefined;
  if (kind !== 'number' || !/^[0-9.]/.test(unsigned)) return `default ${shown} is not a number, inf or nan: the field is ${type}`;
  // A leading zero makes a literal hex or octal, and so an integer of at most 64 bits.
  if (/^0[0-9xX]/.test(unsigned)) {
    const integer = integerValue(unsigned);
    if (integer === undefined) return `default ${value} is not a number: with a leading zero it is octal, an integer`;
    if (integer >= 2n ** 64n) return `default ${value} is out of range: a hex or octal literal is at most 2^64 - 1`;
  }
  return undefined;
}

/** A decimal, hex (0x1F) or octal (017) integer literal, with its sign; undefined for anything else. */
function integerValue(text: string): bigint | undefined {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(digits) || /^(0|[1-9][0-9]*)$/.test(digits)) value = BigInt(digits);
  else if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else return undefined;
  return negative ? -value : value;
}

/**
 * Refuses, as protoc does, the defaults the tree's names are needed to judge, in a tree whose
 * names are resolved: on a field of a message type; on a field of an enum type anything but the
 * name of one of that enum's values; and in editions a default on a field of implicit presence
 * (`features.field_presence = IMPLICIT` on the field, a message around it or the file; a field
 * in a oneof, an extension or a message field has presence whatever it says). A field whose type
 * the tree does not declare is judged on its presence alone (protoc refuses its default either
 * way: as a message's, or as one of implicit presence). Throws a ProtoSyntaxError at the first.
 */
export function refuseTreeDefaults(files: readonly ProtoFile[]): void {
  const enums = new LazyEnums(files);
  for (const file of files) {
    for (const extension of file.extensions) if (extension.options.length > 0) refuseDefault(extension, undefined, file, enums);
    // Depth first without recursion; the messages around a field are listed only for a default.
    const stack: Nest[] = file.messages.map((message) => ({ message }));
    while (stack.length > 0) {
      const nest = stack.pop()!;
      for (const field of nest.message.fields) if (field.options.length > 0) refuseDefault(field, nest, file, enums);
      for (const extension of nest.message.extensions) if (extension.options.length > 0) refuseDefault(extension, nest, file, enums);
      for (const message of nest.message.messages) stack.push({ message, up: nest });
    }
  }
}

/** A message with the one around it, if any. */
interface Nest {
  message: ProtoMessage;
  up?: Nest;
}

function refuseDefault(field: ProtoField, nest: Nest | undefined, file: ProtoFile, enums: LazyEnums): void {
  const option = field.options.find((o) => o.name === 'default');
  const problem = option && treeDefaultProblem(field, option, nest, file, enums);
  if (!problem) return;
  const { line, column } = spanOf(file, option);
  throw new ProtoSyntaxError(file.path, line, column, problem);
}

function treeDefaultProblem(field: ProtoField, option: ProtoOption, nest: Nest | undefined, file: ProtoFile, enums: LazyEnums): string | undefined {
  if (field.typeKind === 'message') return `messages can't have default values: the field is ${field.typeName}`;
  if (field.typeKind === 'enum') {
    const shown = option.kind === 'string' ? JSON.stringify(option.value) : option.value;
    if (option.kind !== 'word') return `default ${shown} is not the name of a value of enum ${field.typeName}`;
    const values = enums.get(field.typeName!)?.values;
    if (values && !values.some((v) => v.name === option.value)) return `enum ${field.typeName} has no value named ${option.value}`;
  }
  if (file.syntax !== 'editions' || field.oneof !== undefined || field.extendee !== undefined) return undefined;
  const parents: ProtoMessage[] = [];
  for (let n = nest; n; n = n.up) parents.unshift(n.message);
  if (featureOf('field_presence', field.options, parents, file)?.value === 'IMPLICIT')
    return "implicit presence fields can't specify defaults (features.field_presence is IMPLICIT)";
  return undefined;
}

/** The enums of a tree by full name, gathered when first asked for (few trees have an enum default). */
class LazyEnums {
  private enums: Map<string, ProtoEnum> | undefined;

  constructor(private readonly files: readonly ProtoFile[]) {}

  get(name: string): ProtoEnum | undefined {
    this.enums ??= enumsOf(this.files);
    return this.enums.get(name);
  }
}

/** Every enum of `files` by full name. */
function enumsOf(files: readonly ProtoFile[]): Map<string, ProtoEnum> {
  const enums = new Map<string, ProtoEnum>();
  for (const file of files) {
    for (const e of file.enums) enums.set(e.fullName, e);
    const stack = [...file.messages];
    while (stack.length > 0) {
      const message = stack.pop()!;
      for (const e of message.enums) enums.set(e.fullName, e);
      stack.push(...message.messages);
    }
  }
  return enums;
}
