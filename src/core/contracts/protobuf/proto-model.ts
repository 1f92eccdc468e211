/** Where an element of a .proto file is: 1-based line and column of its start, its end exclusive. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * An option as written: `name` with its parts joined by dots and extension names kept in
 * parentheses (`java_package`, `features.enum_type`, `(my.ext).field`), its value as text (a
 * string literal decoded, an aggregate `{...}` as its tokens joined by spaces), and `span` the
 * whole option (`option x = 1;` statement, or `x = 1` inside a field's brackets).
 */
export interface ProtoOption {
  name: string;
  value: string;
  /** What the value was written as: a string literal, an identifier (enum value, true/false), a number or an aggregate. */
  kind: 'string' | 'word' | 'number' | 'aggregate';
  span: Span;
}

/** A range of numbers (both ends included) reserved or open to extensions. */
export interface NumberRange {
  start: number;
  end: number;
  span: Span;
}

export type Label = 'optional' | 'required' | 'repeated';

/**
 * A field as written: in a message, a oneof or an `extend` block. `type` is the type as written
 * (`int32`, `.a.B`, `B`); `typeName` its fully-qualified name once resolved (`a.B`), absent for
 * scalars and for names the tree does not declare (a well-known type without its file); `map`
 * holds key and value types for a `map<K, V>` field. `group` is set for a proto2 group.
 */
export interface ProtoField {
  name: string;
  number: number;
  label?: Label;
  type: string;
  typeName?: string;
  typeKind?: 'message' | 'enum';
  map?: { key: string; value: string; valueTypeName?: string; valueKind?: 'message' | 'enum' };
  group?: boolean;
  oneof?: string;
  /** For an extension: the message it extends, as written and resolved. */
  extendee?: string;
  extendeeName?: string;
  options: ProtoOption[];
  span: Span;
  nameSpan: Span;
  numberSpan: Span;
  typeSpan: Span;
}

export interface ProtoOneof {
  name: string;
  options: ProtoOption[];
  span: Span;
}

export interface ProtoMessage {
  name: string;
  fullName: string;
  fields: ProtoField[];
  oneofs: ProtoOneof[];
  messages: ProtoMessage[];
  enums: ProtoEnum[];
  extensions: ProtoField[];
  reservedRanges: NumberRange[];
  reservedNames: string[];
  extensionRanges: NumberRange[];
  options: ProtoOption[];
  span: Span;
  /** Set for the message a proto2 group or a map field implies. */
  implicit?: 'group' | 'map';
}

export interface ProtoEnumValue {
  name: string;
  number: number;
  options: ProtoOption[];
  span: Span;
  numberSpan: Span;
}

export interface ProtoEnum {
  name: string;
  fullName: string;
  values: ProtoEnumValue[];
  reservedRanges: NumberRange[];
  reservedNames: string[];
  options: ProtoOption[];
  span: Span;
}

export interface ProtoMethod {
  name: string;
  input: string;
  inputName?: string;
  output: string;
  outputName?: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  options: ProtoOption[];
  span: Span;
  inputSpan: Span;
  outputSpan: Span;
}

export interface ProtoService {
  name: string;
  fullName: string;
  methods: ProtoMethod[];
  options: ProtoOption[];
  span: Span;
}

interface ProtoImport {
  path: string;
  modifier?: 'public' | 'weak';
  span: Span;
}

/**
 * One .proto file read: `path` as the tree names it (relative to its root, `/`-separated),
 * `syntax` proto2 (also when the file says nothing), proto3 or editions with the `edition`
 * year; top-level declarations in file order. Plain data.
 */
export interface ProtoFile {
  path: string;
  syntax: 'proto2' | 'proto3' | 'editions';
  edition?: string;
  syntaxSpan?: Span;
  package?: string;
  packageSpan?: Span;
  imports: ProtoImport[];
  options: ProtoOption[];
  messages: ProtoMessage[];
  enums: ProtoEnum[];
  services: ProtoService[];
  extensions: ProtoField[];
}

/** A message with nothing declared in it yet, at `span`. */
export function emptyMessage(name: string, fullName: string, span: Span): ProtoMessage {
  return {
    name,
    fullName,
    fields: [],
    oneofs: [],
    messages: [],
    enums: [],
    extensions: [],
    reservedRanges: [],
    reservedNames: [],
    extensionRanges: [],
    options: [],
    span,
  };
}

/** The scalar value types of protobuf: every other field type names a message or an enum. */
export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);
