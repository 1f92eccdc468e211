/** Where an element of a .proto file is: 1-based line and column of its start, its end exclusive. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * Where an element is in its file's text: the offset of its first character and the offset just
 * past its last (in UTF-16 code units, as the text is indexed). Kept as offsets, two numbers in the
 * element, and turned into a Span (`spanOf`) only where a change is reported: a file holds
 * thousands of elements, and a change is reported at a few.
 */
export interface Extent {
  start: number;
  end: number;
}

/**
 * An option as written: `name` with its parts joined by dots and extension names kept in
 * parentheses (`java_package`, `features.enum_type`, `(my.ext).field`), its value as text (a
 * string literal decoded, an aggregate `{...}` as its tokens joined by spaces), and its extent the
 * whole option (`option x = 1;` statement, or `x = 1` inside a field's brackets).
 */
export interface ProtoOption extends Extent {
  name: string;
  value: string;
  /** What the value was written as: a string literal, an identifier (enum value, true/false), a number or an aggregate. */
  kind: 'string' | 'word' | 'number' | 'aggregate';
}

/** A range of numbers (both ends included) reserved or open to extensions, written at `at`. */
export interface NumberRange {
  start: number;
  end: number;
  at: Extent;
}

export type Label = 'optional' | 'required' | 'repeated';

/**
 * A field as written: in a message, a oneof or an `extend` block. `type` is the type as written
 * (`int32`, `.a.B`, `B`); `typeName` its fully-qualified name once resolved (`a.B`), absent for
 * scalars and for names the tree does not declare (a well-known type without its file); `map`
 * holds key and value types for a `map<K, V>` field. `group` is set for a proto2 group. Its
 * extent is the whole declaration; its name, number and type have their own.
 */
export interface ProtoField extends Extent {
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
  nameStart: number;
  nameEnd: number;
  numberStart: number;
  numberEnd: number;
  typeStart: number;
  typeEnd: number;
}

export interface ProtoOneof extends Extent {
  name: string;
  options: ProtoOption[];
}

export interface ProtoMessage extends Extent {
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
  /** Set for the message a proto2 group or a map field implies. */
  implicit?: 'group' | 'map';
}

export interface ProtoEnumValue extends Extent {
  name: string;
  number: number;
  options: ProtoOption[];
  /** The number with its sign. */
  numberStart: number;
  numberEnd: number;
}

export interface ProtoEnum extends Extent {
  name: string;
  fullName: string;
  values: ProtoEnumValue[];
  reservedRanges: NumberRange[];
  reservedNames: string[];
  options: ProtoOption[];
}

export interface ProtoMethod extends Extent {
  name: string;
  input: string;
  inputName?: string;
  output: string;
  outputName?: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  options: ProtoOption[];
  inputStart: number;
  inputEnd: number;
  outputStart: number;
  outputEnd: number;
}

export interface ProtoService extends Extent {
  name: string;
  fullName: string;
  methods: ProtoMethod[];
  options: ProtoOption[];
}

interface ProtoImport extends Extent {
  path: string;
  modifier?: 'public' | 'weak';
}

/**
 * One .proto file read: `path` as the tree names it (relative to its root, `/`-separated),
 * `syntax` proto2 (also when the file says nothing), proto3 or editions with the `edition`
 * year; top-level declarations in file order; `text` what it was read from, which the extents
 * of its elements index. Plain data.
 */
export interface ProtoFile {
  path: string;
  text: string;
  syntax: 'proto2' | 'proto3' | 'editions';
  edition?: string;
  syntaxAt?: Extent;
  package?: string;
  packageAt?: Extent;
  imports: ProtoImport[];
  options: ProtoOption[];
  messages: ProtoMessage[];
  enums: ProtoEnum[];
  services: ProtoService[];
  extensions: ProtoField[];
}

/** A message with nothing declared in it yet, from `start` to `end`. */
export function emptyMessage(name: string, fullName: string, start: number, end: number): ProtoMessage {
  return {
    start,
    end,
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
