import { ChangeSink } from './change-sink.js';
import type { ContractDiff } from './contract-change.js';
import { diffSchema } from './diff-schema.js';
import { resolveRefs } from './resolve-refs.js';
import { rootContext } from './schema-context.js';

/**
 * Which way messages flow between the two schemas. `producer-to-consumer`: `base` is the schema
 * consumers were written against, `revision` what the producer may now emit; consumers must
 * accept every message it may emit (response-side rules). `consumer-to-producer`: `revision` is
 * a consumer's new schema and must still accept what producers written against `base` send
 * (request-side rules).
 */
export type SchemaDirection = 'producer-to-consumer' | 'consumer-to-producer';

/**
 * Compares two JSON Schemas of an event payload with the same rules as OpenAPI bodies, reporting
 * `response-body-*` / `response-property-*` ids for producer-to-consumer and `request-body-*` /
 * `request-property-*` ids for consumer-to-producer. Local `$ref`s are resolved.
 */
export function diffJsonSchema(base: unknown, revision: unknown, direction: SchemaDirection): ContractDiff {
  const sink = new ChangeSink();
  diffSchema(resolveRefs(base), resolveRefs(revision), rootContext(direction === 'producer-to-consumer' ? 'response' : 'request', 'body', sink, ''));
  return { changes: sink.changes };
}
