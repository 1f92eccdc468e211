import { MAX_NESTING, NestingError } from '../nesting.js';
import { diffSchemaKeywords } from './diff-schema-keywords.js';
import { diffSchemaProperties } from './diff-schema-properties.js';
import { diffSchemaValues } from './diff-schema-values.js';
import { emitAttribute, type SchemaContext } from './schema-context.js';
import { asSchema, deepEqual, isNullable, show, typesOf, withoutNullWrap, withTypeListView, type Schema } from './schema-facts.js';

/** Compares two schemas in a context; used by the keyword helpers to walk subschemas. */
export type SchemaRecursion = (base: unknown, revision: unknown, ctx: SchemaContext, path: string) => void;

/**
 * Compares the schema a client was written against (`base`) with the one now served
 * (`revision`) and reports every classified difference to `ctx.sink`. On the request side the
 * revision must accept everything the base accepted; on the response side it must emit nothing
 * the base did not. Cyclic schemas are walked once per pair; a walk more than MAX_NESTING schemas
 * deep is a `NestingError`.
 */
export function diffSchema(base: unknown, revision: unknown, ctx: SchemaContext, path = ''): void {
  const b = asSchema(base);
  const r = asSchema(revision);
  // Nothing in a schema is reported unless it differs, so equal schemas need no walk.
  if (b === undefined || r === undefined || deepEqual(b, r)) return;
  const done = ctx.seen.get(b);
  if (done?.has(r)) return;
  if (done === undefined) ctx.seen.set(b, new Set([r]));
  else done.add(r);
  // Two recursive schemas whose cycles differ in length meet new pairs for a long way down.
  if (depth >= MAX_NESTING) throw new NestingError(`${ctx.operation === undefined ? '' : `${ctx.operation} `}${ctx.element}${path}`);
  depth++;
  try {
    diffPair(b, r, ctx, path);
  } finally {
    depth--;
  }
}

/** How many schemas deep the comparison under way is: one walk at a time (diffing is synchronous). */
let depth = 0;

function diffPair(b: Schema, r: Schema, ctx: SchemaContext, path: string): void {
  const baseNullable = isNullable(b);
  if (baseNullable !== isNullable(r)) {
    const suffix = baseNullable ? 'became-not-nullable' : 'became-nullable';
    emitAttribute(ctx, suffix, `schema ${baseNullable ? 'no longer admits' : 'now admits'} null`, path);
  }
  const bs = withTypeListView(withoutNullWrap(b));
  const rs = withTypeListView(withoutNullWrap(r));
  if (isWrappedInOneOf(bs, rs)) {
    emitAttribute(ctx, 'wrapped-in-one-of', 'schema was wrapped in a oneOf', path);
    return;
  }
  diffType(bs, rs, ctx, path);
  diffSchemaValues(bs, rs, ctx, path);
  diffSchemaKeywords(bs, rs, ctx, path, diffSchema);
  diffSchemaProperties(bs, rs, ctx, path, diffSchema);
}

/**
 * The revision replaced the schema with a oneOf: either one alternative is the old schema, or
 * the revision is nothing but the oneOf. Member-by-member comparison would only report noise.
 */
function isWrappedInOneOf(b: Schema, r: Schema): boolean {
  if (Array.isArray(b.oneOf) || Array.isArray(b.anyOf) || !Array.isArray(r.oneOf)) return false;
  if (r.oneOf.some((s) => deepEqual(s, b))) return true;
  return r.oneOf.length > 1 && r.type === undefined && r.properties === undefined && (b.type !== undefined || b.properties !== undefined);
}

function diffType(b: Schema, r: Schema, ctx: SchemaContext, path: string): void {
  const from = typesOf(b);
  const to = typesOf(r);
  const changed = [{ suffix: 'type-changed' } as const];
  if (from.length > 0 && to.length > 0 && !sameSet(from, to)) {
    const message = `type changed from ${from.join('|')} to ${to.join('|')}`;
    if (from.length > 1 || to.length > 1) {
      const kind = to.every((t) => from.includes(t)) ? 'list-of-types-narrowed' : from.every((t) => to.includes(t)) ? 'list-of-types-widened' : 'type-changed';
      emitAttribute(ctx, kind, message, path, changed);
      return;
    }
    emitAttribute(ctx, `type-${typeShift(from[0] ?? '', to[0] ?? '', ctx)}`, message, path, changed);
    return;
  }
  if (from.length > 0 && sameSet(from, to) && b.format !== r.format) {
    const message = `format changed from ${show(b.format)} to ${show(r.format)}`;
    const kind = r.format === undefined ? 'generalized' : b.format === undefined ? 'specialized' : 'changed';
    emitAttribute(ctx, `type-${kind}`, message, path, changed);
  }
}

/**
 * How a single type moved: toward more values (generalized), fewer (specialized), elsewhere
 * (changed), or elsewhere only in form where values travel as text (compatible: any value reads
 * as a string, so a request that now takes a string, or a response that was a string, still works).
 */
function typeShift(from: string, to: string, ctx: SchemaContext): 'generalized' | 'specialized' | 'changed' | 'compatible' {
  if (from === 'integer' && to === 'number') return 'generalized';
  if (from === 'number' && to === 'integer') return 'specialized';
  const text = ctx.family === 'header' || (ctx.family === 'body' && ctx.mediaType !== undefined && !isJsonMediaType(ctx.mediaType));
  if (text && ctx.side === 'request' && to === 'string') return 'compatible';
  if (text && ctx.side === 'response' && from === 'string') return 'compatible';
  // Parameters travel as text: a string parameter that becomes typed accepts a subset of values.
  if (ctx.family !== 'body' && from === 'string' && ['number', 'integer', 'boolean'].includes(to)) return 'specialized';
  return 'changed';
}

/** JSON and the structured `+json` suffix tell a string from a number; text formats do not. */
function isJsonMediaType(type: string): boolean {
  const essence = type.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || essence.endsWith('+json');
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
