import type { MatrixKind } from './build-contract-matrix.js';
import type { ContractChange } from './contract-change.js';
import { ABSENT, ABSENT_PROTO, eventEncoding, narrow } from './contract-edges.js';
import { diffJsonSchema } from './diff-json-schema.js';
import { diffOpenApi, type DiffOpenApiOptions } from './diff-open-api.js';
import { producerOf, type ProvidedSpec } from './fleet-contracts.js';
import { grpcBreaking, protoEventBreaking, type ProtoDiffs } from './proto-edges.js';

/** Breaking changes only: INFO changes break no consumer. */
const breaking = (changes: ContractChange[]) => changes.filter((c) => c.level !== 'INFO');

/**
 * An HTTP API: `consumes.<provider>.http`. The served API is checked as a client written against
 * the expected one calls it (requests and responses), narrowed to `operations` as plans narrow
 * it. A target that declares no API serves none (it dropped it); a deployed version that
 * declares none is not judged (it may predate the declaration), as plans take them.
 */
function httpKind(options: DiffOpenApiOptions): MatrixKind {
  return {
    kind: 'http',
    consumes: (how) => how.http,
    providers: (key) => [key],
    expected: (_key, provider, fleet) => fleet.get(provider)?.http,
    served: (_key, provider, fleet) => fleet.get(provider)?.http,
    compare(expected, served, how, diff, servedBy) {
      if (!expected) return { unknown: "no HTTP contract of it is declared at the consumer's commit" };
      if (!served && servedBy === 'old') return { unknown: 'it declares no HTTP contract at the commit it runs' };
      return narrow(expected.fingerprint === served?.fingerprint ? [] : diff(expected, served ?? ABSENT), how.operations);
    },
    diff: (expected, served) => breaking(diffOpenApi(expected.document, served.document, options).changes),
  };
}

/**
 * An event: `consumes.<event>.event`, provided by the service that emits it. The consumer must
 * accept every message its producer may emit; a producer that emits none sends nothing to
 * refuse.
 */
function eventKind(): MatrixKind {
  const protoDiffs: ProtoDiffs = new Map();
  return {
    kind: 'event',
    keyField: 'event',
    consumes: (how) => how.event,
    providers: (key, fleet) => {
      const producer = producerOf(fleet, key);
      return producer === undefined ? [] : [producer];
    },
    expected: (key, _provider, fleet) => fleet.get(producerOf(fleet, key) ?? '')?.events.get(key),
    served: (key, provider, fleet) => fleet.get(provider)?.events.get(key),
    compare(expected, served, _how, diff, servedBy) {
      if (!expected) return { unknown: "nothing emits it at the consumer's commit" };
      if (!served || expected.fingerprint === served.fingerprint) return [];
      // Protobuf messages as plans compare them: the old producer's messages read by a newer consumer count no deletion.
      if (expected.proto || served.proto) {
        const category = (served.proto ?? expected.proto)?.category ?? 'WIRE_JSON';
        return eventEncoding(expected, served) ?? protoEventBreaking(expected, served, category, protoDiffs, servedBy === 'old');
      }
      return diff(expected, served);
    },
    diff: (expected, served) => breakingEvent(expected.document, served.document),
  };
}

function breakingEvent(expected: unknown, served: unknown): ContractChange[] {
  return breaking(diffJsonSchema(expected, served, 'producer-to-consumer').changes);
}

/**
 * gRPC services: `consumes.<provider>.grpc`. The served tree is checked with buf's rules of the
 * provider's category as plans check it: the methods the consumer calls (`methods`; all when
 * absent) and what their requests and responses reach. A target that declares no services
 * serves none; a deployed version that declares none is not judged.
 */
function grpcKind(): MatrixKind {
  const diffs: ProtoDiffs = new Map();
  const category = (expected: ProvidedSpec, served: ProvidedSpec) => (served.proto ?? expected.proto)?.category ?? 'WIRE_JSON';
  return {
    kind: 'grpc',
    consumes: (how) => how.grpc === true,
    providers: (key) => [key],
    expected: (_key, provider, fleet) => fleet.get(provider)?.grpc,
    served: (_key, provider, fleet) => fleet.get(provider)?.grpc,
    compare(expected, served, how, diff, servedBy) {
      if (!expected) return { unknown: "no gRPC contract of it is declared at the consumer's commit" };
      if (!served && servedBy === 'old') return { unknown: 'it declares no gRPC contract at the commit it runs' };
      const tree = served ?? ABSENT_PROTO;
      // A consumer of every method gets the pair's changes as they are, cached per pair of contents.
      return how.methods ? grpcBreaking(expected, tree, how.methods, category(expected, tree), diffs) : diff(expected, tree);
    },
    diff: (expected, served) => grpcBreaking(expected, served, undefined, category(expected, served), diffs),
  };
}

/** Every kind of edge the matrix shows, in the order its rows list them. */
export function matrixKinds(options: DiffOpenApiOptions): MatrixKind[] {
  return [httpKind(options), grpcKind(), eventKind()];
}
