import type { ContractChange } from './contract-change.js';
import type { BufCategory, ProvidedSpec } from './fleet-contracts.js';
import { DEFAULT_BUF_CONFIG } from './protobuf/buf-config.js';
import { diffProtobuf } from './protobuf/diff-protobuf.js';
import type { ProtoChange } from './protobuf/proto-change.js';
import { indexProtoTree, mapEntryName, type ProtoIndex } from './protobuf/proto-index.js';
import type { ProtoFile, ProtoService, Span } from './protobuf/proto-model.js';
import { spanOf } from './protobuf/proto-span.js';
import type { ProtoTree } from './protobuf/read-proto-tree.js';

/**
 * Deletions of services and methods: a caller meets them whatever the category, so they are
 * told per method called (`missing`), not as the category's diff words them.
 */
const DELETIONS = new Set(['RPC_NO_DELETE', 'SERVICE_NO_DELETE', 'PACKAGE_SERVICE_NO_DELETE']);

/** A change of a tree pair, with the declaration it is about (`pkg.Message`, `pkg.Service/Method`), when it is inside one. */
interface AttributedChange {
  change: ProtoChange;
  subject?: string;
}

/** Every tree pair's changes by fingerprints and category: each pair is diffed once, whatever the number of consumers. */
export type ProtoDiffs = Map<string, AttributedChange[]>;

/**
 * What a gRPC consumer that expects `expected` meets at a provider serving `served`: each method
 * it calls (`methods`, as written; all of `expected`'s when absent) that `served` lacks
 * (RPC_NO_DELETE, whatever the category), and the changes of `category` to those methods and to
 * every message and enum reachable from their requests and responses.
 */
export function grpcBreaking(
  expected: ProvidedSpec,
  served: ProvidedSpec,
  methods: readonly string[] | undefined,
  category: BufCategory,
  diffs: ProtoDiffs,
): ContractChange[] {
  if (expected.fingerprint === served.fingerprint) return [];
  const tree = expected.document as ProtoTree;
  const services = servicesOf(tree);
  const used = methods ? methods.map((m) => resolveMethod(services, m)).filter((m): m is string => typeof m === 'string') : allMethods(services);
  if (used.length === 0) return [];
  const servedServices = servicesOf(served.document as ProtoTree);
  const changes: ContractChange[] = [];
  for (const method of new Set(used)) {
    const [service, name] = method.split('/') as [string, string];
    const placed = servedServices.get(service);
    if (placed?.node.methods.some((m) => m.name === name)) continue;
    const at = placed ? ` (${locate(served, placed.file.path, spanOf(placed.file, placed.node))})` : '';
    const why = served.path ? `is gone: ${served.path} declares no such method${at}` : 'is not served: the provider does not run';
    changes.push({ id: 'RPC_NO_DELETE', level: 'ERR', message: `RPC ${method} ${why}` });
  }
  const found = pairChanges(expected, served, category, diffs);
  // Most pairs of a release differ in what no rule sees (comments, formatting): nothing to narrow.
  if (found.length) changes.push(...kept(found, reachableOnce(tree, used), served));
  return changes;
}

/**
 * What a consumer of a protobuf event that expects `expected` meets in the messages of `served`:
 * the changes of `category` to the event's message and every message and enum it reaches. Read
 * `backwards` (a new consumer reading the old producer's messages), a deletion is something the
 * new messages added: a reader of the old ones does not miss it, every protobuf field being
 * optional on the wire, so deletions do not count that way.
 */
export function protoEventBreaking(
  expected: ProvidedSpec,
  served: ProvidedSpec,
  category: BufCategory,
  diffs: ProtoDiffs,
  backwards: boolean,
): ContractChange[] {
  const message = expected.proto!.message!;
  if (served.proto!.message !== message)
    return [{ id: 'EVENT_SAME_MESSAGE', level: 'ERR', message: `the event's messages changed from ${message} to ${served.proto!.message} (${served.path})` }];
  if (expected.fingerprint === served.fingerprint) return [];
  const found = pairChanges(expected, served, category, diffs);
  if (!found.length) return [];
  const tree = expected.document as ProtoTree;
  const changes = kept(found, reachableFrom(indexProtoTree(tree), servicesOf(tree), [], [message]), served);
  return backwards ? changes.filter((c) => !c.id.includes('_NO_DELETE')) : changes;
}

/**
 * `Service/Method` or `package.Service/Method` as the full name of a method of the tree
 * (`package.Service/Method`); for a name the tree does not declare, why: no such service, no
 * such method, or a service name several packages declare.
 */
export function resolveMethod(services: Services, written: string): string | { unknown: 'service' | 'method' } | { unknown: 'ambiguous'; services: string[] } {
  const slash = written.indexOf('/');
  const service = written.slice(0, slash);
  const method = written.slice(slash + 1);
  const exact = services.get(service);
  const candidates = exact ? [exact] : [...services.values()].filter((s) => s.node.name === service || s.node.fullName.endsWith(`.${service}`));
  if (candidates.length === 0) return { unknown: 'service' };
  if (candidates.length > 1) return { unknown: 'ambiguous', services: candidates.map((s) => s.node.fullName) };
  const found = candidates[0]!.node;
  if (!found.methods.some((m) => m.name === method)) return { unknown: 'method' };
  return `${found.fullName}/${method}`;
}

/** A tree's services by full name, with the file that declares each. */
type Services = Map<string, { node: ProtoService; file: ProtoFile }>;

const servicesByTree = new WeakMap<ProtoTree, Services>();

/** A tree's services, gathered once per tree (services are declared at the top of a file only). */
export function servicesOf(tree: ProtoTree): Services {
  let services = servicesByTree.get(tree);
  if (!services) {
    services = new Map(tree.files.flatMap((file) => file.services.map((node) => [node.fullName, { node, file }] as const)));
    servicesByTree.set(tree, services);
  }
  return services;
}

function allMethods(services: Services): string[] {
  return [...services.values()].flatMap(({ node }) => node.methods.map((m) => `${node.fullName}/${m.name}`));
}

/** The changes from `expected` to `served` in `category`, each with the declaration of `served` it is inside. */
function pairChanges(expected: ProvidedSpec, served: ProvidedSpec, category: BufCategory, diffs: ProtoDiffs): AttributedChange[] {
  const key = `${category}\u0000${expected.fingerprint}\u0000${served.fingerprint}`;
  let changes = diffs.get(key);
  if (!changes) {
    const tree = served.document as ProtoTree;
    const found = diffProtobuf(expected.document as ProtoTree, tree, { ...DEFAULT_BUF_CONFIG, use: [category] });
    // Most pairs of a release differ in what no rule sees: their declarations' spans are not needed.
    const subjects = found.length ? declarationSpans(indexProtoTree(tree)) : new Map();
    changes = found
      .filter((c) => !DELETIONS.has(c.rule))
      .map((change) => {
        const subject = change.path !== undefined && change.span ? innermost(subjects.get(change.path), change.span) : undefined;
        return { change, ...(subject !== undefined ? { subject } : {}) };
      });
    diffs.set(key, changes);
  }
  return changes;
}

/**
 * The changes about what a consumer uses: inside a reachable declaration, or (a change to a
 * file itself, its package or options) to a file that declares one.
 */
function kept(changes: readonly AttributedChange[], reachable: Reachable, served: ProvidedSpec): ContractChange[] {
  return changes
    .filter(({ change, subject }) => (subject !== undefined ? reachable.names.has(subject) : change.path !== undefined && reachable.files.has(change.path)))
    .map(({ change }) => {
      const at = change.path === undefined ? undefined : locate(served, change.path, change.span);
      return { id: change.rule, level: 'ERR', message: at ? `${change.message} (${at})` : change.message, ...(at ? { path: at } : {}) };
    });
}

/** `protos/demo.proto:27:1`: a place in a contract's tree, from the repository's root. */
function locate(spec: ProvidedSpec, path: string, span: Span | undefined): string {
  const root = spec.proto?.root ?? '.';
  const file = root === '.' ? path : `${root}/${path}`;
  return span ? `${file}:${span.line}:${span.column}` : file;
}

interface Reachable {
  /** Services, methods (`pkg.Service/Method`), messages and enums. */
  names: Set<string>;
  /** The files that declare one of them. */
  files: Set<string>;
}

const reached = new WeakMap<ProtoTree, Map<string, Reachable>>();

/** `reachableFrom` the methods, once per tree and set of methods (many consumers call the same ones). */
function reachableOnce(tree: ProtoTree, methods: readonly string[]): Reachable {
  let byMethods = reached.get(tree);
  if (!byMethods) reached.set(tree, (byMethods = new Map()));
  const key = [...new Set(methods)].sort().join('\u0000');
  let reachable = byMethods.get(key);
  if (!reachable) byMethods.set(key, (reachable = reachableFrom(indexProtoTree(tree), servicesOf(tree), methods, [])));
  return reachable;
}

/** The methods, their services, and every message and enum reachable from their requests and responses and from `messages`. */
function reachableFrom(index: ProtoIndex, services: Services, methods: readonly string[], messages: readonly string[]): Reachable {
  const names = new Set<string>();
  const files = new Set<string>();
  const stack = [...messages];
  for (const method of methods) {
    const [service, name] = method.split('/') as [string, string];
    const placed = services.get(service)!;
    names.add(service);
    names.add(method);
    files.add(placed.file.path);
    const rpc = placed.node.methods.find((m) => m.name === name)!;
    stack.push(rpc.inputName ?? rpc.input, rpc.outputName ?? rpc.output);
  }
  while (stack.length) {
    const name = stack.pop()!;
    if (names.has(name)) continue;
    const message = index.messages.get(name);
    const enumeration = message ? undefined : index.enums.get(name);
    if (!message && !enumeration) continue;
    names.add(name);
    files.add((message ?? enumeration)!.file.path);
    for (const field of message?.node.fields ?? []) {
      if (field.typeName) stack.push(field.typeName);
      if (field.map) {
        stack.push(mapEntryName(message!.node, field));
        if (field.map.valueTypeName) stack.push(field.map.valueTypeName);
      }
    }
  }
  return { names, files };
}

/** Per file of a tree, the span of every declaration a change can be inside, with its name. */
function declarationSpans(index: ProtoIndex): Map<string, { span: Span; name: string }[]> {
  const spans = new Map<string, { span: Span; name: string }[]>();
  const add = (path: string, span: Span, name: string) => {
    const list = spans.get(path);
    if (list) list.push({ span, name });
    else spans.set(path, [{ span, name }]);
  };
  for (const [name, { node, file }] of index.messages) add(file.path, spanOf(file, node), name);
  for (const [name, { node, file }] of index.enums) add(file.path, spanOf(file, node), name);
  for (const [name, { node, file }] of index.services) {
    add(file.path, spanOf(file, node), name);
    for (const method of node.methods) add(file.path, spanOf(file, method), `${name}/${method.name}`);
  }
  return spans;
}

/** The name of the innermost declaration whose span holds `span`. */
function innermost(candidates: readonly { span: Span; name: string }[] | undefined, span: Span): string | undefined {
  let best: { span: Span; name: string } | undefined;
  for (const candidate of candidates ?? []) {
    const { span: outer } = candidate;
    if (before(span.line, span.column, outer.line, outer.column) || before(outer.endLine, outer.endColumn, span.endLine, span.endColumn)) continue;
    if (
      !best ||
      before(best.span.line, best.span.column, outer.line, outer.column) ||
      (sameStart(best.span, outer) && before(outer.endLine, outer.endColumn, best.span.endLine, best.span.endColumn))
    )
      best = candidate;
  }
  return best?.name;
}

function before(line: number, column: number, otherLine: number, otherColumn: number): boolean {
  return line < otherLine || (line === otherLine && column < otherColumn);
}

function sameStart(a: Span, b: Span): boolean {
  return a.line === b.line && a.column === b.column;
}
