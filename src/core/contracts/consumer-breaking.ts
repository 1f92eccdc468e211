import { InputError } from '../input-error.js';
import { NestingError } from '../nesting.js';
import type { AsyncApiMessage } from './asyncapi/async-api-model.js';
import { diffChannelMessages } from './asyncapi/diff-async-api.js';
import type { ContractChange, ContractDiff } from './contract-change.js';
import { diffJsonSchema } from './diff-json-schema.js';
import { diffOpenApi, type DiffOpenApiOptions } from './diff-open-api.js';
import type { ProvidedSpec } from './fleet-contracts.js';
import { grpcBreaking, protoEventBreaking, type ProtoDiffs } from './proto-edges.js';

/**
 * What a consumer written against `expected` meets in `served`: the breaking changes (ERR,
 * WARN). Neither side declared, or equal contents, break nothing.
 */
export type ConsumerBreaking = (expected: ProvidedSpec | undefined, served: ProvidedSpec | undefined) => ContractChange[];

/**
 * What an event consumer meets in the messages `served` may emit: `event` names the event (an
 * AsyncAPI channel's address), and `backwards` says `served` is the older side (a new consumer
 * reading the old producer's messages, or the messages it left queued).
 */
export type EventConsumerBreaking = (
  expected: ProvidedSpec | undefined,
  served: ProvidedSpec | undefined,
  event: string,
  backwards: boolean,
) => ContractChange[];

/**
 * An HTTP client written against `expected` calling `served` (`diffOpenApi` covers both requests
 * and responses), every operation; callers narrow to what a consumer calls. Each pair of
 * contents is compared once per returned function.
 */
export function httpConsumerBreaking(options: DiffOpenApiOptions): ConsumerBreaking {
  const diffs = new Map<string, ContractChange[]>();
  return (expected, served) => {
    if (!expected || !served || expected.fingerprint === served.fingerprint) return [];
    return once(diffs, `${expected.fingerprint}\u0000${served.fingerprint}`, expected, served, () => diffOpenApi(expected.document, served.document, options));
  };
}

/**
 * An event consumer must accept every message its producer may emit: a JSON Schema payload, an
 * AsyncAPI channel's messages (`diffChannelMessages`) or a protobuf message (buf's rules of the
 * newer side's category, deletions not counting backwards); a change of encoding between JSON
 * and protobuf breaks every reader. Each pair of contents is compared once per returned function.
 */
export function eventConsumerBreaking(): EventConsumerBreaking {
  const diffs = new Map<string, ContractChange[]>();
  const protoDiffs: ProtoDiffs = new Map();
  return (expected, served, event, backwards) => {
    if (!expected || !served || expected.fingerprint === served.fingerprint) return [];
    if (expected.proto || served.proto) {
      // The category is the newer side's choice: the manifest being rolled out says how strict to be.
      const category = (backwards ? expected : served).proto?.category ?? 'WIRE_JSON';
      return eventEncoding(expected, served) ?? protoEventBreaking(expected, served, category, protoDiffs, backwards);
    }
    return once(diffs, `${expected.fingerprint}\u0000${served.fingerprint}\u0000${event}`, expected, served, () =>
      expected.messages || served.messages
        ? { changes: diffChannelMessages(sentMessages(expected), sentMessages(served), 'send', event) }
        : diffJsonSchema(expected.document, served.document, 'producer-to-consumer'),
    );
  };
}

/**
 * What a gRPC client written against `expected` meets at a provider serving `served`: the methods
 * it calls (`methods`; all when absent) and what their requests and responses reach, with buf's
 * rules of the newer side's category (`backwards`: `served` is the older side) — the manifest
 * being rolled out says how strict to be; a side that declares no services has no say. A consumer
 * of every method gets the pair's changes as they are, compared once per pair of contents.
 */
export type GrpcConsumerBreaking = (
  expected: ProvidedSpec | undefined,
  served: ProvidedSpec | undefined,
  methods: readonly string[] | undefined,
  backwards: boolean,
) => ContractChange[];

export function grpcConsumerBreaking(): GrpcConsumerBreaking {
  const diffs: ProtoDiffs = new Map();
  const everyMethod = new Map<string, ContractChange[]>();
  return (expected, served, methods, backwards) => {
    if (!expected || !served) return [];
    const [newer, older] = backwards ? [expected, served] : [served, expected];
    const category = newer.proto?.category ?? older.proto?.category ?? 'WIRE_JSON';
    if (methods) return grpcBreaking(expected, served, methods, category, diffs);
    const pair = `${expected.fingerprint}\u0000${served.fingerprint}\u0000${category}`;
    let changes = everyMethod.get(pair);
    if (!changes) everyMethod.set(pair, (changes = grpcBreaking(expected, served, undefined, category, diffs)));
    return changes;
  };
}

/** The breaking changes of a pair's diff, computed at the first ask; a pair nesting past MAX_NESTING is an `InputError` naming both. */
function once(diffs: Map<string, ContractChange[]>, key: string, expected: ProvidedSpec, served: ProvidedSpec, diff: () => ContractDiff): ContractChange[] {
  let changes = diffs.get(key);
  if (changes) return changes;
  try {
    changes = diff().changes.filter((c) => c.level !== 'INFO');
  } catch (error) {
    if (error instanceof NestingError) throw new InputError(`comparing ${served.path || '(no spec)'} with ${expected.path || '(no spec)'}: ${error.message}`);
    throw error;
  }
  diffs.set(key, changes);
  return changes;
}

/** The messages of an event: an AsyncAPI channel's, or one JSON Schema's (a channel of one message). */
function sentMessages(spec: ProvidedSpec): AsyncApiMessage[] {
  return spec.messages ?? [{ name: 'payload', format: 'json-schema', payload: spec.document }];
}

/** An event whose messages changed between a JSON Schema and a protobuf message: no consumer reads both. */
function eventEncoding(expected: ProvidedSpec, served: ProvidedSpec): ContractChange[] | undefined {
  if (Boolean(expected.proto) === Boolean(served.proto)) return undefined;
  const what = (spec: ProvidedSpec) => (spec.proto ? `protobuf message ${spec.proto.message} (${spec.path})` : `JSON (${spec.path})`);
  return [{ id: 'EVENT_SAME_ENCODING', level: 'ERR', message: `the event's messages changed from ${what(expected)} to ${what(served)}` }];
}
