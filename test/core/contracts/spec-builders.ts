import { diffOpenApi, resolveRefs } from '../../../src/core/contracts/index.js';

/** A minimal OpenAPI 3.1 document around the given paths and component schemas. */
export function spec(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components: { schemas }, ...extra };
}

/** A POST /items operation taking `schema` as its JSON body and answering 200. */
export function withRequestBody(schema: unknown, schemas: Record<string, unknown> = {}): Record<string, unknown> {
  return spec(
    { '/items': { post: { requestBody: { required: true, content: { 'application/json': { schema } } }, responses: { '200': { description: 'ok' } } } } },
    schemas,
  );
}

/** A GET /items operation answering 200 with `schema` as its JSON body. */
export function withResponseBody(schema: unknown, schemas: Record<string, unknown> = {}): Record<string, unknown> {
  return spec({ '/items': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } } } } }, schemas);
}

/** A GET /items operation with the given parameters. */
export function withParameters(parameters: unknown[]): Record<string, unknown> {
  return spec({ '/items': { get: { parameters, responses: { '200': { description: 'ok' } } } } });
}

/** `id:LEVEL` strings of the changes between two documents (refs resolved), sorted. */
export function ids(base: unknown, revision: unknown, now = Date.parse('2025-01-01')): string[] {
  return diffOpenApi(resolveRefs(base), resolveRefs(revision), { now })
    .changes.map((c) => `${c.id}:${c.level}`)
    .sort();
}
