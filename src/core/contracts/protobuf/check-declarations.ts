import { type DiffContext, checkField } from './check-field.js';
import { featureOf, optionOf, type Placed } from './proto-index.js';
import { spanOf } from './proto-span.js';
import {
  type Extent,
  type NumberRange,
  type ProtoEnum,
  type ProtoField,
  type ProtoFile,
  type ProtoMessage,
  type ProtoService,
  SCALAR_TYPES,
} from './proto-model.js';

/** The message rules on every message present on both sides (by full name), and the field rules on its fields paired by number. */
export function checkMessages(context: DiffContext): void {
  const { previous, current, emit } = context;
  for (const [name, before] of previous.messages) {
    const after = current.messages.get(name);
    if (!after || unchanged(before.node, after.node)) continue;
    const m = after.node;
    const path = after.file.path;
    const subject = { subjectPath: before.file.path, subjectPackage: before.file.package };
    const at = (extent: Extent = m) => ({ path, span: spanOf(after.file, extent), ...subject });
    const fields = new Map(m.fields.map((f) => [f.number, f]));
    const parentsBefore = [...before.parents, before.node];
    const parentsAfter = [...after.parents, m];
    const where = `message "${name}"`;
    for (const field of before.node.fields) {
      const kept = fields.get(field.number);
      if (kept) {
        checkField({ node: field, file: before.file, parents: parentsBefore }, { node: kept, file: after.file, parents: parentsAfter }, where, context);
        continue;
      }
      const message = `Previously present field "${field.number}" with name "${field.name}" on message "${m.name}" was deleted.`;
      emit('FIELD_NO_DELETE', message, at());
      if (!covered(m.reservedRanges, field.number, field.number))
        emit('FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', `${message.slice(0, -1)} without reserving the number "${field.number}".`, at());
      if (!m.reservedNames.includes(field.name))
        emit('FIELD_NO_DELETE_UNLESS_NAME_RESERVED', `${message.slice(0, -1)} without reserving the name "${field.name}".`, at());
    }
    const oneofs = new Set(m.oneofs.map((o) => o.name));
    for (const oneof of before.node.oneofs)
      if (!oneofs.has(oneof.name)) emit('ONEOF_NO_DELETE', `Previously present oneof "${oneof.name}" on message "${m.name}" was deleted.`, at());
    checkReserved('RESERVED_MESSAGE_NO_DELETE', `message "${m.name}"`, before.node, m, (rule, message) => emit(rule, message, at()));
    for (const range of before.node.extensionRanges)
      if (!covered(m.extensionRanges, range.start, range.end))
        emit('EXTENSION_MESSAGE_NO_DELETE', `Previously present extension range "${rangeText(range)}" on message "${m.name}" was deleted.`, at());
    const jsonFormat = (placed: Placed<ProtoMessage>) => jsonFormatOf(placed.node.options, placed.parents, placed.file);
    if (jsonFormat(before).value === 'ALLOW' && jsonFormat(after).value !== 'ALLOW')
      emit(
        'MESSAGE_SAME_JSON_FORMAT',
        `Message "${m.name}" changed its JSON format from "ALLOW" to "${jsonFormat(after).value}".`,
        at(ownFeature(m.options, 'json_format')),
      );
    const accessor = (message: ProtoMessage) => optionOf(message.options, 'no_standard_descriptor_accessor')?.value === 'true';
    if (!accessor(before.node) && accessor(m))
      emit(
        'MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR',
        `Message "${m.name}" set option "no_standard_descriptor_accessor" to true.`,
        at(optionOf(m.options, 'no_standard_descriptor_accessor')),
      );
    const required = (message: ProtoMessage, file: ProtoFile, parents: ProtoMessage[]) =>
      new Set(
        message.fields
          .filter(
            (f) =>
              f.label === 'required' ||
              (file.syntax === 'editions' && featureOf('field_presence', f.options, [...parents, message], file)?.value === 'LEGACY_REQUIRED'),
          )
          .map((f) => f.number),
      );
    const requiredBefore = required(before.node, before.file, before.parents);
    const requiredAfter = required(m, after.file, after.parents);
    for (const number of requiredBefore)
      if (!requiredAfter.has(number)) emit('MESSAGE_SAME_REQUIRED_FIELDS', `Message "${m.name}" had required field "${number}" removed.`, at());
    for (const number of requiredAfter)
      if (!requiredBefore.has(number))
        emit('MESSAGE_SAME_REQUIRED_FIELDS', `Message "${m.name}" had required field "${number}" added.`, at(fields.get(number)));
  }
  // An extension is the field of its extendee with its number, whatever its name or scope.
  const extensionKey = (placed: Placed<ProtoField>) => `${placed.node.extendeeName ?? placed.node.extendee} ${placed.node.number}`;
  const extensions = new Map([...current.extensions].map(([name, placed]) => [extensionKey(placed), { name, placed }]));
  for (const [name, before] of previous.extensions) {
    const after = extensions.get(extensionKey(before));
    if (after && !(name === after.name && selfContained(before.node) && before.node === after.placed.node))
      checkField(before, after.placed, `extension "${name}"`, context, [name, after.name]);
  }
}

/** The enum rules on every enum present on both sides (by full name). */
export function checkEnums(context: DiffContext): void {
  const { previous, current, emit } = context;
  for (const [name, before] of previous.enums) {
    const after = current.enums.get(name);
    // The same object on both sides (a file shared by the two trees) has nothing to report.
    if (!after || before.node === after.node) continue;
    const e = after.node;
    const subject = { subjectPath: before.file.path, subjectPackage: before.file.package };
    const at = (extent: Extent = e) => ({ path: after.file.path, span: spanOf(after.file, extent), ...subject });
    const numbers = new Map<number, string[]>();
    for (const value of e.values) numbers.set(value.number, [...(numbers.get(value.number) ?? []), value.name]);
    const reported = new Set<number>();
    for (const value of before.node.values) {
      const names = numbers.get(value.number);
      if (!names) {
        if (reported.has(value.number)) continue;
        reported.add(value.number);
        const message = `Previously present enum value "${value.number}" on enum "${e.name}" was deleted.`;
        emit('ENUM_VALUE_NO_DELETE', message, at());
        if (!covered(e.reservedRanges, value.number, value.number))
          emit('ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', `${message.slice(0, -1)} without reserving the number.`, at());
        if (!e.reservedNames.includes(value.name))
          emit('ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED', `${message.slice(0, -1)} without reserving the name "${value.name}".`, at());
      } else if (!names.includes(value.name) && !reported.has(value.number)) {
        // Every value now bound to the number is reported (aliases included), once per number.
        reported.add(value.number);
        for (const now of e.values.filter((v) => v.number === value.number))
          emit(
            'ENUM_VALUE_SAME_NAME',
            `Enum value "${value.number}" on enum "${e.name}" changed name from "${value.name}" to "${now.name}".`,
            at({ start: now.numberStart, end: now.numberEnd }),
          );
      }
    }
    checkReserved('RESERVED_ENUM_NO_DELETE', `enum "${e.name}"`, before.node, e, (rule, message) => emit(rule, message, at()));
    const enumType = (placed: Placed<ProtoEnum>) =>
      placed.file.syntax === 'proto2'
        ? 'CLOSED'
        : placed.file.syntax === 'proto3'
          ? 'OPEN'
          : (featureOf('enum_type', placed.node.options, placed.parents, placed.file)?.value ?? 'OPEN');
    if (enumType(before) !== enumType(after))
      emit(
        'ENUM_SAME_TYPE',
        `Enum "${e.name}" changed from ${enumType(before).toLowerCase()} to ${enumType(after).toLowerCase()}.`,
        at(ownFeature(e.options, 'enum_type')),
      );
    const jsonFormat = (placed: Placed<ProtoEnum>) => jsonFormatOf(placed.node.options, placed.parents, placed.file).value;
    if (jsonFormat(before) === 'ALLOW' && jsonFormat(after) !== 'ALLOW')
      emit(
        'ENUM_SAME_JSON_FORMAT',
        `Enum "${e.name}" changed its JSON format from "ALLOW" to "${jsonFormat(after)}".`,
        at(ownFeature(e.options, 'json_format')),
      );
  }
}

/** The service and method rules on every service present on both sides (by full name). */
export function checkServices(context: DiffContext): void {
  const { previous, current, emit } = context;
  for (const [name, before] of previous.services) {
    const after = current.services.get(name);
    if (!after || before.node === after.node) continue;
    const s: ProtoService = after.node;
    const subject = { subjectPath: before.file.path, subjectPackage: before.file.package };
    const at = (extent: Extent = s) => ({ path: after.file.path, span: spanOf(after.file, extent), ...subject });
    const methods = new Map(s.methods.map((m) => [m.name, m]));
    for (const was of before.node.methods) {
      const is = methods.get(was.name);
      if (!is) {
        emit('RPC_NO_DELETE', `Previously present RPC "${was.name}" on service "${s.name}" was deleted.`, at());
        continue;
      }
      const label = `RPC "${is.name}" on service "${s.name}"`;
      const streaming = (flag: boolean) => (flag ? 'streaming' : 'unary');
      if (was.clientStreaming !== is.clientStreaming)
        emit('RPC_SAME_CLIENT_STREAMING', `${label} changed from client ${streaming(was.clientStreaming)} to client ${streaming(is.clientStreaming)}.`, at(is));
      if (was.serverStreaming !== is.serverStreaming)
        emit('RPC_SAME_SERVER_STREAMING', `${label} changed from server ${streaming(was.serverStreaming)} to server ${streaming(is.serverStreaming)}.`, at(is));
      if ((was.inputName ?? was.input) !== (is.inputName ?? is.input))
        emit(
          'RPC_SAME_REQUEST_TYPE',
          `${label} changed request type from "${was.inputName ?? was.input}" to "${is.inputName ?? is.input}".`,
          at({ start: is.inputStart, end: is.inputEnd }),
        );
      if ((was.outputName ?? was.output) !== (is.outputName ?? is.output))
        emit(
          'RPC_SAME_RESPONSE_TYPE',
          `${label} changed response type from "${was.outputName ?? was.output}" to "${is.outputName ?? is.output}".`,
          at({ start: is.outputStart, end: is.outputEnd }),
        );
      const level = (options: typeof was.options) => optionOf(options, 'idempotency_level');
      const before = level(was.options)?.value ?? 'IDEMPOTENCY_UNKNOWN';
      const after = level(is.options)?.value ?? 'IDEMPOTENCY_UNKNOWN';
      if (before !== after)
        emit('RPC_SAME_IDEMPOTENCY_LEVEL', `${label} changed option "idempotency_level" from "${before}" to "${after}".`, at(level(is.options) ?? is));
    }
  }
}

/**
 * A message that is the very same object on both sides (its file shared by the two trees, so its
 * file, parents and resolved names too) and whose fields need nothing else of either tree: no
 * rule can fire on it.
 */
function unchanged(before: ProtoMessage, after: ProtoMessage): boolean {
  return before === after && before.fields.every(selfContained);
}

/** A field whose facts come from itself alone: its type resolved (or scalar), and no default to look up in an enum. */
function selfContained(field: ProtoField): boolean {
  if (field.map) return SCALAR_TYPES.has(field.map.value) || field.map.valueKind !== undefined;
  if (SCALAR_TYPES.has(field.type)) return true;
  return field.typeKind !== undefined && !field.options.some((o) => o.name === 'default');
}

function checkReserved(
  rule: string,
  what: string,
  before: { reservedRanges: NumberRange[]; reservedNames: string[] },
  after: typeof before,
  emit: (rule: string, message: string) => void,
): void {
  for (const range of before.reservedRanges)
    if (!covered(after.reservedRanges, range.start, range.end)) emit(rule, `Previously present reserved range "${rangeText(range)}" on ${what} is missing.`);
  for (const name of before.reservedNames)
    if (!after.reservedNames.includes(name)) emit(rule, `Previously present reserved name "${name}" on ${what} is missing.`);
}

/** True when every number from `start` to `end` is inside one of `ranges`. */
function covered(ranges: readonly NumberRange[], start: number, end: number): boolean {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let next = start;
  for (const range of sorted) {
    if (range.start > next) break;
    if (range.end >= next) next = range.end + 1;
    if (next > end) return true;
  }
  return next > end;
}

function rangeText(range: NumberRange): string {
  return range.start === range.end ? `${range.start}` : `${range.start} to ${range.end}`;
}

/** The JSON format of a message or enum: ALLOW in proto3, LEGACY_BEST_EFFORT in proto2, the json_format feature in editions. */
function jsonFormatOf(options: ProtoMessage['options'], parents: readonly ProtoMessage[], file: ProtoFile): { value: string } {
  if (file.syntax === 'proto2') return { value: 'LEGACY_BEST_EFFORT' };
  if (file.syntax === 'proto3') return { value: 'ALLOW' };
  return { value: featureOf('json_format', options, parents, file)?.value ?? 'ALLOW' };
}

/** The `option features.<name> = …;` statement on the element itself, if it has one. */
function ownFeature(options: ProtoMessage['options'], name: string) {
  return optionOf(options, `features.${name}`);
}
