import { type FieldFacts, fieldFacts, jsonNameOf, typesCompatible, utf8Validation } from './field-facts.js';
import type { EmitChange } from './proto-change.js';
import { optionOf, type Placed, type ProtoIndex } from './proto-index.js';
import type { Extent, ProtoField } from './proto-model.js';
import { spanOf } from './proto-span.js';

/** The two trees of a diff and where their checks report. */
export interface DiffContext {
  previous: ProtoIndex;
  current: ProtoIndex;
  emit: EmitChange;
}

/** The field rules on one field (or extension) present on both sides: name, JSON name, type, cardinality, oneof, options. */
export function checkField(
  before: Placed<ProtoField>,
  after: Placed<ProtoField>,
  where: string,
  context: DiffContext,
  names: [before: string, after: string] = [before.node.name, after.node.name],
): void {
  if (names[0] === names[1] && writtenAlike(before, after)) return;
  const { emit } = context;
  const was = fieldFacts(before, context.previous);
  const is = fieldFacts(after, context.current);
  const field = after.node;
  const path = after.file.path;
  const subject = { subjectPath: before.file.path, subjectPackage: before.file.package };
  const at = (extent: Extent = field) => ({ path, span: spanOf(after.file, extent), ...subject });
  const label = `Field "${field.number}" on ${where}`;
  // An extension's name is its full name: one moved to another scope is renamed.
  if (names[0] !== names[1])
    emit('FIELD_SAME_NAME', `${label} changed name from "${names[0]}" to "${names[1]}".`, at({ start: field.nameStart, end: field.nameEnd }));
  if (field.extendee === undefined && jsonNameOf(before.node) !== jsonNameOf(field))
    emit(
      'FIELD_SAME_JSON_NAME',
      `${label} changed option "json_name" from "${jsonNameOf(before.node)}" to "${jsonNameOf(field)}".`,
      at(optionOf(field.options, 'json_name')),
    );
  checkType(was, is, label, at({ start: field.typeStart, end: field.typeEnd }), context);
  if (was.cardinality !== is.cardinality) {
    const message = `${label} changed cardinality from "${was.cardinality}" to "${is.cardinality}".`;
    emit('FIELD_SAME_CARDINALITY', message, at());
    const pair = new Set([was.cardinality, is.cardinality]);
    const presenceOnly = pair.has('implicit') && pair.has('explicit');
    if (!presenceOnly && !(pair.has('repeated') && pair.has('map'))) emit('FIELD_WIRE_COMPATIBLE_CARDINALITY', message, at());
    if (!presenceOnly) emit('FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', message, at());
  }
  if ((before.node.oneof ?? '') !== (field.oneof ?? ''))
    emit('FIELD_SAME_ONEOF', `${label} moved from oneof "${before.node.oneof ?? ''}" to oneof "${field.oneof ?? ''}".`, at());
  checkOptions(was, is, label, at, emit);
  checkDefault(was, is, label, at, context);
}

function checkType(was: FieldFacts, is: FieldFacts, label: string, site: Parameters<EmitChange>[2], context: DiffContext): void {
  if (was.kind === is.kind && was.typeName === is.typeName) return;
  const shown = (facts: FieldFacts) => facts.typeName ?? facts.kind;
  const message = `${label} changed type from "${shown(was)}" to "${shown(is)}".`;
  context.emit('FIELD_SAME_TYPE', message, site);
  if (!typesCompatible(was, is, false, context)) context.emit('FIELD_WIRE_COMPATIBLE_TYPE', message, site);
  if (!typesCompatible(was, is, true, context)) context.emit('FIELD_WIRE_JSON_COMPATIBLE_TYPE', message, site);
}

/**
 * Whether a field is written alike on both sides with nothing around it that its rules read (no
 * options, proto2 or proto3 alike, the same file-level Java UTF-8 option): no field rule can then
 * fire, and its checks are skipped — most fields of a release are such, many thousands in a fleet.
 */
function writtenAlike(before: Placed<ProtoField>, after: Placed<ProtoField>): boolean {
  const [a, b] = [before.node, after.node];
  return (
    a.name === b.name &&
    a.type === b.type &&
    a.typeName === b.typeName &&
    a.typeKind === b.typeKind &&
    a.label === b.label &&
    a.oneof === b.oneof &&
    a.extendee === b.extendee &&
    a.extendeeName === b.extendeeName &&
    a.options.length === 0 &&
    b.options.length === 0 &&
    !a.map &&
    !b.map &&
    !a.group &&
    !b.group &&
    before.file.syntax === after.file.syntax &&
    before.file.syntax !== 'editions' &&
    optionOf(before.file.options, 'java_string_check_utf8')?.value === optionOf(after.file.options, 'java_string_check_utf8')?.value
  );
}

type Site = Parameters<EmitChange>[2];
type Report = (rule: string, what: string, before: string, after: string, option?: Extent) => void;

function checkOptions(was: FieldFacts, is: FieldFacts, label: string, at: (extent?: Extent) => Site, emit: EmitChange): void {
  const report: Report = (rule, what, before, after, option) => {
    if (before !== after) emit(rule, `${label} changed ${what} from "${before}" to "${after}".`, at(option));
  };
  const stringLike = (facts: FieldFacts) => facts.kind === 'string' || facts.kind === 'bytes';
  const jstype = (facts: FieldFacts) => optionOf(facts.field.options, 'jstype');
  report('FIELD_SAME_JSTYPE', 'option "jstype"', jstype(was)?.value ?? 'JS_NORMAL', jstype(is)?.value ?? 'JS_NORMAL', jstype(is));
  if (stringLike(was) && stringLike(is)) {
    const cpp = (facts: FieldFacts) => optionOf(facts.field.options, 'ctype') ?? optionOf(facts.field.options, 'features.(pb.cpp).string_type');
    const normal = (value: string | undefined) => (value === undefined || value === 'STRING' ? 'STRING' : value === 'STRING_PIECE' ? 'VIEW' : value);
    report('FIELD_SAME_CPP_STRING_TYPE', 'C++ string type', normal(cpp(was)?.value), normal(cpp(is)?.value), cpp(is));
  }
  if (was.kind === 'string' && is.kind === 'string') {
    const before = utf8Validation(was);
    const after = utf8Validation(is);
    report('FIELD_SAME_UTF8_VALIDATION', 'UTF-8 validation', before.value, after.value, after.option);
    const java = (facts: FieldFacts) =>
      optionOf(facts.field.options, 'features.(pb.java).utf8_validation')?.value ??
      (optionOf(facts.file.options, 'java_string_check_utf8')?.value === 'true' ? 'VERIFY' : 'DEFAULT');
    report('FIELD_SAME_JAVA_UTF8_VALIDATION', 'Java UTF-8 validation', java(was), java(is));
  }
}

/**
 * FIELD_SAME_DEFAULT: the value a reader assumes for an absent field. Compared as values, so a
 * type change that keeps the value (bool true to int32 1, an enum value to its number) is no change;
 * an unset default is the type's zero value (an enum's first value).
 */
function checkDefault(was: FieldFacts, is: FieldFacts, label: string, at: (extent?: Extent) => Site, context: DiffContext): void {
  const defaultOf = (facts: FieldFacts) => optionOf(facts.field.options, 'default');
  if (was.cardinality === 'repeated' || is.cardinality === 'repeated' || (!defaultOf(was) && !defaultOf(is))) return;
  const before = defaultValue(defaultOf(was)?.value, was, context.previous);
  const after = defaultValue(defaultOf(is)?.value, is, context.current);
  if (before !== after) context.emit('FIELD_SAME_DEFAULT', `${label} changed default value from ${before} to ${after}.`, at(defaultOf(is)));
}

function defaultValue(value: string | undefined, facts: FieldFacts, index: ProtoIndex): string {
  if (facts.kind === 'string' || facts.kind === 'bytes') return JSON.stringify(value ?? '');
  if (facts.kind === 'enum') {
    const values = index.enums.get(facts.typeName ?? '')?.node.values ?? [];
    const chosen = value === undefined ? values[0] : values.find((v) => v.name === value);
    return String(chosen?.number ?? value ?? 0);
  }
  if (value === undefined || value === 'false') return '0';
  if (value === 'true') return '1';
  // protoc reads a float literal past the double range as infinity: 1e99999 and inf are one default.
  const number = /^-?inf$/.test(value) ? (value.startsWith('-') ? -Infinity : Infinity) : Number(value);
  return Number.isNaN(number) && !/nan/i.test(value) ? value : String(number);
}
