import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ruleLevel } from '../../../src/core/contracts/rule-level.js';
import { ids, spec, withParameters, withRequestBody, withResponseBody } from './spec-builders.js';

/**
 * One schema keyword change is one piece of code, checked at every location a schema sits:
 * each (location, change) pair whose id is in oasdiff's taxonomy must be reported with it, at
 * oasdiff's level. Pairs outside the taxonomy are not oasdiff rules and are not asserted.
 */
type Pair = [base: Record<string, unknown>, revision: Record<string, unknown>];

const s = { type: 'string' };
const member = (title: string) => ({ title, type: 'object', properties: { [title]: s }, required: [title] });

function bound(key: string, type: string): Record<string, Pair> {
  return {
    set: [{ type }, { type, [key]: 5 }],
    unset: [{ type, [key]: 5 }, { type }],
    increased: [
      { type, [key]: 5 },
      { type, [key]: 6 },
    ],
    decreased: [
      { type, [key]: 6 },
      { type, [key]: 5 },
    ],
  };
}

function presence(key: string, value: unknown): Record<string, Pair> {
  return { added: [{ type: 'object' }, { type: 'object', [key]: value }], removed: [{ type: 'object', [key]: value }, { type: 'object' }] };
}

const BOUNDS: [string, string, string][] = [
  ['min', 'minimum', 'integer'],
  ['max', 'maximum', 'integer'],
  ['exclusive-min', 'exclusiveMinimum', 'integer'],
  ['exclusive-max', 'exclusiveMaximum', 'integer'],
  ['min-length', 'minLength', 'string'],
  ['max-length', 'maxLength', 'string'],
  ['min-items', 'minItems', 'array'],
  ['max-items', 'maxItems', 'array'],
  ['min-contains', 'minContains', 'array'],
  ['max-contains', 'maxContains', 'array'],
  ['min-properties', 'minProperties', 'object'],
  ['max-properties', 'maxProperties', 'object'],
];

const PRESENCE: [string, string, unknown][] = [
  ['contains', 'contains', s],
  ['if', 'if', { required: ['a'] }],
  ['then', 'then', { required: ['b'] }],
  ['else', 'else', { required: ['c'] }],
  ['property-names', 'propertyNames', { maxLength: 3 }],
  ['unevaluated-items', 'unevaluatedItems', false],
  ['unevaluated-properties', 'unevaluatedProperties', false],
  ['content-schema', 'contentSchema', s],
  ['dependent-required', 'dependentRequired', { a: ['b'] }],
  ['dependent-schema', 'dependentSchemas', { a: { required: ['b'] } }],
  ['pattern-property', 'patternProperties', { '^x-': s }],
  ['discriminator', 'discriminator', { propertyName: 'kind' }],
];

/** Every keyword change, by the suffix of its rule id. */
const CHANGES: Record<string, Pair> = {
  ...Object.fromEntries(BOUNDS.flatMap(([stem, key, type]) => Object.entries(bound(key, type)).map(([move, pair]) => [`${stem}-${move}`, pair]))),
  ...Object.fromEntries(PRESENCE.flatMap(([stem, key, value]) => Object.entries(presence(key, value)).map(([move, pair]) => [`${stem}-${move}`, pair]))),
  'dependent-required-changed': [{ dependentRequired: { a: ['b'] } }, { dependentRequired: { a: ['c'] } }],
  'prefix-items-added': [
    { type: 'array', prefixItems: [s] },
    { type: 'array', prefixItems: [s, s] },
  ],
  'prefix-items-removed': [
    { type: 'array', prefixItems: [s, s] },
    { type: 'array', prefixItems: [s] },
  ],
  'discriminator-property-name-changed': [{ discriminator: { propertyName: 'kind' } }, { discriminator: { propertyName: 'type' } }],
  'discriminator-mapping-added': [{ discriminator: { propertyName: 'k' } }, { discriminator: { propertyName: 'k', mapping: { a: '#/a' } } }],
  'discriminator-mapping-deleted': [{ discriminator: { propertyName: 'k', mapping: { a: '#/a' } } }, { discriminator: { propertyName: 'k' } }],
  'discriminator-mapping-changed': [
    { discriminator: { propertyName: 'k', mapping: { a: '#/a' } } },
    { discriminator: { propertyName: 'k', mapping: { a: '#/b' } } },
  ],
  ...Object.fromEntries(
    (['oneOf', 'anyOf', 'allOf'] as const).flatMap((key) => {
      const stem = { oneOf: 'one-of', anyOf: 'any-of', allOf: 'all-of' }[key];
      return [
        [`${stem}-added`, [{ [key]: [member('a'), member('b')] }, { [key]: [member('a'), member('b'), member('c')] }]],
        [`${stem}-removed`, [{ [key]: [member('a'), member('b'), member('c')] }, { [key]: [member('a'), member('b')] }]],
      ];
    }),
  ),
  'became-nullable': [{ type: 'string' }, { type: 'string', nullable: true }],
  'became-not-nullable': [{ type: 'string', nullable: true }, { type: 'string' }],
  'wrapped-in-one-of': [member('a'), { oneOf: [member('a'), member('b')] }],
  'list-of-types-narrowed': [{ type: ['string', 'integer'] }, { type: ['string'] }],
  'list-of-types-widened': [{ type: ['string'] }, { type: ['string', 'integer'] }],
  'type-changed': [{ type: 'boolean' }, { type: 'object' }],
  'type-generalized': [{ type: 'integer' }, { type: 'number' }],
  'type-specialized': [{ type: 'number' }, { type: 'integer' }],
  'became-enum': [s, { type: 'string', enum: ['a'] }],
  'enum-value-added': [
    { type: 'string', enum: ['a'] },
    { type: 'string', enum: ['a', 'b'] },
  ],
  'enum-value-removed': [
    { type: 'string', enum: ['a', 'b'] },
    { type: 'string', enum: ['a'] },
  ],
  'const-added': [s, { type: 'string', const: 'a' }],
  'const-removed': [{ type: 'string', const: 'a' }, s],
  'const-changed': [
    { type: 'string', const: 'a' },
    { type: 'string', const: 'b' },
  ],
  'default-value-added': [s, { type: 'string', default: 'a' }],
  'default-value-removed': [{ type: 'string', default: 'a' }, s],
  'default-value-changed': [
    { type: 'string', default: 'a' },
    { type: 'string', default: 'b' },
  ],
  'pattern-added': [s, { type: 'string', pattern: '^a' }],
  'pattern-removed': [{ type: 'string', pattern: '^a' }, s],
  'pattern-changed': [
    { type: 'string', pattern: '^a' },
    { type: 'string', pattern: '^b' },
  ],
  'pattern-generalized': [
    { type: 'string', pattern: '^a' },
    { type: 'string', pattern: '.*' },
  ],
  'content-encoding-changed': [
    { type: 'string', contentEncoding: 'base64' },
    { type: 'string', contentEncoding: 'base32' },
  ],
  'content-media-type-changed': [
    { type: 'string', contentMediaType: 'image/png' },
    { type: 'string', contentMediaType: 'image/gif' },
  ],
  'x-extensible-enum-value-removed': [
    { type: 'string', 'x-extensible-enum': ['a', 'b'] },
    { type: 'string', 'x-extensible-enum': ['a'] },
  ],
};

const inObject = (schema: unknown) => ({ type: 'object', properties: { p: schema } });
const header = (schema: unknown) => spec({ '/items': { get: { responses: { '200': { description: 'ok', headers: { 'X-H': { schema } } } } } } });

/** Where a schema sits, by the prefix of its rule ids. */
const LOCATIONS: Record<string, (schema: Record<string, unknown>) => Record<string, unknown>> = {
  'request-body': (schema) => withRequestBody(schema),
  'request-property': (schema) => withRequestBody(inObject(schema)),
  'request-parameter': (schema) => withParameters([{ name: 'q', in: 'query', schema }]),
  'request-parameter-property': (schema) => withParameters([{ name: 'q', in: 'query', schema: inObject(schema) }]),
  'request-read-only-property': (schema) => withRequestBody(inObject({ ...schema, readOnly: true })),
  'response-body': (schema) => withResponseBody(schema),
  'response-property': (schema) => withResponseBody(inObject(schema)),
  'response-header': (schema) => header(schema),
  'response-write-only-property': (schema) => withResponseBody(inObject({ ...schema, writeOnly: true })),
};

describe('schema keyword changes at every location', () => {
  for (const [prefix, place] of Object.entries(LOCATIONS)) {
    it(`reports each keyword change of a ${prefix.replace(/-/g, ' ')} with its oasdiff id and level`, () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const [suffix, [base, revision]] of Object.entries(CHANGES)) {
        const id = `${prefix}-${suffix}`;
        const level = ruleLevel(id);
        if (level === undefined) continue;
        checked++;
        const said = ids(place(base), place(revision));
        if (!said.includes(`${id}:${level}`)) wrong.push(`${id}:${level} (said ${said.join(', ') || 'nothing'})`);
      }
      assert.deepEqual(wrong, []);
      assert.ok(checked > 0, `no rule id of oasdiff's starts with ${prefix}`);
    });
  }
});
