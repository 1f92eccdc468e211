import { emptyMessage, type ProtoEnum, type ProtoField, type ProtoFile, type ProtoMessage, type ProtoOption, type ProtoService } from './proto-model.js';
import type { ProtoTree } from './read-proto-tree.js';

/** A declaration with the file that holds it and the messages it is nested in (outermost first). */
export interface Placed<T> {
  node: T;
  file: ProtoFile;
  parents: ProtoMessage[];
}

/**
 * A tree indexed by fully-qualified names, as protobuf compilers see it: every message (a map
 * field's entry message included, as compilers synthesise it), enum, service and extension, and
 * the files of each package. Read only: shared by whatever reads the same tree.
 */
export interface ProtoIndex {
  files: Map<string, ProtoFile>;
  messages: Map<string, Placed<ProtoMessage>>;
  enums: Map<string, Placed<ProtoEnum>>;
  services: Map<string, Placed<ProtoService>>;
  extensions: Map<string, Placed<ProtoField>>;
  packages: Map<string, ProtoFile[]>;
}

const indexes = new WeakMap<ProtoTree, ProtoIndex>();

/** A tree's index, built once per tree: a fleet's tree is diffed against several others, and its edges narrowed with it too. */
export function indexProtoTree(tree: ProtoTree): ProtoIndex {
  let index = indexes.get(tree);
  if (!index) {
    index = buildIndex(tree);
    indexes.set(tree, index);
  }
  return index;
}

function buildIndex(tree: ProtoTree): ProtoIndex {
  const index: ProtoIndex = { files: new Map(), messages: new Map(), enums: new Map(), services: new Map(), extensions: new Map(), packages: new Map() };
  for (const file of tree.files) {
    index.files.set(file.path, file);
    const pkg = file.package ?? '';
    const inPackage = index.packages.get(pkg);
    if (inPackage) inPackage.push(file);
    else index.packages.set(pkg, [file]);
    const prefix = file.package ? `${file.package}.` : '';
    for (const e of file.enums) index.enums.set(e.fullName, { node: e, file, parents: [] });
    for (const s of file.services) index.services.set(s.fullName, { node: s, file, parents: [] });
    for (const x of file.extensions) index.extensions.set(prefix + x.name, { node: x, file, parents: [] });
    const stack: Placed<ProtoMessage>[] = file.messages.map((node) => ({ node, file, parents: [] })).reverse();
    while (stack.length > 0) {
      const placed = stack.pop()!;
      const { node: message, parents } = placed;
      index.messages.set(message.fullName, placed);
      const inside = [...parents, message];
      for (const e of message.enums) index.enums.set(e.fullName, { node: e, file, parents: inside });
      for (const x of message.extensions) index.extensions.set(`${message.fullName}.${x.name}`, { node: x, file, parents: inside });
      for (const field of message.fields)
        if (field.map) index.messages.set(mapEntryName(message, field), { node: mapEntry(message, field), file, parents: inside });
      for (let i = message.messages.length - 1; i >= 0; i--) stack.push({ node: message.messages[i]!, file, parents: inside });
    }
  }
  return index;
}

/** The entry message compilers make for `map<K, V> name`: `NameEntry` with key = 1 and value = 2, located at the map type. */
function mapEntry(owner: ProtoMessage, field: ProtoField): ProtoMessage {
  const map = field.map!;
  const start = field.typeStart;
  const end = field.typeEnd;
  // The entry's fields inherit the map field's features; what they report is located at the map.
  const features = field.options.filter((o) => o.name.startsWith('features.')).map((o) => ({ ...o, start, end }));
  const entryField = (name: string, number: number, type: string, typeName?: string, typeKind?: 'message' | 'enum'): ProtoField => ({
    name,
    number,
    type,
    ...(typeName ? { typeName } : {}),
    ...(typeKind ? { typeKind } : {}),
    options: features,
    start,
    end,
    nameStart: start,
    nameEnd: end,
    numberStart: start,
    numberEnd: end,
    typeStart: start,
    typeEnd: end,
  });
  const fullName = mapEntryName(owner, field);
  return {
    ...emptyMessage(fullName.slice(owner.fullName.length + 1), fullName, start, end),
    fields: [entryField('key', 1, map.key), entryField('value', 2, map.value, map.valueTypeName, map.valueKind)],
    implicit: 'map',
  };
}

export function mapEntryName(owner: ProtoMessage, field: ProtoField): string {
  const camel = field.name.replace(/(?:^|_)([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/_/g, '');
  return `${owner.fullName}.${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

/**
 * The value of editions feature `name` (e.g. `enum_type`) for an element: set on the element
 * itself, else on the messages around it (innermost first), else on the file; with the option
 * that set it. Undefined when nothing sets it.
 */
export function featureOf(name: string, own: readonly ProtoOption[], parents: readonly ProtoMessage[], file: ProtoFile): ProtoOption | undefined {
  const key = `features.${name}`;
  const find = (options: readonly ProtoOption[]) => options.findLast((o) => o.name === key);
  const ownOption = find(own);
  if (ownOption) return ownOption;
  for (let i = parents.length - 1; i >= 0; i--) {
    const found = find(parents[i]!.options);
    if (found) return found;
  }
  return find(file.options);
}

/** The last option named `name` among `options`. */
export function optionOf(options: readonly ProtoOption[], name: string): ProtoOption | undefined {
  return options.findLast((o) => o.name === name);
}
