import { didYouMeanName } from '../did-you-mean.js';
import type { SourceLocation } from '../location.js';
import type { ContractSources, ParsedSpecs, SpecRoot } from './build-fleet-contracts.js';
import type { BufCategory, ProvidedSpec } from './fleet-contracts.js';
import { ProtoSyntaxError } from './protobuf/proto-syntax-error.js';
import { sourceText } from './source-file.js';
import { readProtoTree, walkMessages, type ProtoSource, type ProtoTree, type ProtoTreeRead } from './protobuf/read-proto-tree.js';

/**
 * A protobuf contract as the manifest names it: `files` the .proto files it names (the one file,
 * or every one under the directory, filled in when the revision is read), `root` the directory
 * imports resolve from, `category` the buf category checked, `message` an event's message.
 */
export interface ProtoRoot {
  root: string;
  files: string[];
  category: BufCategory;
  message?: string;
}

/** Why a protobuf contract cannot be used, and where. */
export interface ProtoProblem {
  problem: string;
  location?: SourceLocation;
}

/**
 * The tree of .proto files a contract names and every file their imports reach, parsed and
 * resolved once per content (`parsed` keeps it by fingerprint, so a tree unchanged between two
 * revisions is the same object in both), with each file's path relative to the contract's root.
 * A tree that changed is read knowing the same contract's tree read last in this analysis (the
 * other revision's: `readProtoTree`'s `shared`), so its unchanged files are not parsed again and
 * the diff of the pair skips them.
 * A file missing, unreadable, outside the root or that does not parse is a problem located at the
 * .proto's line and column, or at the manifest's entry.
 */
export function buildProtoSpec(root: SpecRoot & { proto: ProtoRoot }, sources: ContractSources, parsed: ParsedSpecs): ProvidedSpec | ProtoProblem {
  const { proto } = root;
  if (proto.files.length === 0) return { problem: `contract ${root.path} holds no .proto file in ${sources.label}` };
  const seen = new Set<string>();
  const stack = [...proto.files];
  const entries: { path: string; relative: string; id: string; text: string }[] = [];
  while (stack.length) {
    const path = stack.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const unreadable = sources.unreadable?.[path];
    if (unreadable) return { problem: `contract ${root.path}: ${unreadable.message}`, ...(unreadable.location ? { location: unreadable.location } : {}) };
    const file = sources.files[path];
    // An import that leads nowhere is reported by the tree's reader, at the import.
    if (file === undefined) {
      if (proto.files.includes(path)) return { problem: `contract ${path} does not exist in ${sources.label}` };
      continue;
    }
    const relative = relativeTo(proto.root, path);
    if (relative === undefined) return { problem: `contract ${root.path}: ${path} is not under ${proto.root}, the directory its imports resolve from` };
    entries.push({ path, relative, id: file.id, text: sourceText(file) });
    stack.push(...file.refs);
  }
  entries.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  const fingerprint = `proto:${proto.root}:${entries.map((e) => `${e.relative}=${e.id}`).join(',')}`;
  let result = parsed.get(fingerprint);
  if (!result) {
    const contract = `${root.service}\u0000${root.key.join('\u0000')}`;
    const reads = lastReads.get(parsed) ?? new Map<string, ProtoTreeRead>();
    lastReads.set(parsed, reads);
    try {
      const sources = entries.map((e): ProtoSource => ({ path: e.relative, text: e.text }));
      const tree = readProtoTree(sources, reads.get(contract));
      reads.set(contract, { sources, tree });
      result = { document: tree };
    } catch (error) {
      if (!(error instanceof ProtoSyntaxError)) throw error;
      const file = proto.root === '.' ? error.file : `${proto.root}/${error.file}`;
      // The finding is located there: its message is the reason alone.
      result = { problem: { message: error.reason, line: error.line, column: error.column, file } };
    }
    parsed.set(fingerprint, result);
  }
  if ('problem' in result) {
    const { message, line, column, file } = result.problem;
    return { problem: message, ...(file !== undefined && line !== undefined ? { location: { file, line, column: column! } } : {}) };
  }
  const tree = result.document as ProtoTree;
  if (proto.message !== undefined) {
    const messages = messageNames(tree);
    if (!messages.includes(proto.message)) {
      const near = didYouMeanName(proto.message, messages);
      return {
        problem: `event ${root.key[1]}: ${root.path} declares no message ${proto.message} in ${sources.label}${near ? ` (did you mean ${near}?)` : ''}`,
      };
    }
  }
  return {
    path: root.path,
    fingerprint,
    document: tree,
    proto: { root: proto.root, category: proto.category, ...(proto.message !== undefined ? { message: proto.message } : {}) },
  };
}

/**
 * Per analysis (its map of parses), the tree last read for each contract (service and key): the
 * other revision's tree of the same contract, whose unchanged files a new read shares.
 */
const lastReads = new WeakMap<ParsedSpecs, Map<string, ProtoTreeRead>>();

/** `path` relative to the directory `root`, or undefined when it is not below it. */
function relativeTo(root: string, path: string): string | undefined {
  if (root === '.') return path;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : undefined;
}

/** The full name of every message the tree declares, nested ones included. */
function messageNames(tree: ProtoTree): string[] {
  const names: string[] = [];
  for (const file of tree.files) walkMessages(file.messages, (m) => names.push(m.fullName));
  return names;
}
