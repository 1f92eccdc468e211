import { type AsyncApiMessage, AsyncApiProblem, type DocumentPath, type PayloadFormat } from './async-api-model.js';
import { checkAvroSchema } from './avro-compatibility.js';
import { componentName, type PlaceOf } from './document-places.js';

/** Media types of payload schemas: AsyncAPI's own (its JSON Schema dialect), JSON Schema, OpenAPI, Avro. */
const FORMATS: [RegExp, PayloadFormat][] = [
  [/^application\/vnd\.aai\.asyncapi(\+json|\+yaml)?\s*(;|$)/i, 'json-schema'],
  [/^application\/schema(\+json|\+yaml)?\s*(;|$)/i, 'json-schema'],
  [/^application\/vnd\.oai\.openapi(\+json|\+yaml)?\s*(;|$)/i, 'json-schema'],
  [/^application\/vnd\.apache\.avro(\+json|\+yaml)?\s*(;|$)/i, 'avro'],
];

/**
 * A message and its payload. The name is the `messageId`, else `name`, else the key it is
 * declared under (its component or channel key), else `fallback`. The schema format is the
 * message's `schemaFormat` (2.x) or the payload's Multi Format Schema Object (3.0); without one,
 * AsyncAPI's JSON Schema.
 */
export function readMessage(message: Record<string, unknown>, at: DocumentPath, fallback: string, placeOf: PlaceOf): AsyncApiMessage {
  const path = placeOf(message, at);
  const name =
    typeof message.messageId === 'string' ? message.messageId : typeof message.name === 'string' ? message.name : (componentName(message) ?? fallback);
  let schemaFormat = message.schemaFormat;
  let payload = message.payload;
  let payloadPath = placeOf(payload, [...path, 'payload']);
  let formatPath: DocumentPath = [...path, 'schemaFormat'];
  // 3.0's Multi Format Schema Object: `{ schemaFormat, schema }` in place of the schema.
  if (payload !== null && typeof payload === 'object' && 'schemaFormat' in payload && 'schema' in payload) {
    schemaFormat = payload.schemaFormat;
    formatPath = [...payloadPath, 'schemaFormat'];
    payload = payload.schema;
    payloadPath = placeOf(payload, [...payloadPath, 'schema']);
  }
  const format = formatOf(schemaFormat, formatPath);
  if (payload === undefined) return { name, format, payload: {} };
  if (format === 'avro') {
    const problem = checkAvroSchema(payload);
    if (problem !== undefined) throw new AsyncApiProblem(`message ${name}: not a valid Avro schema: ${problem}`, payloadPath);
  } else if (typeof payload !== 'boolean' && (payload === null || typeof payload !== 'object' || Array.isArray(payload))) {
    throw new AsyncApiProblem(`message ${name}: payload must be a schema (a mapping)`, payloadPath);
  }
  return { name, format, payload };
}

function formatOf(schemaFormat: unknown, path: DocumentPath): PayloadFormat {
  if (schemaFormat === undefined) return 'json-schema';
  if (typeof schemaFormat !== 'string') throw new AsyncApiProblem('schemaFormat must be a string', path);
  const format = FORMATS.find(([pattern]) => pattern.test(schemaFormat.trim()))?.[1];
  if (format === undefined)
    throw new AsyncApiProblem(`schemaFormat ${JSON.stringify(schemaFormat)} is not supported: JSON Schema (the default), OpenAPI and Avro payloads are`, path);
  return format;
}
