import type { EmitChange } from './proto-change.js';
import type { ProtoFile, ProtoMessage, Span } from './proto-model.js';
import type { Placed, ProtoIndex } from './proto-index.js';
import { spanOf } from './proto-span.js';

/** File options whose change breaks generated code, with the value an unset option has. */
const FILE_OPTIONS: readonly [rule: string, option: string, unset: string][] = [
  ['FILE_SAME_GO_PACKAGE', 'go_package', ''],
  ['FILE_SAME_JAVA_PACKAGE', 'java_package', ''],
  ['FILE_SAME_JAVA_OUTER_CLASSNAME', 'java_outer_classname', ''],
  ['FILE_SAME_JAVA_MULTIPLE_FILES', 'java_multiple_files', 'false'],
  ['FILE_SAME_JAVA_GENERIC_SERVICES', 'java_generic_services', 'false'],
  ['FILE_SAME_CC_GENERIC_SERVICES', 'cc_generic_services', 'false'],
  ['FILE_SAME_PY_GENERIC_SERVICES', 'py_generic_services', 'false'],
  ['FILE_SAME_CC_ENABLE_ARENAS', 'cc_enable_arenas', 'true'],
  ['FILE_SAME_CSHARP_NAMESPACE', 'csharp_namespace', ''],
  ['FILE_SAME_OBJC_CLASS_PREFIX', 'objc_class_prefix', ''],
  ['FILE_SAME_OPTIMIZE_FOR', 'optimize_for', 'SPEED'],
  ['FILE_SAME_PHP_CLASS_PREFIX', 'php_class_prefix', ''],
  ['FILE_SAME_PHP_NAMESPACE', 'php_namespace', ''],
  ['FILE_SAME_PHP_METADATA_NAMESPACE', 'php_metadata_namespace', ''],
  ['FILE_SAME_RUBY_PACKAGE', 'ruby_package', ''],
  ['FILE_SAME_SWIFT_PREFIX', 'swift_prefix', ''],
];

/**
 * The FILE and PACKAGE deletion rules and the file-wide ones: files gone, packages and syntax
 * changed, file options changed, and messages, enums, services and extensions that left their
 * file (FILE) or their package (PACKAGE).
 */
export function checkDeletions(previous: ProtoIndex, current: ProtoIndex, emit: EmitChange): void {
  for (const [path, before] of previous.files) {
    const subject = { subjectPath: path, subjectPackage: before.package };
    const after = current.files.get(path);
    if (!after) {
      emit('FILE_NO_DELETE', `Previously present file "${path}" was deleted.`, subject);
      continue;
    }
    // A file shared by the two trees is the same object: nothing in it changed.
    if (before === after) continue;
    if ((before.package ?? '') !== (after.package ?? ''))
      emit('FILE_SAME_PACKAGE', `File package changed from "${before.package ?? ''}" to "${after.package ?? ''}".`, {
        path,
        span: after.packageAt && spanOf(after, after.packageAt),
        ...subject,
      });
    if (syntaxOf(before) !== syntaxOf(after))
      emit('FILE_SAME_SYNTAX', `File syntax changed from "${syntaxOf(before)}" to "${syntaxOf(after)}".`, {
        path,
        span: after.syntaxAt && spanOf(after, after.syntaxAt),
        ...subject,
      });
    for (const [rule, name, unset] of FILE_OPTIONS) {
      const was = before.options.findLast((o) => o.name === name);
      const is = after.options.findLast((o) => o.name === name);
      if ((was?.value ?? unset) !== (is?.value ?? unset))
        emit(rule, `File option "${name}" changed from "${was?.value ?? unset}" to "${is?.value ?? unset}".`, {
          path,
          span: is ? spanOf(after, is) : after.packageAt && spanOf(after, after.packageAt),
          ...subject,
        });
    }
    checkLeftFile(before, after, emit);
  }
  checkLeftPackage(previous, current, emit);
}

/** Every message of a file, nested ones included (map entries are not written, so not listed). */
function messagesOf(file: ProtoFile): Placed<ProtoMessage>[] {
  const out: Placed<ProtoMessage>[] = [];
  const stack: Placed<ProtoMessage>[] = file.messages.map((node) => ({ node, file, parents: [] })).reverse();
  while (stack.length > 0) {
    const placed = stack.pop()!;
    out.push(placed);
    const inside = [...placed.parents, placed.node];
    for (let i = placed.node.messages.length - 1; i >= 0; i--) stack.push({ node: placed.node.messages[i]!, file, parents: inside });
  }
  return out;
}

/** Where a deletion is reported: the innermost enclosing message that is still there, else the file. */
function siteOf(
  parents: readonly ProtoMessage[],
  still: (fullName: string) => { path: string; span: Span } | undefined,
  path: string,
): { path: string; span?: Span } {
  for (let i = parents.length - 1; i >= 0; i--) {
    const kept = still(parents[i]!.fullName);
    if (kept) return kept;
  }
  return { path };
}

function checkLeftFile(before: ProtoFile, after: ProtoFile, emit: EmitChange): void {
  const path = after.path;
  const subject = { subjectPath: before.path, subjectPackage: before.package };
  const kept = new Map(messagesOf(after).map((m) => [m.node.fullName, m.node]));
  const still = (name: string) => {
    const message = kept.get(name);
    return message ? { path, span: spanOf(after, message) } : undefined;
  };
  const beforeMessages = messagesOf(before);
  for (const { node, parents } of beforeMessages) {
    if (!kept.has(node.fullName))
      emit('MESSAGE_NO_DELETE', `Previously present message "${node.fullName}" was deleted from file.`, { ...siteOf(parents, still, path), ...subject });
  }
  const enumsAfter = new Set([...after.enums.map((e) => e.fullName), ...[...kept.values()].flatMap((m) => m.enums.map((e) => e.fullName))]);
  const enumsBefore = [
    ...before.enums.map((node) => ({ node, parents: [] as ProtoMessage[] })),
    ...beforeMessages.flatMap((m) => m.node.enums.map((node) => ({ node, parents: [...m.parents, m.node] }))),
  ];
  for (const { node, parents } of enumsBefore)
    if (!enumsAfter.has(node.fullName))
      emit('ENUM_NO_DELETE', `Previously present enum "${node.fullName}" was deleted from file.`, { ...siteOf(parents, still, path), ...subject });
  const servicesAfter = new Set(after.services.map((s) => s.fullName));
  for (const service of before.services)
    if (!servicesAfter.has(service.fullName))
      emit('SERVICE_NO_DELETE', `Previously present service "${service.fullName}" was deleted from file.`, { path, ...subject });
  const extensionKey = (scope: string, name: string) => (scope ? `${scope}.${name}` : name);
  const extensionsAfter = new Set([
    ...after.extensions.map((x) => extensionKey(after.package ?? '', x.name)),
    ...[...kept.values()].flatMap((m) => m.extensions.map((x) => extensionKey(m.fullName, x.name))),
  ]);
  const extensionsBefore = [
    ...before.extensions.map((node) => ({ key: extensionKey(before.package ?? '', node.name), parents: [] as ProtoMessage[] })),
    ...beforeMessages.flatMap((m) => m.node.extensions.map((node) => ({ key: extensionKey(m.node.fullName, node.name), parents: [...m.parents, m.node] }))),
  ];
  for (const { key, parents } of extensionsBefore)
    if (!extensionsAfter.has(key))
      emit('EXTENSION_NO_DELETE', `Previously present extension "${key}" was deleted from file.`, { ...siteOf(parents, still, path), ...subject });
}

function checkLeftPackage(previous: ProtoIndex, current: ProtoIndex, emit: EmitChange): void {
  for (const [pkg, files] of previous.packages)
    if (!current.packages.has(pkg))
      emit('PACKAGE_NO_DELETE', `Previously present package "${pkg}" was deleted.`, { subjectPath: files[0]?.path, subjectPackage: pkg });
  const still = (name: string) => {
    const placed = current.messages.get(name);
    return placed ? { path: placed.file.path, span: spanOf(placed.file, placed.node) } : undefined;
  };
  // Gone from a package that is still there (a package that is gone is PACKAGE_NO_DELETE alone).
  const left = (placed: Placed<unknown>, now: Placed<unknown> | undefined) => {
    const pkg = placed.file.package ?? '';
    return current.packages.has(pkg) && (now === undefined || (now.file.package ?? '') !== pkg);
  };
  // A message or extension that left its package is reported at the message it was nested in if
  // that is still there; anything else at the file it was declared in.
  const report = (rule: string, what: string, name: string, placed: Placed<unknown>) => {
    const site =
      rule === 'PACKAGE_MESSAGE_NO_DELETE' || rule === 'PACKAGE_EXTENSION_NO_DELETE'
        ? siteOf(placed.parents, still, placed.file.path)
        : { path: placed.file.path };
    const pkg = placed.file.package ?? '';
    emit(rule, `Previously present ${what} "${name}" was deleted from package "${pkg}".`, { ...site, subjectPath: placed.file.path, subjectPackage: pkg });
  };
  for (const [name, placed] of previous.messages)
    if (!placed.node.implicit && left(placed, current.messages.get(name))) report('PACKAGE_MESSAGE_NO_DELETE', 'message', name, placed);
  for (const [name, placed] of previous.enums) if (left(placed, current.enums.get(name))) report('PACKAGE_ENUM_NO_DELETE', 'enum', name, placed);
  for (const [name, placed] of previous.services) if (left(placed, current.services.get(name))) report('PACKAGE_SERVICE_NO_DELETE', 'service', name, placed);
  for (const [name, placed] of previous.extensions)
    if (left(placed, current.extensions.get(name))) report('PACKAGE_EXTENSION_NO_DELETE', 'extension', name, placed);
}

function syntaxOf(file: ProtoFile): string {
  return file.syntax === 'editions' ? `edition ${file.edition}` : file.syntax;
}
