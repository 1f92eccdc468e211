/**
 * Why `document` is not an OpenAPI document tranche compares (3.0 or 3.1), and where: at its
 * `openapi` field, or at its start when it has none (a .proto, an AsyncAPI document, any YAML);
 * undefined when it is one. Compared anyway, such a document would be an API without operations
 * and pass every change.
 */
export function openApiVersionProblem(document: unknown): { message: string; path: string[] } | undefined {
  const record = document !== null && typeof document === 'object' ? (document as Record<string, unknown>) : undefined;
  const version = record?.openapi;
  if (typeof version === 'string' && /^3\.[01]\./.test(version)) return undefined;
  if (version === undefined) {
    const other = record && 'asyncapi' in record ? ' (an AsyncAPI document: --kind asyncapi)' : '';
    return {
      message: `not an OpenAPI 3.0 or 3.1 document: it has no openapi field${other}; --kind protobuf, asyncapi or jsonschema compares other contracts`,
      path: [],
    };
  }
  return { message: `OpenAPI ${JSON.stringify(version)} is not read: tranche compares OpenAPI 3.0 and 3.1`, path: ['openapi'] };
}
