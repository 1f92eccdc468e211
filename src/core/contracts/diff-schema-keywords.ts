import type { SchemaRecursion } from './diff-schema.js';
import type { PresenceStem } from './emitted-rule-ids.js';
import { emitAttribute, nestedContext, type SchemaContext } from './schema-context.js';
import { refOrigin } from './resolve-refs.js';
import { deepEqual, isNullSchema, isObject, show, type Schema } from './schema-facts.js';

/** Subschema keywords whose appearance or disappearance is itself a change. */
const PRESENCE: ReadonlyArray<[string, PresenceStem]> = [
  ['contains', 'contains'],
  ['if', 'if'],
  ['then', 'then'],
  ['else', 'else'],
  ['propertyNames', 'property-names'],
  ['unevaluatedItems', 'unevaluated-items'],
  ['unevaluatedProperties', 'unevaluated-properties'],
  ['contentSchema', 'content-schema'],
];

/**
 * Compares the JSON Schema keywords beyond types and values: conditional and content keywords,
 * dependent requirements, tuple items, pattern properties, discriminators and the
 * oneOf/anyOf/allOf compositions.
 */
export function diffSchemaKeywords(b: Schema, r: Schema, ctx: SchemaContext, path: string, recurse: SchemaRecursion): void {
  // Most schemas use none of these keywords: one pass over their keys saves a dozen lookups
  // and path strings per schema on large specs.
  if (!usesKeywords(b) && !usesKeywords(r)) return;
  const inner = nestedContext(ctx);
  for (const [key, stem] of PRESENCE) {
    if (b[key] === undefined && r[key] !== undefined) emitAttribute(ctx, `${stem}-added`, `${key} added`, path);
    else if (b[key] !== undefined && r[key] === undefined) emitAttribute(ctx, `${stem}-removed`, `${key} removed`, path);
    else recurse(b[key], r[key], inner, `${path}/${key}`);
  }
  // oasdiff walks `not` like any subschema (same direction); so do we, for comparable reports.
  recurse(b.not, r.not, inner, `${path}/not`);
  for (const [key, stem] of [
    ['contentEncoding', 'content-encoding'],
    ['contentMediaType', 'content-media-type'],
  ] as const) {
    if (b[key] !== r[key]) emitAttribute(ctx, `${stem}-changed`, `${key} changed from ${show(b[key])} to ${show(r[key])}`, path);
  }
  diffKeyed(b.dependentRequired, r.dependentRequired, 'dependent-required', ctx, path, (from, to, key) => {
    if (!deepEqual(from, to)) emitAttribute(ctx, 'dependent-required-changed', `dependentRequired for ${key} changed`, path);
  });
  diffKeyed(b.dependentSchemas, r.dependentSchemas, 'dependent-schema', ctx, path, (from, to, key) =>
    recurse(from, to, inner, `${path}/dependentSchemas/${key}`),
  );
  diffKeyed(b.patternProperties, r.patternProperties, 'pattern-property', ctx, path, (from, to, key) =>
    recurse(from, to, inner, `${path}/patternProperties/${key}`),
  );
  diffPrefixItems(b, r, ctx, path, recurse);
  diffDiscriminator(b.discriminator, r.discriminator, ctx, path);
  for (const [key, stem] of [
    ['oneOf', 'one-of'],
    ['anyOf', 'any-of'],
    ['allOf', 'all-of'],
  ] as const) {
    diffComposition(b[key], r[key], key, stem, ctx, path, recurse);
  }
}

const KEYWORDS = new Set([
  ...PRESENCE.map(([key]) => key),
  'not',
  'contentEncoding',
  'contentMediaType',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'prefixItems',
  'discriminator',
  'oneOf',
  'anyOf',
  'allOf',
]);

function usesKeywords(schema: Schema): boolean {
  for (const key in schema) if (KEYWORDS.has(key)) return true;
  return false;
}

/** Reports keys added to or removed from a keyword map, and compares the shared ones. */
function diffKeyed(
  from: unknown,
  to: unknown,
  stem: 'dependent-required' | 'dependent-schema' | 'pattern-property',
  ctx: SchemaContext,
  path: string,
  shared: (f: unknown, t: unknown, key: string) => void,
): void {
  const f = isObject(from) ? from : {};
  const t = isObject(to) ? to : {};
  for (const key of Object.keys(t)) if (!(key in f)) emitAttribute(ctx, `${stem}-added`, `${stem.replace(/-/g, ' ')} ${key} added`, path);
  for (const key of Object.keys(f)) {
    if (!(key in t)) emitAttribute(ctx, `${stem}-removed`, `${stem.replace(/-/g, ' ')} ${key} removed`, path);
    else shared(f[key], t[key], key);
  }
}

function diffPrefixItems(b: Schema, r: Schema, ctx: SchemaContext, path: string, recurse: SchemaRecursion): void {
  const from = Array.isArray(b.prefixItems) ? b.prefixItems : [];
  const to = Array.isArray(r.prefixItems) ? r.prefixItems : [];
  if (to.length > from.length) emitAttribute(ctx, 'prefix-items-added', `prefixItems grew from ${from.length} to ${to.length}`, path);
  if (to.length < from.length) emitAttribute(ctx, 'prefix-items-removed', `prefixItems shrank from ${from.length} to ${to.length}`, path);
  const inner = nestedContext(ctx);
  for (let i = 0; i < Math.min(from.length, to.length); i++) recurse(from[i], to[i], inner, `${path}/prefixItems/${i}`);
}

function diffDiscriminator(from: unknown, to: unknown, ctx: SchemaContext, path: string): void {
  if (!isObject(from) && !isObject(to)) return;
  if (!isObject(from)) return void emitAttribute(ctx, 'discriminator-added', 'discriminator added', path);
  if (!isObject(to)) return void emitAttribute(ctx, 'discriminator-removed', 'discriminator removed', path);
  if (from.propertyName !== to.propertyName) {
    emitAttribute(
      ctx,
      'discriminator-property-name-changed',
      `discriminator property changed from ${show(from.propertyName)} to ${show(to.propertyName)}`,
      path,
    );
  }
  const fm = isObject(from.mapping) ? from.mapping : {};
  const tm = isObject(to.mapping) ? to.mapping : {};
  for (const key of Object.keys(tm)) if (!(key in fm)) emitAttribute(ctx, 'discriminator-mapping-added', `discriminator mapping ${key} added`, path);
  for (const key of Object.keys(fm)) {
    if (!(key in tm)) emitAttribute(ctx, 'discriminator-mapping-deleted', `discriminator mapping ${key} deleted`, path);
    else if (!deepEqual(fm[key], tm[key])) emitAttribute(ctx, 'discriminator-mapping-changed', `discriminator mapping ${key} changed`, path);
  }
}

/**
 * Matches subschemas of a composition: equal ones pair up; when the leftovers are as many on
 * both sides they are compared in order (modified alternatives), otherwise they are reported as
 * added or removed.
 */
function diffComposition(
  from: unknown,
  to: unknown,
  key: string,
  stem: 'one-of' | 'any-of' | 'all-of',
  ctx: SchemaContext,
  path: string,
  recurse: SchemaRecursion,
): void {
  const f = (Array.isArray(from) ? from : []).filter((s) => !isNullSchema(s));
  const t = (Array.isArray(to) ? to : []).filter((s) => !isNullSchema(s));
  if (f.length === 0 && t.length === 0) return;
  // Pair alternatives one-to-one: first by the $ref they came from, then by equal content.
  const leftTo = [...t];
  const pairOff = (same: (a: unknown, b: unknown) => boolean) => (s: unknown) => {
    const i = leftTo.findIndex((x) => same(s, x));
    if (i === -1) return true;
    const [match] = leftTo.splice(i, 1);
    recurse(s, match, ctx, `${path}/${key}/${f.indexOf(s)}`);
    return false;
  };
  const leftFrom = f
    .filter(pairOff((a, b) => refOrigin(a) !== undefined && refOrigin(a) === refOrigin(b)))
    .filter(pairOff((a, b) => refOrigin(a) === undefined && refOrigin(b) === undefined && deepEqual(a, b)))
    .filter(pairOff((a, b) => deepEqual(a, b)));
  if (leftFrom.length === leftTo.length) {
    leftFrom.forEach((s, i) => recurse(s, leftTo[i], ctx, `${path}/${key}/${f.indexOf(s)}`));
    return;
  }
  for (const s of leftFrom) {
    const suffix = stem === 'all-of' && isAnnotationOnly(s) ? 'all-of-removed-annotation-only' : (`${stem}-removed` as const);
    emitAttribute(ctx, suffix, `${key} alternative ${label(s)} removed`, path);
  }
  for (const s of leftTo) {
    const suffix = stem === 'all-of' && isAnnotationOnly(s) ? 'all-of-added-annotation-only' : (`${stem}-added` as const);
    emitAttribute(ctx, suffix, `${key} alternative ${label(s)} added`, path);
  }
}

/** Keywords that describe without constraining: an allOf member made of them alone accepts everything. */
const ANNOTATIONS = new Set(['title', 'description', 'example', 'examples', 'default', 'externalDocs', '$comment', 'deprecated']);

function isAnnotationOnly(schema: unknown): boolean {
  return isObject(schema) && Object.keys(schema).every((key) => ANNOTATIONS.has(key) || key.startsWith('x-'));
}

function label(schema: unknown): string {
  if (!isObject(schema)) return show(schema);
  return typeof schema.title === 'string' ? schema.title : show(schema.type ?? 'schema');
}
