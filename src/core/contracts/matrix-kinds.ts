import type { MatrixKind } from './build-contract-matrix.js';
import { eventConsumerBreaking, grpcConsumerBreaking, httpConsumerBreaking } from './consumer-breaking.js';
import { ABSENT, ABSENT_PROTO, narrow } from './contract-edges.js';
import type { DiffOpenApiOptions } from './diff-open-api.js';
import { producersOf } from './fleet-contracts.js';

/**
 * An HTTP API: `consumes.<provider>.http`. The served API is checked as a client written against
 * the expected one calls it (requests and responses), narrowed to `operations` as plans narrow
 * it. A target that declares no API serves none (it dropped it); a deployed version that
 * declares none is not judged (it may predate the declaration), as plans take them.
 */
function httpKind(options: DiffOpenApiOptions): MatrixKind {
  const breaking = httpConsumerBreaking(options);
  return {
    kind: 'http',
    consumes: (how) => how.http,
    providers: (key) => [key],
    expected: (_key, provider, fleet) => fleet.get(provider)?.http,
    served: (_key, provider, fleet) => fleet.get(provider)?.http,
    compare(_key, expected, served, how, servedBy) {
      if (!expected) return { unknown: "no HTTP contract of it is declared at the consumer's commit" };
      if (!served && servedBy === 'old') return { unknown: 'it declares no HTTP contract at the commit it runs' };
      return narrow(breaking(expected, served ?? ABSENT), how.operations);
    },
  };
}

/**
 * An event: `consumes.<event>.event` (or an AsyncAPI document's receiving operation), provided by
 * each service that sends it, as plans pair them: a channel several services send to has a row
 * per sender. The consumer must accept every message the sender may emit, compared as plans
 * compare them (JSON Schema, AsyncAPI messages, protobuf); a sender that emits none sends
 * nothing to refuse.
 */
function eventKind(): MatrixKind {
  const breaking = eventConsumerBreaking();
  return {
    kind: 'event',
    keyField: 'event',
    consumes: (how) => how.event,
    providers: (key, fleet) => producersOf(fleet, key),
    expected(key, provider, fleet) {
      const own = fleet.get(provider)?.events.get(key);
      if (own) return own;
      // The provider did not send it then: the consumer was written against its sole sender of that commit.
      const senders = producersOf(fleet, key);
      return senders.length === 1 ? fleet.get(senders[0]!)!.events.get(key) : undefined;
    },
    served: (key, provider, fleet) => fleet.get(provider)?.events.get(key),
    compare(key, expected, served, _how, servedBy) {
      if (!expected) return { unknown: "nothing emits it at the consumer's commit that it was written against" };
      return breaking(expected, served, key, servedBy === 'old');
    },
  };
}

/**
 * gRPC services: `consumes.<provider>.grpc`. The served tree is checked with buf's rules of the
 * newer side's category (the served side's, but for an older provider) as plans check it: the methods the consumer calls (`methods`; all when
 * absent) and what their requests and responses reach. A target that declares no services
 * serves none; a deployed version that declares none is not judged.
 */
function grpcKind(): MatrixKind {
  const grpc = grpcConsumerBreaking();
  return {
    kind: 'grpc',
    consumes: (how) => how.grpc === true,
    providers: (key) => [key],
    expected: (_key, provider, fleet) => fleet.get(provider)?.grpc,
    served: (_key, provider, fleet) => fleet.get(provider)?.grpc,
    compare(_key, expected, served, how, servedBy) {
      if (!expected) return { unknown: "no gRPC contract of it is declared at the consumer's commit" };
      if (!served && servedBy === 'old') return { unknown: 'it declares no gRPC contract at the commit it runs' };
      return grpc(expected, served ?? ABSENT_PROTO, how.methods, servedBy === 'old');
    },
  };
}

/** Every kind of edge the matrix shows, in the order its rows list them. */
export function matrixKinds(options: DiffOpenApiOptions): MatrixKind[] {
  return [httpKind(options), grpcKind(), eventKind()];
}
