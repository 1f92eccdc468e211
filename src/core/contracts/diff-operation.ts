import type { ChangeSink } from './change-sink.js';
import { diffLifecycle, PARAMETER_IDS, reportRemoval, type DeprecationPolicy } from './diff-deprecation.js';
import { diffSchema } from './diff-schema.js';
import { mediaTypeContains, mediaTypeParametersDiffer } from './media-type-name.js';
import { rootContext, type Family, type SchemaContext, type Side } from './schema-context.js';
import { asSchema, isObject, type Schema } from './schema-facts.js';

/** One operation of each side, with the path-level parameters already folded in. */
export interface OperationPair {
  /** `"METHOD /path"` as in the base document. */
  name: string;
  basePath: string;
  revisionPath: string;
  base: Schema;
  revision: Schema;
  baseParameters: readonly unknown[];
  revisionParameters: readonly unknown[];
  /** The parameters the revision declares on the path item (shared by its operations). */
  revisionPathParameters: unknown[];
}

/** Compares everything a client of one operation depends on: parameters, request body, responses. */
export function diffOperation(op: OperationPair, sink: ChangeSink, policy: DeprecationPolicy): void {
  const context: ContextOf = (side, family, element, extra = {}) => rootContext(side, family, sink, element, { operation: op.name, policy, ...extra });
  const where = (path: string) => ({ operation: op.name, path });
  diffParameters(op, sink, policy, context, where);
  diffRequestBody(asSchema(op.base.requestBody), asSchema(op.revision.requestBody), sink, context, where);
  diffResponses(asSchema(op.base.responses) ?? {}, asSchema(op.revision.responses) ?? {}, sink, context, where);
}

type ContextOf = (side: Side, family: Family, element: string, extra?: { parameterIn?: string; mediaType?: string }) => SchemaContext;
type WhereOf = (path: string) => { operation: string; path: string };

/** Keys parameters by location; path parameters by their position, so renaming one is no change. */
function parameterMap(params: readonly unknown[], path: string): Map<string, Schema> {
  const positions = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const out = new Map<string, Schema>();
  for (const p of params) {
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') continue;
    const index = p.in === 'path' ? positions.indexOf(p.name) : -1;
    const key = index >= 0 ? `path:#${index}` : `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
    out.set(key, p);
  }
  return out;
}

function parameterSchema(param: Schema): unknown {
  if (param.schema !== undefined) return param.schema;
  const content = asSchema(param.content);
  const first = content === undefined ? undefined : asSchema(Object.values(content)[0]);
  return first?.schema;
}

function diffParameters(op: OperationPair, sink: ChangeSink, policy: DeprecationPolicy, context: ContextOf, where: WhereOf): void {
  const from = parameterMap(op.baseParameters, op.basePath);
  const to = parameterMap(op.revisionParameters, op.revisionPath);
  for (const [key, param] of from) {
    const label = `${param.in as string} parameter ${param.name as string}`;
    const element = `${param.in as string}:${param.name as string}`;
    const next = to.get(key);
    if (next === undefined) {
      reportRemoval(param, PARAMETER_IDS, label, policy, sink, where(element));
      continue;
    }
    diffLifecycle(param, next, PARAMETER_IDS, label, policy, sink, where(element));
    if (param.required !== true && next.required === true) sink.emit('request-parameter-became-required', `${label} became required`, where(element));
    if (param.required === true && next.required !== true) sink.emit('request-parameter-became-optional', `${label} became optional`, where(element));
    diffSchema(parameterSchema(param), parameterSchema(next), context('request', 'parameter', element, { parameterIn: String(param.in) }));
  }
  for (const [key, param] of to) {
    if (from.has(key)) continue;
    const label = `${param.in as string} parameter ${param.name as string}`;
    const at = where(`${param.in as string}:${param.name as string}`);
    if (param.in === 'path') sink.emit('new-request-path-parameter', `new path parameter ${param.name as string}`, at);
    else if (op.revisionPathParameters.includes(param))
      // A parameter added for every operation of an existing path.
      sink.emit(
        param.required === true ? 'new-required-request-default-parameter-to-existing-path' : 'new-optional-request-default-parameter-to-existing-path',
        `new ${param.required === true ? 'required' : 'optional'} ${label} on every operation of the path`,
        at,
      );
    else if (param.required === true) sink.emit('new-required-request-parameter', `new required ${label}`, at);
    else sink.emit('new-optional-request-parameter', `new optional ${label}`, at);
  }
}

function diffRequestBody(from: Schema | undefined, to: Schema | undefined, sink: ChangeSink, context: ContextOf, where: WhereOf): void {
  if (from === undefined && to === undefined) return;
  if (to === undefined) return void sink.emit('request-body-removed', 'request body removed', where('requestBody'));
  if (from === undefined) {
    const required = to.required === true;
    return void sink.emit(
      required ? 'request-body-added-required' : 'request-body-added-optional',
      `${required ? 'required' : 'optional'} request body added`,
      where('requestBody'),
    );
  }
  if (from.required !== true && to.required === true) sink.emit('request-body-became-required', 'request body became required', where('requestBody'));
  if (from.required === true && to.required !== true) sink.emit('request-body-became-optional', 'request body became optional', where('requestBody'));
  diffContent(asSchema(from.content) ?? {}, asSchema(to.content) ?? {}, 'request', '', sink, context, where);
}

/**
 * Compares media types of a body; `element` prefixes the path (the status code for responses).
 * A response media type replaced by a related one (`application/json` by
 * `application/problem+json`, or a change of parameters) is a renamed media type, compared as one.
 */
function diffContent(from: Schema, to: Schema, side: Side, element: string, sink: ChangeSink, context: ContextOf, where: WhereOf): void {
  const stem = side === 'request' ? 'request-body-media-type' : 'response-media-type';
  const schemaStem = side === 'request' ? 'request-body-media-type-schema' : 'response-body-media-type-schema';
  const renamed = side === 'response' ? renamedMediaTypes(from, to) : new Map<string, string>();
  const renamedTo = new Set(renamed.values());
  for (const [type, media] of Object.entries(from)) {
    const at = element === '' ? type : `${element}/${type}`;
    const newName = renamed.get(type);
    const next = asSchema(to[newName ?? type]);
    if (next === undefined) {
      sink.emit(`${stem}-removed`, `${side} media type ${type} removed`, where(at));
      continue;
    }
    if (newName !== undefined) {
      const kind = mediaTypeParametersDiffer(type, newName) ? 'changed' : mediaTypeContains(type, newName) ? 'specialized' : 'generalized';
      sink.emit(`response-media-type-name-${kind}`, `response media type ${type} ${kind === 'changed' ? 'changed' : kind} to ${newName}`, where(at));
    }
    const before = asSchema(media)?.schema;
    const after = next.schema;
    if (before === undefined && after !== undefined) sink.emit(`${schemaStem}-added`, `${type} schema added`, where(at));
    else if (before !== undefined && after === undefined) sink.emit(`${schemaStem}-removed`, `${type} schema removed`, where(at));
    else diffSchema(before, after, context(side, 'body', at, { mediaType: newName ?? type }));
  }
  for (const type of Object.keys(to)) {
    if (!(type in from) && !renamedTo.has(type))
      sink.emit(`${stem}-added`, `${side} media type ${type} added`, where(element === '' ? type : `${element}/${type}`));
  }
}

/** Pairs each media type only the base has with a related one only the revision has. */
function renamedMediaTypes(from: Schema, to: Schema): Map<string, string> {
  const added = Object.keys(to).filter((t) => !(t in from));
  const pairs = new Map<string, string>();
  for (const type of Object.keys(from)) {
    if (type in to) continue;
    const match = added.find((t) => mediaTypeContains(type, t) || mediaTypeContains(t, type));
    if (match === undefined) continue;
    added.splice(added.indexOf(match), 1);
    pairs.set(type, match);
  }
  return pairs;
}

function isSuccess(status: string): boolean {
  return /^[123]/.test(status);
}

function diffResponses(from: Schema, to: Schema, sink: ChangeSink, context: ContextOf, where: WhereOf): void {
  for (const [status, response] of Object.entries(from)) {
    const next = asSchema(to[status]);
    const kind = isSuccess(status) ? 'success' : 'non-success';
    if (next === undefined) {
      sink.emit(`response-${kind}-status-removed`, `response status ${status} removed`, where(status));
      continue;
    }
    const before = asSchema(response) ?? {};
    diffHeaders(asSchema(before.headers) ?? {}, asSchema(next.headers) ?? {}, status, sink, context, where);
    diffContent(asSchema(before.content) ?? {}, asSchema(next.content) ?? {}, 'response', status, sink, context, where);
  }
  for (const status of Object.keys(to)) {
    if (!(status in from))
      sink.emit(`response-${isSuccess(status) ? 'success' : 'non-success'}-status-added`, `response status ${status} added`, where(status));
  }
}

function diffHeaders(from: Schema, to: Schema, status: string, sink: ChangeSink, context: ContextOf, where: WhereOf): void {
  const lower = new Map(Object.entries(to).map(([name, header]) => [name.toLowerCase(), asSchema(header) ?? {}]));
  const seen = new Set<string>();
  for (const [name, header] of Object.entries(from)) {
    const h = asSchema(header) ?? {};
    const next = lower.get(name.toLowerCase());
    seen.add(name.toLowerCase());
    const at = where(`${status}/headers/${name}`);
    if (next === undefined) {
      sink.emit(h.required === true ? 'required-response-header-removed' : 'optional-response-header-removed', `response header ${name} removed`, at);
      continue;
    }
    if (h.required === true && next.required !== true) sink.emit('response-header-became-optional', `response header ${name} became optional`, at);
    diffSchema(parameterSchema(h), parameterSchema(next), context('response', 'header', `${status}/headers/${name}`));
  }
  for (const name of lower.keys()) if (!seen.has(name)) sink.emit('response-header-added', `response header ${name} added`, where(`${status}/headers/${name}`));
}
