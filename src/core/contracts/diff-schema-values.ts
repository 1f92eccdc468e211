import type { BoundStem } from './emitted-rule-ids.js';
import { emitAttribute, emitId, type SchemaContext } from './schema-context.js';
import { deepEqual, show, type Schema } from './schema-facts.js';

/** Lower bounds (raising them rejects values) and upper bounds, by keyword and rule-id stem. */
const LOWER: ReadonlyArray<[string, BoundStem]> = [
  ['minimum', 'min'],
  ['exclusiveMinimum', 'exclusive-min'],
  ['minLength', 'min-length'],
  ['minItems', 'min-items'],
  ['minContains', 'min-contains'],
  ['minProperties', 'min-properties'],
];
const UPPER: ReadonlyArray<[string, BoundStem]> = [
  ['maximum', 'max'],
  ['exclusiveMaximum', 'exclusive-max'],
  ['maxLength', 'max-length'],
  ['maxItems', 'max-items'],
  ['maxContains', 'max-contains'],
  ['maxProperties', 'max-properties'],
];

/** Compares the value constraints of two schemas: enum, const, default, pattern and bounds. */
export function diffSchemaValues(b: Schema, r: Schema, ctx: SchemaContext, path: string): void {
  diffEnum(b, r, ctx, path);
  diffExtensibleEnum(b, r, ctx, path);
  for (const [key, stem] of [
    ['const', 'const'],
    ['default', 'default-value'],
  ] as const) {
    const from = b[key];
    const to = r[key];
    if (from === undefined && to !== undefined) emitAttribute(ctx, `${stem}-added`, `${key} ${show(to)} added`, path);
    else if (from !== undefined && to === undefined) emitAttribute(ctx, `${stem}-removed`, `${key} ${show(from)} removed`, path);
    else if (!deepEqual(from, to)) emitAttribute(ctx, `${stem}-changed`, `${key} changed from ${show(from)} to ${show(to)}`, path);
  }
  diffPattern(b, r, ctx, path);
  for (const [key, stem] of LOWER) diffBound(b[key], r[key], key, stem, ctx, path);
  for (const [key, stem] of UPPER) diffBound(b[key], r[key], key, stem, ctx, path);
}

function diffEnum(b: Schema, r: Schema, ctx: SchemaContext, path: string): void {
  const from = Array.isArray(b.enum) ? b.enum : undefined;
  const to = Array.isArray(r.enum) ? r.enum : undefined;
  if (to === undefined) return;
  if (from === undefined) {
    emitAttribute(ctx, 'became-enum', `values restricted to ${show(to)}`, path);
    if (ctx.parameterIn === 'header')
      emitId(ctx, ['request-header-property-became-enum'], `header ${ctx.element}${path} values restricted to ${show(to)}`, path);
    return;
  }
  const bodyRoot = ctx.family === 'body' && !ctx.nested && ctx.side === 'response';
  for (const value of from) {
    if (to.some((v) => deepEqual(v, value))) continue;
    emitAttribute(
      ctx,
      'enum-value-removed',
      `enum value ${show(value)} removed`,
      path,
      bodyRoot ? [{ id: 'response-mediatype-enum-value-removed' } as const] : [],
    );
  }
  for (const value of to) {
    if (from.some((v) => deepEqual(v, value))) continue;
    emitAttribute(ctx, 'enum-value-added', `enum value ${show(value)} added`, path);
  }
}

/**
 * `x-extensible-enum` lists the values known today while promising clients that others may
 * come: a server that drops a value rejects requests that send it (responses are unaffected).
 */
function diffExtensibleEnum(b: Schema, r: Schema, ctx: SchemaContext, path: string): void {
  const from = b['x-extensible-enum'];
  const to = r['x-extensible-enum'];
  if (!Array.isArray(from) || !Array.isArray(to)) return;
  for (const value of from) {
    if (!to.some((v) => deepEqual(v, value))) emitAttribute(ctx, 'x-extensible-enum-value-removed', `extensible enum value ${show(value)} removed`, path);
  }
}

function diffPattern(b: Schema, r: Schema, ctx: SchemaContext, path: string): void {
  const from = typeof b.pattern === 'string' ? b.pattern : undefined;
  const to = typeof r.pattern === 'string' ? r.pattern : undefined;
  if (from === to) return;
  if (from === undefined) emitAttribute(ctx, 'pattern-added', `pattern ${show(to)} added`, path);
  else if (to === undefined) emitAttribute(ctx, 'pattern-removed', `pattern ${show(from)} removed`, path);
  else if (to === '.*' || to === '^.*$') emitAttribute(ctx, 'pattern-generalized', `pattern ${show(from)} generalized to ${show(to)}`, path);
  else emitAttribute(ctx, 'pattern-changed', `pattern changed from ${show(from)} to ${show(to)}`, path);
}

function diffBound(from: unknown, to: unknown, key: string, stem: BoundStem, ctx: SchemaContext, path: string): void {
  // OAS 3.0's boolean exclusiveMinimum/Maximum only qualify minimum/maximum.
  const f = typeof from === 'number' ? from : undefined;
  const t = typeof to === 'number' ? to : undefined;
  if (f === t) return;
  if (f === undefined && t !== undefined) {
    emitAttribute(ctx, `${stem}-set`, `${key} set to ${t}`, path);
  } else if (f !== undefined && t === undefined) {
    emitAttribute(ctx, `${stem}-unset`, `${key} ${f} removed`, path);
  } else if (f !== undefined && t !== undefined) {
    emitAttribute(ctx, `${stem}-${t > f ? 'increased' : 'decreased'}`, `${key} ${t > f ? 'increased' : 'decreased'} from ${f} to ${t}`, path);
  }
}
