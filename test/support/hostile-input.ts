import fc from 'fast-check';

/**
 * Hostile inputs shared by the tests of tranche's readers: documents nested past any sensible
 * depth, and (for the property tests) fast-check arbitraries of text, data and mutations.
 */

/** JSON nested `levels` deep, objects all the way down: `{"a":{"a":…1…}}`. */
export function deepJson(levels: number, key = 'a'): string {
  return `${`{"${key}":`.repeat(levels)}1${'}'.repeat(levels)}`;
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
  return `${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"${leaf}"}${'}}'.repeat(levels)}`;
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
  for (let i = links; i >= 0; i--)
    schemas[`S${i}`] = i === links ? { type: leaf } : { type: 'object', properties: { next: { $ref: `#/components/schemas/S${i + 1}` } } };
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'chain', version: '1' },
    components: { schemas },
    paths: { '/x': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/S0' } } } } } } } },
  });
}

// ---------------------------------------------------------------------------------------------
// Arbitraries for the readers' property tests: whatever a user (or an attacker) can put in a file.
// ---------------------------------------------------------------------------------------------

/** Keys that name something on every object's prototype: a reader must treat them as data. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'] as const;

/** Numbers at and past every edge: too large for a double, past exact integers, negative zero, other radixes. */
export const EDGE_NUMBERS = [
  '1e400',
  '-1e400',
  '9007199254740993',
  '-0',
  '0x1F',
  '0o17',
  '0b101',
  '.inf',
  '-.Inf',
  '.NaN',
  '1'.repeat(400),
  '1e-400',
  '01',
  '1_000',
] as const;

/** Pieces of syntax of the formats tranche reads, for splicing into valid text. */
const TOKENS = [
  ':',
  ': ',
  '- ',
  '-',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '`',
  '\n',
  '\r\n',
  '\r',
  '  ',
  '\t',
  '#',
  '&a ',
  '*a',
  '!tag ',
  '!!str ',
  '|',
  '>',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '=',
  'export ',
  '${',
  '${X}',
  '${X:-${Y}}',
  '$',
  '$$',
  '\\',
  '\\u0000',
  '\u0000',
  '\uFEFF',
  '\u2028',
  '\u001b[31m',
  '\uD800',
  '\uFFFD',
  'é',
  '😀',
  '? ',
  '<<: *a\n',
  '@',
  '@1.0.0',
  '://',
  '$ref',
  '"$ref": "#/x"',
  '"$ref": "other.yaml#/a"',
  '"$ref": "#"',
  '[[package]]\n',
  '= "',
  'require (',
  ')',
  '// indirect',
  ...PROTOTYPE_KEYS.map((k) => `${k}: `),
  ...PROTOTYPE_KEYS.map((k) => `"${k}":`),
  ...EDGE_NUMBERS,
] as const;

type Edit = { kind: 'insert' | 'replace' | 'delete' | 'duplicate'; at: number; length: number; text: string };

/** `text` with `edits` applied, each at a position taken modulo the text's length at that point. */
function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % (out.length + 1);
    const end = Math.min(out.length, at + edit.length);
    if (edit.kind === 'insert') out = out.slice(0, at) + edit.text + out.slice(at);
    else if (edit.kind === 'replace') out = out.slice(0, at) + edit.text + out.slice(end);
    else if (edit.kind === 'delete') out = out.slice(0, at) + out.slice(end);
    else out = out.slice(0, end) + out.slice(at, end) + out.slice(end);
  }
  return out;
}

/** Valid texts broken a few edits at a time: splices of syntax, deletions, repeated ranges. */
export function mutated(valid: readonly string[]): fc.Arbitrary<string> {
  const edit: fc.Arbitrary<Edit> = fc.record({
    kind: fc.constantFrom('insert', 'replace', 'delete', 'duplicate'),
    at: fc.nat(),
    length: fc.nat({ max: 40 }),
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
  });
  return fc.tuple(fc.constantFrom(...valid), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([text, edits]) => applyEdits(text, edits));
}

/** Any bytes, decoded as tranche decodes a file (invalid UTF-8 included). */
export const anyBytes: fc.Arbitrary<string> = fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes));

/** A key of a map: often a name, sometimes a prototype key, sometimes anything. */
const key = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** A scalar: a string, a number at an edge, a boolean, null. */
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.double(), fc.integer(), fc.constantFrom(...EDGE_NUMBERS), fc.boolean(), fc.constant(null));

/** Plain data of any shape, prototype keys among its keys. */
export const anyData: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/**
 * Nesting around MAX_NESTING, and far past it (where a recursive reader overflows the stack):
 * maps, lists, blocks (at most 1,000 deep: each line is indented one more space), `${…}` in `${…}`.
 */
export const deepText: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.integer({ min: 250, max: 300 }), fc.constantFrom(3_000, 20_000)), fc.constantFrom('map', 'list', 'block', 'reference'))
  .map(([levels, kind]) => {
    if (kind === 'map') return deepJson(levels);
    if (kind === 'list') return deepFlowList(levels);
    if (kind === 'block') return deepBlockYaml(Math.min(levels, 1_000));
    const nested = `${'${A:-'.repeat(levels)}x${'}'.repeat(levels)}`;
    return `KEY: "${nested}"\nK=${nested}\n`;
  });

/** Everything above, for a reader whose valid inputs are `valid`, with JSON and YAML renderings of data. */
export function hostileText(valid: readonly string[], toText: Array<(data: unknown) => string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: anyBytes },
    { weight: 2, arbitrary: fc.tuple(anyData, fc.constantFrom(...toText)).map(([data, render]) => render(data)) },
    { weight: 1, arbitrary: deepText },
  );
}
