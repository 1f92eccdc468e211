import type { ChangeSink } from './change-sink.js';
import type { DeprecationPolicy } from './diff-deprecation.js';
import type { SchemaSuffix, WholeId } from './emitted-rule-ids.js';

/** Which side of the exchange a schema describes: what clients send, or what they receive. */
export type Side = 'request' | 'response';

/** Which element a schema belongs to; it picks the rule-id prefix. */
export type Family = 'body' | 'parameter' | 'header';

/**
 * Where a schema comparison stands: the side and element it belongs to, whether it is the
 * element's root schema or a nested one (property, items, subschema), and where to report.
 * Every context of a walk has the same fields, set in the same order (see `rootContext`): the
 * comparison reads them for every schema pair, and one object shape keeps those reads fast.
 */
export interface SchemaContext {
  side: Side;
  family: Family;
  nested: boolean;
  sink: ChangeSink;
  operation: string | undefined;
  /** Element path prefix, e.g. `"query:limit"` or `"200/application/json"`. */
  element: string;
  /** Pairs of schemas already compared in this walk (cycle guard). */
  seen: Map<object, Set<object>>;
  /** For a parameter's schema: where the parameter travels (`query`, `header`, ...). */
  parameterIn: string | undefined;
  /** The schema is a request property the revision marks readOnly: clients no longer send it. */
  readOnly: boolean;
  /** The schema is a response property the revision marks writeOnly: clients never receive it. */
  writeOnly: boolean;
  /** For a body's schema: its media type (a JSON one types values strictly; others carry text). */
  mediaType: string | undefined;
  /** Clock and sunset policy, for deprecated properties. */
  policy: DeprecationPolicy;
}

/** The context of an element's root schema; every field set, always in this order. */
export function rootContext(
  side: Side,
  family: Family,
  sink: ChangeSink,
  element: string,
  where: { operation?: string; parameterIn?: string; mediaType?: string; policy?: DeprecationPolicy } = {},
): SchemaContext {
  return {
    side,
    family,
    nested: false,
    sink,
    operation: where.operation,
    element,
    seen: new Map(),
    parameterIn: where.parameterIn,
    readOnly: false,
    writeOnly: false,
    mediaType: where.mediaType,
    policy: where.policy ?? {},
  };
}

/** The rule-id prefix for a context: `request-body`, `request-property`, `response-header`, ... */
export function prefixOf(ctx: Pick<SchemaContext, 'side' | 'family' | 'nested'>): string {
  if (ctx.family === 'parameter') return ctx.nested ? 'request-parameter-property' : 'request-parameter';
  if (ctx.family === 'header') return ctx.nested ? `${ctx.side}-property` : `${ctx.side}-header`;
  return `${ctx.side}-${ctx.nested ? 'property' : 'body'}`;
}

/** The context for schemas nested under the current one. */
export function nestedContext(ctx: SchemaContext): SchemaContext {
  return ctx.nested && !ctx.readOnly && !ctx.writeOnly ? ctx : { ...ctx, nested: true, readOnly: false, writeOnly: false };
}

/**
 * Changes to a read-only request property reach no client: the bound and enum changes that
 * would reject a request are reported under `request-read-only-property-*` (INFO), and these
 * are not reported at all.
 */
const SILENT_WHEN_READ_ONLY: ReadonlySet<SchemaSuffix> = new Set<SchemaSuffix>([
  'type-changed',
  'type-generalized',
  'type-specialized',
  'list-of-types-narrowed',
  'list-of-types-widened',
  'min-items-increased',
  'min-items-set',
  'min-set',
  'max-set',
  'max-length-set',
  'x-extensible-enum-value-removed',
]);

/** An id to emit when the preferred one is outside the taxonomy: another suffix, or a whole id. */
export type Fallback = { suffix: SchemaSuffix } | { id: WholeId };

/**
 * Emits `${prefix}-${suffix}` for the context, falling back to the given full ids. Returns false
 * when no candidate is a known rule id (the change is outside the taxonomy and is dropped).
 */
export function emitAttribute(ctx: SchemaContext, suffix: SchemaSuffix, message: string, path: string, fallbacks: readonly Fallback[] = []): boolean {
  const where = { ...(ctx.operation === undefined ? {} : { operation: ctx.operation }), path: `${ctx.element}${path}` };
  const prefix = prefixOf(ctx);
  if (ctx.readOnly && ctx.side === 'request' && ctx.family === 'body') {
    if (ctx.sink.emitComposed([`request-read-only-property-${suffix}`], message, where)) return true;
    if (SILENT_WHEN_READ_ONLY.has(suffix)) return false;
  }
  if (ctx.writeOnly && ctx.side === 'response' && ctx.family === 'body') {
    if (ctx.sink.emitComposed([`response-write-only-property-${suffix}`], message, where)) return true;
  }
  const ids = [`${prefix}-${suffix}`, ...fallbacks.map((f) => ('id' in f ? f.id : `${prefix}-${f.suffix}`))];
  return ctx.sink.emitComposed(ids, message, where);
}

/** Emits one of the fixed ids (no prefix) with the context's location. */
export function emitId(ctx: SchemaContext, ids: readonly WholeId[], message: string, path: string): boolean {
  const where = { ...(ctx.operation === undefined ? {} : { operation: ctx.operation }), path: `${ctx.element}${path}` };
  return ctx.sink.emitComposed(ids, message, where);
}
