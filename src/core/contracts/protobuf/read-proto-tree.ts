import { SCALAR_TYPES, type ProtoField, type ProtoFile, type ProtoMessage } from './proto-model.js';
import { ProtoSyntaxError } from './proto-syntax-error.js';
import { parseProto } from './parse-proto.js';

/** A .proto file as the reader gathered it: its path relative to the tree's root (`/`-separated) and its text. */
export interface ProtoSource {
  path: string;
  text: string;
}

/** The files of one tree, parsed and with every type reference qualified; in the order given. */
export interface ProtoTree {
  files: ProtoFile[];
}

/** Imports that protobuf compilers supply themselves; a tree need not hold them. */
const WELL_KNOWN = /^google\/protobuf\//;

/**
 * Parses every file of a tree and resolves the type names of fields, map values, extendees and
 * methods to fully-qualified names (protobuf's scoping: innermost scope first). An import must
 * be a file of the tree unless it is one of google/protobuf/*; a missing one is a
 * ProtoSyntaxError at the import. A name the tree does not declare (a well-known type) stays as
 * written, without its leading dot.
 */
export function readProtoTree(sources: readonly ProtoSource[]): ProtoTree {
  const files = sources.map((source) => parseProto(source.text, source.path));
  const paths = new Set(files.map((file) => file.path));
  for (const file of files)
    for (const imported of file.imports)
      if (!paths.has(imported.path) && !WELL_KNOWN.test(imported.path))
        throw new ProtoSyntaxError(file.path, imported.span.line, imported.span.column, `import ${JSON.stringify(imported.path)} is not a file of the tree`);
  const symbols = new Map<string, 'message' | 'enum' | 'package'>();
  for (const file of files) {
    const parts = file.package?.split('.') ?? [];
    for (let i = 1; i <= parts.length; i++) symbols.set(parts.slice(0, i).join('.'), 'package');
    walkMessages(file.messages, (message) => {
      symbols.set(message.fullName, 'message');
      for (const e of message.enums) symbols.set(e.fullName, 'enum');
    });
    for (const e of file.enums) symbols.set(e.fullName, 'enum');
  }
  const resolve = (name: string, scope: string): string | undefined => {
    if (name.startsWith('.')) return symbols.has(name.slice(1)) ? name.slice(1) : undefined;
    const first = name.split('.')[0]!;
    for (let s = scope; ; s = s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : '') {
      const candidate = s ? `${s}.${first}` : first;
      if (symbols.has(candidate)) {
        const full = s ? `${s}.${name}` : name;
        const kind = symbols.get(full);
        return kind === 'message' || kind === 'enum' ? full : undefined;
      }
      if (!s) return undefined;
    }
  };
  const kindOf = (name: string | undefined) => (name ? (symbols.get(name) as 'message' | 'enum') : undefined);
  const resolveField = (field: ProtoField, scope: string) => {
    if (field.map) {
      if (!SCALAR_TYPES.has(field.map.value)) {
        const full = resolve(field.map.value, scope);
        if (full) Object.assign(field.map, { valueTypeName: full, valueKind: kindOf(full) });
      }
    } else if (!SCALAR_TYPES.has(field.type)) {
      const full = field.group ? `${scope}.${field.type}`.replace(/^\./, '') : resolve(field.type, scope);
      if (full) Object.assign(field, { typeName: full, typeKind: kindOf(full) ?? 'message' });
    }
    if (field.extendee !== undefined) {
      const full = resolve(field.extendee, scope);
      if (full) field.extendeeName = full;
    }
  };
  for (const file of files) {
    const scope = file.package ?? '';
    for (const extension of file.extensions) resolveField(extension, scope);
    walkMessages(file.messages, (message) => {
      for (const field of message.fields) resolveField(field, message.fullName);
      for (const extension of message.extensions) resolveField(extension, message.fullName);
    });
    for (const service of file.services)
      for (const method of service.methods) {
        method.inputName = resolve(method.input, scope) ?? method.input.replace(/^\./, '');
        method.outputName = resolve(method.output, scope) ?? method.output.replace(/^\./, '');
      }
  }
  return { files };
}

/** Calls `visit` on every message of `messages`, nested ones included, parents first; iterative. */
export function walkMessages(messages: readonly ProtoMessage[], visit: (message: ProtoMessage) => void): void {
  const stack = [...messages].reverse();
  while (stack.length > 0) {
    const message = stack.pop()!;
    visit(message);
    for (let i = message.messages.length - 1; i >= 0; i--) stack.push(message.messages[i]!);
  }
}
