import type { SchemaRecursion } from './diff-schema.js';
import { diffPropertyLifecycle } from './diff-property-lifecycle.js';
import { emitId, nestedContext, type SchemaContext } from './schema-context.js';
import { asSchema, isObject, type Schema } from './schema-facts.js';

/**
 * Compares object and array structure: properties added, removed, made required or optional
 * (with the request/response asymmetry), then walks shared properties, items and
 * additionalProperties. Read-only properties do not count in requests, write-only ones do not
 * count in responses.
 */
export function diffSchemaProperties(b: Schema, r: Schema, ctx: SchemaContext, path: string, recurse: SchemaRecursion): void {
  const inner = nestedContext(ctx);
  const from = isObject(b.properties) ? b.properties : {};
  const to = isObject(r.properties) ? r.properties : {};
  const reqFrom = requiredOf(b);
  const reqTo = requiredOf(r);
  const body = ctx.family === 'body';
  const header = ctx.family === 'parameter' && ctx.parameterIn === 'header';
  for (const name of Object.keys(from)) {
    const at = `${path}/properties/${name}`;
    const prop = asSchema(from[name]) ?? {};
    if (!(name in to)) {
      if (body) propertyRemoved(name, prop, reqFrom.has(name), ctx, at);
      continue;
    }
    const next = asSchema(to[name]) ?? {};
    if (body) {
      requiredChanged(name, next, reqFrom.has(name), reqTo.has(name), ctx, at);
      accessChanged(name, prop, next, reqFrom.has(name), ctx, at);
      diffPropertyLifecycle(name, prop, next, ctx, at);
    }
    if (header && !reqFrom.has(name) && reqTo.has(name) && next.readOnly !== true) {
      emitId(ctx, ['request-header-property-became-required'], `property ${name} of header ${headerName(ctx)} became required`, at);
    }
    const readOnly = ctx.side === 'request' && next.readOnly === true;
    const writeOnly = ctx.side === 'response' && next.writeOnly === true;
    recurse(from[name], to[name], readOnly || writeOnly ? { ...inner, readOnly, writeOnly } : inner, at);
  }
  for (const name of Object.keys(to)) {
    if (name in from) continue;
    const prop = asSchema(to[name]) ?? {};
    const at = `${path}/properties/${name}`;
    if (body) propertyAdded(name, prop, reqTo.has(name), ctx, at);
    else if (header && reqTo.has(name) && prop.readOnly !== true)
      emitId(ctx, ['new-required-request-header-property'], `required property ${name} added to header ${headerName(ctx)}`, at);
  }
  recurse(b.items, r.items, inner, `${path}/items`);
  recurse(b.additionalProperties, r.additionalProperties, inner, `${path}/additionalProperties`);
}

function requiredOf(schema: Schema): Set<string> {
  return new Set(Array.isArray(schema.required) ? schema.required.filter((x): x is string => typeof x === 'string') : []);
}

function propertyRemoved(name: string, prop: Schema, required: boolean, ctx: SchemaContext, at: string): void {
  if (ctx.side === 'request') {
    if (prop.readOnly !== true) emitId(ctx, ['request-property-removed'], `request property ${name} removed`, at);
    return;
  }
  if (prop.writeOnly === true) {
    emitId(ctx, [`response-${required ? 'required' : 'optional'}-write-only-property-removed`], `write-only property ${name} removed`, at);
    return;
  }
  emitId(
    ctx,
    [`response-${required ? 'required' : 'optional'}-property-removed`],
    `${required ? 'required' : 'optional'} response property ${name} removed`,
    at,
  );
}

function propertyAdded(name: string, prop: Schema, required: boolean, ctx: SchemaContext, at: string): void {
  if (ctx.side === 'request') {
    if (prop.readOnly === true) return;
    if (!required) emitId(ctx, ['new-optional-request-property'], `optional request property ${name} added`, at);
    else if (prop.default !== undefined)
      emitId(ctx, ['new-required-request-property-with-default'], `required request property ${name} (with a default) added`, at);
    else emitId(ctx, ['new-required-request-property'], `required request property ${name} added`, at);
    return;
  }
  const kind = required ? 'required' : 'optional';
  if (prop.writeOnly === true) emitId(ctx, [`response-${kind}-write-only-property-added`], `write-only property ${name} added`, at);
  else emitId(ctx, [`response-${kind}-property-added`], `${kind} response property ${name} added`, at);
}

function requiredChanged(name: string, prop: Schema, was: boolean, is: boolean, ctx: SchemaContext, at: string): void {
  if (was === is) return;
  if (ctx.side === 'request') {
    if (prop.readOnly === true) return;
    if (is) {
      const id = prop.default !== undefined ? 'request-property-became-required-with-default' : 'request-property-became-required';
      emitId(ctx, [id], `request property ${name} became required`, at);
    } else {
      emitId(ctx, ['request-property-became-optional'], `request property ${name} became optional`, at);
    }
    return;
  }
  if (prop.writeOnly === true) {
    emitId(
      ctx,
      [`response-write-only-property-became-${is ? 'required' : 'optional'}`],
      `write-only property ${name} became ${is ? 'required' : 'optional'}`,
      at,
    );
    return;
  }
  emitId(ctx, [`response-property-became-${is ? 'required' : 'optional'}`], `response property ${name} became ${is ? 'required' : 'optional'}`, at);
}

/** The header a parameter context stands for (its element is `header:NAME`). */
function headerName(ctx: SchemaContext): string {
  return ctx.element.replace(/^header:/, '');
}

const ACCESS = ['readOnly', 'writeOnly'] as const;

/** readOnly / writeOnly flips of a property both sides keep, by whether the base required it. */
function accessChanged(name: string, prop: Schema, next: Schema, required: boolean, ctx: SchemaContext, at: string): void {
  const kind = required ? 'required' : 'optional';
  for (const key of ACCESS) {
    const was = prop[key] === true;
    const is = next[key] === true;
    if (was === is) continue;
    const access = key === 'readOnly' ? 'read-only' : 'write-only';
    const change = is ? access : (`not-${access}` as const);
    emitId(ctx, [`${ctx.side}-${kind}-property-became-${change}`], `${kind} ${ctx.side} property ${name} became ${is ? '' : 'not '}${access}`, at);
  }
}
