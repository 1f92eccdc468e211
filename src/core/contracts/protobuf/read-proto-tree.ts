import { SCALAR_TYPES, type ProtoField, type ProtoFile, type ProtoMessage } from './proto-model.js';
import { refuseTreeDefaults } from './field-default.js';
import { ProtoSyntaxError } from './proto-syntax-error.js';
import { parseProto } from './parse-proto.js';
import { spanOf } from './proto-span.js';

/** Larger than any hand-written .proto: a bigger file is refused rather than read (its parse would hold many times its size). */
export const MAX_PROTO_BYTES = 8 * 1024 * 1024;

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

/** A tree read before (its sources and what they gave), whose files another tree may share. */
export interface ProtoTreeRead {
  sources: readonly ProtoSource[];
  tree: ProtoTree;
}

/**
 * Parses every file of a tree and resolves the type names of fields, map values, extendees and
 * methods to fully-qualified names (protobuf's scoping: innermost scope first). An import must
 * be a file of the tree unless it is one of google/protobuf/*; a missing one is a
 * ProtoSyntaxError at the import. A name the tree does not declare (a well-known type) stays as
 * written, without its leading dot. A default protoc refuses once names are known (on a message
 * field, not naming a value of its enum, on a field of implicit presence) is a ProtoSyntaxError
 * at the default (`refuseTreeDefaults`).
 *
 * With `shared` (the other side of a diff), a file with the same path and text there is not
 * parsed again: its ProtoFile is taken as it is when every name in it resolves the same in this
 * tree, so that a diff sees the very same object on both sides and can skip it.
 */
export function readProtoTree(sources: readonly ProtoSource[], shared?: ProtoTreeRead): ProtoTree {
  const before = new Map<string, { text: string; file: ProtoFile }>();
  if (shared) shared.sources.forEach((source, i) => before.set(source.path, { text: source.text, file: shared.tree.files[i]! }));
  const reused = new Set<ProtoFile>();
  const files = sources.map((source) => {
    const same = before.get(source.path);
    if (same && same.text === source.text) {
      reused.add(same.file);
      return same.file;
    }
    return parseProto(source.text, source.path);
  });
  const paths = new Set(files.map((file) => file.path));
  for (const file of files)
    for (const imported of file.imports)
      if (!paths.has(imported.path) && !WELL_KNOWN.test(imported.path)) {
        const { line, column } = spanOf(file, imported);
        throw new ProtoSyntaxError(file.path, line, column, `import ${JSON.stringify(imported.path)} is not a file of the tree`);
      }
  refuseImportCycles(files);
  const symbols = symbolsOf(files);
  const names = new TypeNames(symbols, shared && changedNames(symbolsOf(shared.tree.files), symbols));
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    // A shared file whose names mean something else here is read again for this tree.
    if (reused.has(file) && !names.resolveFile(file, false)) files[i] = parseProto(sources[i]!.text, sources[i]!.path);
    if (!reused.has(files[i]!)) names.resolveFile(files[i]!, true);
  }
  refuseTreeDefaults(files);
  return { files };
}

/**
 * A file that imports itself, directly or through others, is a ProtoSyntaxError at the import
 * that closes the cycle, naming it: compilers refuse such a tree.
 */
function refuseImportCycles(files: readonly ProtoFile[]): void {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const done = new Set<string>();
  for (const root of files) {
    if (done.has(root.path)) continue;
    // Depth first without recursion (a chain of imports may be long): each file with the next import to follow.
    const stack: { file: ProtoFile; next: number }[] = [{ file: root, next: 0 }];
    const onPath = new Set([root.path]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const imported = top.file.imports[top.next++];
      if (imported === undefined) {
        stack.pop();
        onPath.delete(top.file.path);
        done.add(top.file.path);
        continue;
      }
      const next = byPath.get(imported.path);
      if (!next || done.has(next.path)) continue;
      if (onPath.has(next.path)) {
        const from = stack.findIndex((entry) => entry.file.path === next.path);
        const cycle = [...stack.slice(from).map((entry) => entry.file.path), next.path].join(' → ');
        const { line, column } = spanOf(top.file, imported);
        throw new ProtoSyntaxError(top.file.path, line, column, `import ${JSON.stringify(imported.path)} makes an import cycle: ${cycle}`);
      }
      onPath.add(next.path);
      stack.push({ file: next, next: 0 });
    }
  }
}

/** Every package (and each of its prefixes), message and enum of `files` by full name. */
function symbolsOf(files: readonly ProtoFile[]): Map<string, SymbolKind> {
  const symbols = new Map<string, SymbolKind>();
  for (const file of files) {
    const parts = file.package?.split('.') ?? [];
    for (let i = 1; i <= parts.length; i++) symbols.set(parts.slice(0, i).join('.'), 'package');
    walkMessages(file.messages, (message) => {
      symbols.set(message.fullName, 'message');
      for (const e of message.enums) symbols.set(e.fullName, 'enum');
    });
    for (const e of file.enums) symbols.set(e.fullName, 'enum');
  }
  return symbols;
}

type SymbolKind = 'message' | 'enum' | 'package';

/**
 * The last parts of the full names declared on one side only, or as something else: resolving
 * `a.b.C` looks up names ending in `a` (its first part) and in `C` (its last), so a name with
 * neither among these resolves the same on both sides.
 */
function changedNames(before: ReadonlyMap<string, SymbolKind>, after: ReadonlyMap<string, SymbolKind>): Set<string> {
  const changed = new Set<string>();
  const add = (full: string) => changed.add(full.slice(full.lastIndexOf('.') + 1));
  for (const [name, kind] of before) if (after.get(name) !== kind) add(name);
  for (const [name, kind] of after) if (before.get(name) !== kind) add(name);
  return changed;
}

/** Resolves type names against one tree's symbols: writes them into a file, or checks that they are already what is written. */
class TypeNames {
  constructor(
    private readonly symbols: ReadonlyMap<string, SymbolKind>,
    /** For checking: the names whose resolution may have changed (`changedNames`); every name when absent. */
    private readonly changed?: ReadonlySet<string>,
  ) {}

  /** Resolves every name of `file` (`write`), or (not `write`) whether each is already resolved as it would be; true when so. */
  resolveFile(file: ProtoFile, write: boolean): boolean {
    if (!write && this.changed?.size === 0) return true;
    const scope = file.package ?? '';
    let same = true;
    const field = (f: ProtoField, scope: string) => {
      if (same) same = this.resolveField(f, scope, write);
    };
    for (const extension of file.extensions) field(extension, scope);
    walkMessages(file.messages, (message) => {
      for (const f of message.fields) field(f, message.fullName);
      for (const extension of message.extensions) field(extension, message.fullName);
    });
    for (const service of file.services)
      for (const method of service.methods) {
        if (!write && !this.mayDiffer(method.input) && !this.mayDiffer(method.output)) continue;
        const inputName = this.resolve(method.input, scope) ?? method.input.replace(/^\./, '');
        const outputName = this.resolve(method.output, scope) ?? method.output.replace(/^\./, '');
        if (write) {
          method.inputName = inputName;
          method.outputName = outputName;
        } else if (method.inputName !== inputName || method.outputName !== outputName) return false;
      }
    return same;
  }

  private resolveField(field: ProtoField, scope: string, write: boolean): boolean {
    if (!write && !this.mayDiffer(field.map?.value ?? field.type) && (field.extendee === undefined || !this.mayDiffer(field.extendee))) return true;
    if (field.map) {
      if (!SCALAR_TYPES.has(field.map.value)) {
        const full = this.resolve(field.map.value, scope);
        if (!write) return full === field.map.valueTypeName && this.kindOf(full) === field.map.valueKind && this.extendee(field, scope, write);
        if (full) {
          field.map.valueTypeName = full;
          field.map.valueKind = this.kindOf(full);
        }
      }
    } else if (!SCALAR_TYPES.has(field.type)) {
      const full = field.group ? `${scope}.${field.type}`.replace(/^\./, '') : this.resolve(field.type, scope);
      const kind = full ? (this.kindOf(full) ?? 'message') : undefined;
      if (!write) return full === field.typeName && kind === field.typeKind && this.extendee(field, scope, write);
      // Set one by one: no object made for each field to copy from.
      if (full) {
        field.typeName = full;
        field.typeKind = kind;
      }
    }
    return this.extendee(field, scope, write);
  }

  private extendee(field: ProtoField, scope: string, write: boolean): boolean {
    if (field.extendee === undefined) return true;
    const full = this.resolve(field.extendee, scope);
    if (!write) return full === field.extendeeName;
    if (full) field.extendeeName = full;
    return true;
  }

  /** Whether `name` may resolve otherwise than on the other side (see changedNames). */
  private mayDiffer(name: string): boolean {
    if (!this.changed) return true;
    const from = name.startsWith('.') ? 1 : 0;
    const dot = name.indexOf('.', from);
    return this.changed.has(name.slice(from, dot < 0 ? undefined : dot)) || this.changed.has(name.slice(name.lastIndexOf('.') + 1));
  }

  private kindOf(name: string | undefined): Exclude<SymbolKind, 'package'> | undefined {
    return name ? (this.symbols.get(name) as 'message' | 'enum') : undefined;
  }

  private resolve(name: string, scope: string): string | undefined {
    const symbols = this.symbols;
    if (name.startsWith('.')) return symbols.has(name.slice(1)) ? name.slice(1) : undefined;
    const dot = name.indexOf('.');
    const first = dot < 0 ? name : name.slice(0, dot);
    for (let s = scope; ; s = s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : '') {
      const candidate = s ? `${s}.${first}` : first;
      if (symbols.has(candidate)) {
        const full = s ? `${s}.${name}` : name;
        const kind = symbols.get(full);
        return kind === 'message' || kind === 'enum' ? full : undefined;
      }
      if (!s) return undefined;
    }
  }
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
