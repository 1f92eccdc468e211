import type { MatrixKind } from './build-contract-matrix.js';
import type { ContractChange } from './contract-change.js';
import { ABSENT, narrow } from './contract-edges.js';
import { diffJsonSchema } from './diff-json-schema.js';
import { diffOpenApi, type DiffOpenApiOptions } from './diff-open-api.js';
import { producerOf } from './fleet-contracts.js';

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
const EVENT_KIND: MatrixKind = {
  kind: 'event',
  keyField: 'event',
  consumes: (how) => how.event,
  providers: (key, fleet) => {
    const producer = producerOf(fleet, key);
    return producer === undefined ? [] : [producer];
  },
  expected: (key, _provider, fleet) => fleet.get(producerOf(fleet, key) ?? '')?.events.get(key),
  served: (key, provider, fleet) => fleet.get(provider)?.events.get(key),
  compare(expected, served, _how, diff) {
    if (!expected) return { unknown: "nothing emits it at the consumer's commit" };
    return !served || expected.fingerprint === served.fingerprint ? [] : diff(expected, served);
  },
  diff: (expected, served) => breakingEvent(expected.document, served.document),
};

function breakingEvent(expected: unknown, served: unknown): ContractChange[] {
  return breaking(diffJsonSchema(expected, served, 'producer-to-consumer').changes);
}

/** Every kind of edge the matrix shows, in the order its rows list them. */
export function matrixKinds(options: DiffOpenApiOptions): MatrixKind[] {
  return [httpKind(options), EVENT_KIND];
}
