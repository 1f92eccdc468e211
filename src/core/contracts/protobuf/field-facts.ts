import type { Placed, ProtoIndex } from './proto-index.js';
import { featureOf, mapEntryName, optionOf } from './proto-index.js';
import { SCALAR_TYPES, type ProtoField, type ProtoFile, type ProtoMessage } from './proto-model.js';

/**
 * What a field is on the wire and in generated code, as protobuf compilers resolve it: its type
 * (a scalar, or message/enum/group with a full name — a map field is a message, its entry; an
 * editions field with DELIMITED encoding a group), its cardinality and its features.
 */
export interface FieldFacts {
  kind: string;
  typeName?: string;
  cardinality: 'implicit' | 'explicit' | 'required' | 'repeated' | 'map';
  field: ProtoField;
  file: ProtoFile;
  parents: readonly ProtoMessage[];
}

export function fieldFacts(placed: Placed<ProtoField>, index: ProtoIndex): FieldFacts {
  const { node: field, file, parents } = placed;
  const owner = parents[parents.length - 1];
  let kind: string;
  let typeName: string | undefined;
  if (field.map && owner) {
    kind = 'message';
    typeName = mapEntryName(owner, field);
  } else if (field.group) {
    kind = 'group';
    typeName = field.typeName ?? field.type;
  } else if (field.typeKind || field.typeName || !SCALAR_TYPES.has(field.type)) {
    typeName = field.typeName ?? field.type.replace(/^\./, '');
    kind = field.typeKind === 'enum' || index.enums.has(typeName) ? 'enum' : 'message';
    if (kind === 'message' && file.syntax === 'editions' && featureOf('message_encoding', field.options, parents, file)?.value === 'DELIMITED') kind = 'group';
  } else {
    kind = field.type;
  }
  return { kind, ...(typeName !== undefined ? { typeName } : {}), cardinality: cardinalityOf(field, kind, file, parents), field, file, parents };
}

function cardinalityOf(field: ProtoField, kind: string, file: ProtoFile, parents: readonly ProtoMessage[]): FieldFacts['cardinality'] {
  if (field.map) return 'map';
  if (field.label === 'repeated') return 'repeated';
  if (field.label === 'required') return 'required';
  const presenceAlways = kind === 'message' || kind === 'group' || field.oneof !== undefined || field.extendee !== undefined;
  if (file.syntax === 'editions') {
    const presence = featureOf('field_presence', field.options, parents, file)?.value;
    if (presence === 'LEGACY_REQUIRED') return 'required';
    return presence === 'IMPLICIT' && !presenceAlways ? 'implicit' : 'explicit';
  }
  if (file.syntax === 'proto3') return field.label === 'optional' || presenceAlways ? 'explicit' : 'implicit';
  return 'explicit';
}

/** Whether strings are checked for UTF-8 when parsed: VERIFY or NONE (proto2 never, proto3 always, editions per feature). */
export function utf8Validation(facts: FieldFacts): { value: string; option?: ReturnType<typeof optionOf> } {
  const { file, field, parents } = facts;
  if (file.syntax === 'proto2') return { value: 'NONE' };
  if (file.syntax === 'proto3') return { value: 'VERIFY' };
  const option = featureOf('utf8_validation', field.options, parents, file);
  return { value: option?.value ?? 'VERIFY', option: optionOf(field.options, 'features.utf8_validation') };
}

/** The name a field has in JSON: its json_name, else its name in lowerCamelCase. */
export function jsonNameOf(field: ProtoField): string {
  const option = field.options.length > 0 ? optionOf(field.options, 'json_name') : undefined;
  if (option) return option.value;
  if (!field.name.includes('_')) return field.name;
  // `_x` becomes `X` and other underscores go, as protoc does; a loop, not a regular expression: a fleet's trees hold many thousands of names.
  let name = '';
  let afterUnderscore = false;
  for (const c of field.name) {
    if (c === '_') afterUnderscore = true;
    else {
      name += afterUnderscore && c >= 'a' && c <= 'z' ? c.toUpperCase() : c;
      afterUnderscore = false;
    }
  }
  return name;
}

/** Scalar types that read each other's binary encoding. */
const WIRE_GROUPS = [
  ['int32', 'uint32', 'int64', 'uint64', 'bool', 'enum'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
];
/** Scalar types that read each other's binary and JSON encodings (64-bit integers are JSON strings, 32-bit ones numbers). */
const WIRE_JSON_GROUPS = [
  ['int32', 'uint32'],
  ['int64', 'uint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
];

/** Whether a field of type `before` reads values written as `after`, on the wire (and in JSON when `json`). */
export function typesCompatible(before: FieldFacts, after: FieldFacts, json: boolean, index: { previous: ProtoIndex; current: ProtoIndex }): boolean {
  if (before.kind === after.kind && before.typeName === after.typeName) return true;
  if (before.kind === 'enum' && after.kind === 'enum') {
    if (!json) return true;
    const was = index.previous.enums.get(before.typeName!)?.node;
    const is = index.current.enums.get(after.typeName!)?.node;
    if (!was || !is) return false;
    return was.values.every((v) => is.values.some((w) => w.number === v.number && w.name === v.name));
  }
  const groups = json ? WIRE_JSON_GROUPS : WIRE_GROUPS;
  return groups.some((group) => group.includes(before.kind) && group.includes(after.kind));
}
