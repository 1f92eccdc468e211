import type { ChangeSink } from './change-sink.js';
import { isObject, type Schema } from './schema-facts.js';

/** A security requirement list keyed by its scheme names, each with its scopes. */
function requirements(value: unknown): Map<string, Record<string, string[]>> {
  const out = new Map<string, Record<string, string[]>>();
  if (!Array.isArray(value)) return out;
  for (const req of value) {
    if (!isObject(req)) continue;
    const scopes: Record<string, string[]> = {};
    for (const [name, list] of Object.entries(req)) scopes[name] = Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
    out.set(Object.keys(scopes).sort().join(' AND ') || '(none)', scopes);
  }
  return out;
}

/**
 * Compares two security requirement lists (global when `operation` is absent). oasdiff rates all
 * of these INFO: which credentials a client holds is outside the document.
 */
export function diffSecurity(from: unknown, to: unknown, sink: ChangeSink, operation?: string): void {
  if (from === undefined && to === undefined) return;
  const prefix = operation === undefined ? 'api-global-security' : 'api-security';
  const where = operation === undefined ? { path: 'security' } : { operation, path: 'security' };
  const a = requirements(from);
  const b = requirements(to);
  for (const [key, scopes] of a) {
    const next = b.get(key);
    if (next === undefined) {
      sink.emit(`${prefix}-removed`, `security requirement ${key} removed`, where);
      continue;
    }
    for (const [scheme, list] of Object.entries(scopes)) {
      const after = next[scheme] ?? [];
      for (const s of list) if (!after.includes(s)) sink.emit(`${prefix}-scope-removed`, `scope ${s} of ${scheme} removed`, where);
      for (const s of after) if (!list.includes(s)) sink.emit(`${prefix}-scope-added`, `scope ${s} of ${scheme} added`, where);
    }
  }
  for (const key of b.keys()) if (!a.has(key)) sink.emit(`${prefix}-added`, `security requirement ${key} added`, where);
}

/** Compares `components.securitySchemes`. */
export function diffSecuritySchemes(from: Schema, to: Schema, sink: ChangeSink): void {
  for (const [name, scheme] of Object.entries(from)) {
    const next = to[name];
    const where = { path: `components/securitySchemes/${name}` };
    if (!isObject(next)) {
      sink.emit('api-security-component-removed', `security scheme ${name} removed`, where);
      continue;
    }
    if (!isObject(scheme)) continue;
    if (scheme.type !== next.type) sink.emit('api-security-component-type-changed', `security scheme ${name} type changed`, where);
    const flowsA = isObject(scheme.flows) ? scheme.flows : {};
    const flowsB = isObject(next.flows) ? next.flows : {};
    for (const [flowName, flow] of Object.entries(flowsA)) {
      const other = flowsB[flowName];
      if (!isObject(flow) || !isObject(other)) continue;
      if (flow.tokenUrl !== other.tokenUrl) sink.emit('api-security-component-oauth-token-url-changed', `${name} ${flowName} token URL changed`, where);
      if (flow.authorizationUrl !== other.authorizationUrl)
        sink.emit('api-security-component-oauth-url-changed', `${name} ${flowName} authorization URL changed`, where);
      const sa = isObject(flow.scopes) ? flow.scopes : {};
      const sb = isObject(other.scopes) ? other.scopes : {};
      for (const s of Object.keys(sa)) {
        if (!(s in sb)) sink.emit('api-security-component-oauth-scope-removed', `${name} scope ${s} removed`, where);
        else if (sa[s] !== sb[s]) sink.emit('api-security-component-oauth-scope-changed', `${name} scope ${s} changed`, where);
      }
      for (const s of Object.keys(sb)) if (!(s in sa)) sink.emit('api-security-component-oauth-scope-added', `${name} scope ${s} added`, where);
    }
  }
  for (const name of Object.keys(to))
    if (!(name in from)) sink.emit('api-security-component-added', `security scheme ${name} added`, { path: `components/securitySchemes/${name}` });
}
