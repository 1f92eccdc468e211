/**
 * Hostile inputs shared by the tests of tranche's readers: documents nested past any sensible
 * depth, and (for the property tests) fast-check arbitraries of text, data and mutations.
 */

/** JSON nested `levels` deep, objects all the way down: `{"a":{"a":…1…}}`. */
export function deepJson(levels: number, key = 'a'): string {
  return `{"${key}":`.repeat(levels) + '1' + '}'.repeat(levels);
}

/** YAML flow lists nested `levels` deep: `[[[…]]]`, which is also JSON. */
export function deepFlowList(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

/** YAML block maps nested `levels` deep, each indented one more space, under `indent`. */
export function deepBlockYaml(levels: number, indent = ''): string {
  const lines: string[] = [];
  for (let i = 0; i < levels; i++) lines.push(`${indent}${' '.repeat(i)}a:`);
  lines.push(`${indent}${' '.repeat(levels)}b: 1`);
  return `${lines.join('\n')}\n`;
}

/** A JSON Schema of an object whose property `a` is such an object, `levels` schemas deep (two JSON levels each). */
export function deepSchema(levels: number, leaf = 'string'): string {
  return '{"type":"object","properties":{"a":'.repeat(levels) + `{"type":"${leaf}"}` + '}}'.repeat(levels);
}

/** An OpenAPI document whose one response holds `deepSchema(levels)`. */
export function deepOpenApi(levels: number, leaf = 'string'): string {
  return `{"openapi":"3.0.3","info":{"title":"deep","version":"1"},"paths":{"/x":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":${deepSchema(levels, leaf)}}}}}}}}}`;
}

/**
 * An OpenAPI document whose response is a chain of `links` component schemas, each holding the
 * next by `$ref`: each file is shallow, the schema is `links` deep. The components are listed
 * last first, so that resolving them never recurses far: only walking the result does.
 */
export function refChainOpenApi(links: number, leaf = 'string'): string {
  const schemas: Record<string, unknown> = {};
  for (let i = links; i >= 0; i--) schemas[`S${i}`] = i === links ? { type: leaf } : { type: 'object', properties: { next: { $ref: `#/components/schemas/S${i + 1}` } } };
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'chain', version: '1' },
    components: { schemas },
    paths: { '/x': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/S0' } } } } } } } },
  });
}
