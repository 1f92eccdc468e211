import type { Finding } from '../finding.js';
import type { SourceLocation } from '../location.js';
import type { Consumption, FleetContracts, ProvidedSpec } from './fleet-contracts.js';
import { NestingError } from '../nesting.js';
import { asyncApiContracts } from './asyncapi/async-api-contracts.js';
import { mayShareNodes, parseSpecText, specErrorPosition } from './load-open-api.js';
import { type SourceFile, sourceText } from './source-file.js';
import { RefResolutionError, resolveRefs } from './resolve-refs.js';
import { buildProtoSpec, type ProtoRoot } from './build-proto-spec.js';

/** A spec a service provides: where the manifest names it, and the file. */
export interface SpecRoot {
  service: string;
  /** `['http']`, `['grpc']`, `['events', NAME]` or `['asyncapi']`, under `contracts.provides`. */
  key: string[];
  path: string;
  location: SourceLocation;
  /** Set for a protobuf contract (gRPC, or an event's protobuf message). */
  proto?: ProtoRoot;
}

/**
 * The contracts of a revision as read, before any parsing: plain data, which a worker thread
 * can receive. `files` holds every spec file and every file their `$ref`s reach, by path (a
 * path absent from it does not exist), with a content id.
 */
export interface ContractSources {
  label: string;
  services: string[];
  roots: SpecRoot[];
  consumes: [string, [string, Consumption][]][];
  files: Record<string, SourceFile>;
  /** Files that are there but cannot be read as specs (a link out of the repository, bytes that are not UTF-8): why, and where. */
  unreadable?: Record<string, { message: string; location?: SourceLocation }>;
}

/** Whether a file's text may have YAML anchors (`mayShareNodes`), without decoding bytes that hold no `&`. */
function fileMayShareNodes(file: SourceFile): boolean {
  return typeof file.text === 'string' ? mayShareNodes(file.text) : file.text.includes(AMPERSAND) && mayShareNodes(sourceText(file));
}

const AMPERSAND = 0x26;

/** Parsed spec files by content id, shared by the revisions compared: an unchanged file is parsed once. */
export type ParsedSpecs = Map<string, { document: unknown } | { problem: { message: string; line?: number; column?: number; file?: string } }>;

/**
 * Parses and resolves the specs of a revision. A spec that refers
 * to no other file is resolved in place: what it resolves to depends on its content alone, so a
 * file unchanged between two revisions becomes the very same objects in both, which the
 * comparison then skips, and a large spec exists once in memory. One with external `$ref`s is
 * resolved into a copy, leaving the shared parses as they were. A spec that is missing, does not
 * parse or has a `$ref` that leads nowhere is a `manifest/invalid` finding at its file's position
 * or the manifest's.
 */
export function buildFleetContracts(sources: ContractSources, parsed: ParsedSpecs): { contracts: FleetContracts; findings: Finding[] } {
  const contracts: FleetContracts = new Map(sources.services.map((name) => [name, { events: new Map(), consumes: new Map() }]));
  for (const [name, consumes] of sources.consumes) contracts.get(name)!.consumes = new Map(consumes);
  const findings: Finding[] = [];
  const parse = (path: string) => {
    const file = sources.files[path];
    if (file === undefined) return undefined;
    let result = parsed.get(file.id);
    if (!result) {
      try {
        result = { document: parseSpecText(sourceText(file)) };
      } catch (error) {
        result = { problem: specErrorPosition(error) };
      }
      parsed.set(file.id, result);
    }
    return result;
  };
  for (const root of sources.roots) {
    const problem = (message: string, location = root.location): void => {
      findings.push({ rule: 'manifest/invalid', severity: 'error', service: root.service, message, location });
    };
    if (root.proto) {
      const built = buildProtoSpec(root as SpecRoot & { proto: ProtoRoot }, sources, parsed);
      if ('problem' in built) problem(built.problem, built.location);
      else if (root.key[0] === 'grpc') contracts.get(root.service)!.grpc = built;
      else contracts.get(root.service)!.events.set(root.key[1]!, built);
      continue;
    }
    let document: unknown;
    try {
      document = resolve(root.path);
    } catch (error) {
      if (error instanceof SpecProblem) problem(error.message, error.location ?? root.location);
      else if (error instanceof RefResolutionError || error instanceof NestingError) problem(`contract ${root.path}: ${error.message}`);
      else throw error;
      continue;
    }
    const spec: ProvidedSpec = { path: root.path, fingerprint: fingerprint(root.path, sources.files), document };
    const service = contracts.get(root.service)!;
    if (root.key[0] === 'asyncapi') {
      const read = asyncApiContracts(spec, sourceText(sources.files[root.path]!));
      if ('problem' in read) problem(read.problem, read.location);
      else {
        for (const [event, provided] of read.events) service.events.set(event, provided);
        // A manifest entry for the same channel says more (where it is declared): it stays.
        for (const [channel, how] of read.consumes) if (!service.consumes.has(channel)) service.consumes.set(channel, how);
      }
      continue;
    }
    if (root.key[0] === 'http') service.http = spec;
    else service.events.set(root.key[1]!, spec);

    /** A self-contained tree is resolved in place (once: `resolveRefs` remembers); anything else into a copy. */
    function resolve(path: string): unknown {
      const file = sources.files[path]!;
      const document = documentOf(path);
      if (file.refs.length > 0 || fileMayShareNodes(file)) return resolveRefs(document, { uri: path, read: documentOf });
      return resolveRefs(document, { uri: path, inPlace: true });
    }

    function documentOf(path: string): unknown {
      const unreadable = sources.unreadable?.[path];
      if (unreadable)
        throw new SpecProblem(
          path === root.path ? `contract ${unreadable.message}` : `contract ${root.path} refers to ${path}: ${unreadable.message}`,
          unreadable.location,
        );
      const result = parse(path);
      if (result === undefined) {
        throw new SpecProblem(
          path === root.path
            ? `contract ${path} does not exist in ${sources.label}`
            : `contract ${root.path} refers to ${path}, which does not exist in ${sources.label}`,
        );
      }
      if ('problem' in result) {
        const { message, line, column } = result.problem;
        throw new SpecProblem(message, { file: path, ...(line !== undefined ? { line, column: column! } : {}) });
      }
      return result.document;
    }
  }
  return { contracts, findings };
}

/** A spec file that cannot be used, located in it when the parser says where. */
class SpecProblem extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
  }
}

/** The content ids of a spec file and of every file it reaches: equal fingerprints, equal contracts. */
function fingerprint(root: string, files: ContractSources['files']): string {
  const seen = new Set([root]);
  const stack = [root];
  while (stack.length) {
    for (const next of files[stack.pop()!]?.refs ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return [root, ...[...seen].filter((p) => p !== root).sort()].map((p) => files[p]?.id ?? 'missing').join('+');
}
