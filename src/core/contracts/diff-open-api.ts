import { ChangeSink } from './change-sink.js';
import { checkApiVersion } from './diff-api-version.js';
import type { ContractDiff } from './contract-change.js';
import { diffLifecycle, OPERATION_IDS, PATH_IDS, reportRemoval, type DeprecationPolicy } from './diff-deprecation.js';
import { diffOperation } from './diff-operation.js';
import { diffSecurity, diffSecuritySchemes } from './diff-security.js';
import { asSchema, deepEqual, isObject, type Schema } from './schema-facts.js';

/** Options for {@link diffOpenApi}; the clock is passed in, never read. */
export interface DiffOpenApiOptions extends DeprecationPolicy {}

/** The operations a path item may hold, as OpenAPI names them. */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const STABILITY = ['draft', 'alpha', 'beta', 'stable'];

/**
 * Compares two OpenAPI 3.0/3.1 documents whose `$ref`s are already resolved (see
 * `resolveRefs` / `loadOpenApi`). The revision is served to clients written against the base;
 * every difference is classified with an oasdiff rule id and level. Pure: no I/O, no clock
 * other than `options.now`.
 */
export function diffOpenApi(base: unknown, revision: unknown, options: DiffOpenApiOptions = {}): ContractDiff {
  const sink = new ChangeSink();
  const b = asSchema(base) ?? {};
  const r = asSchema(revision) ?? {};
  diffPaths(asSchema(b.paths) ?? {}, asSchema(r.paths) ?? {}, b, r, sink, options);
  diffSecurity(b.security, r.security, sink);
  const bc = asSchema(b.components) ?? {};
  const rc = asSchema(r.components) ?? {};
  diffSecuritySchemes(asSchema(bc.securitySchemes) ?? {}, asSchema(rc.securitySchemes) ?? {}, sink);
  const rSchemas = asSchema(rc.schemas) ?? {};
  for (const name of Object.keys(asSchema(bc.schemas) ?? {})) {
    if (!(name in rSchemas)) sink.emit('api-schema-removed', `component schema ${name} removed`, { path: `components/schemas/${name}` });
  }
  const bw = asSchema(b.webhooks) ?? {};
  const rw = asSchema(r.webhooks) ?? {};
  for (const name of Object.keys(bw)) if (!(name in rw)) sink.emit('webhook-removed', `webhook ${name} removed`, { path: `webhooks/${name}` });
  for (const name of Object.keys(rw)) if (!(name in bw)) sink.emit('webhook-added', `webhook ${name} added`, { path: `webhooks/${name}` });
  checkApiVersion(asSchema(b.info)?.version, asSchema(r.info)?.version, sink);
  return { changes: sink.changes };
}

/** Path templates match regardless of parameter names: `/pets/{id}` is `/pets/{petId}`. */
export function templateKey(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '') || '/';
}

/**
 * A `paths` object's template keys: each path's, and the (last) path of each key. Worked out once
 * per object: each spec is compared in both directions, and with every revision.
 */
const templates = new WeakMap<Schema, { keyOf: Map<string, string>; pathOf: Map<string, string> }>();

function pathTemplates(paths: Schema): { keyOf: Map<string, string>; pathOf: Map<string, string> } {
  let known = templates.get(paths);
  if (!known) {
    known = { keyOf: new Map(), pathOf: new Map() };
    for (const path in paths) {
      const key = templateKey(path);
      known.keyOf.set(path, key);
      known.pathOf.set(key, path);
    }
    templates.set(paths, known);
  }
  return known;
}

function diffPaths(from: Schema, to: Schema, b: Schema, r: Schema, sink: ChangeSink, policy: DeprecationPolicy): void {
  const { pathOf } = pathTemplates(to);
  const { keyOf } = pathTemplates(from);
  const matched = new Set<string>();
  for (const path in from) {
    const baseItem = asSchema(from[path]) ?? {};
    const revPath = pathOf.get(keyOf.get(path)!);
    const revItem = revPath === undefined ? undefined : asSchema(to[revPath]);
    if (revPath !== undefined) matched.add(revPath);
    for (const method of METHODS) {
      const op = asSchema(baseItem[method]);
      if (op === undefined) continue;
      const next = revItem === undefined ? undefined : asSchema(revItem[method]);
      if (revItem === undefined || revPath === undefined) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!isExperimental(op)) reportRemoval(op, PATH_IDS, name, policy, sink, { operation: name });
        continue;
      }
      if (next === undefined) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!isExperimental(op)) reportRemoval(op, OPERATION_IDS, name, policy, sink, { operation: name });
        continue;
      }
      const baseParameters = mergeParameters(baseItem.parameters, op.parameters);
      const revisionParameters = mergeParameters(revItem.parameters, next.parameters);
      if (unchanged(op, next, path === revPath, baseParameters, revisionParameters)) continue;
      const name = `${method.toUpperCase()} ${path}`;
      diffOperationMeta(op, next, name, b, r, sink, policy);
      const revisionPathParameters = Array.isArray(revItem.parameters) ? revItem.parameters : [];
      diffOperation(
        { name, basePath: path, revisionPath: revPath, base: op, revision: next, baseParameters, revisionParameters, revisionPathParameters },
        sink,
        policy,
      );
    }
    if (revItem !== undefined) {
      for (const method of METHODS) {
        if (asSchema(baseItem[method]) === undefined && asSchema(revItem[method]) !== undefined) {
          sink.emit('endpoint-added', 'endpoint added', { operation: `${method.toUpperCase()} ${path}` });
        }
      }
    }
  }
  for (const [path, item] of Object.entries(to)) {
    if (matched.has(path)) continue;
    for (const method of METHODS) {
      if (asSchema(asSchema(item)?.[method]) !== undefined) sink.emit('endpoint-added', 'endpoint added', { operation: `${method.toUpperCase()} ${path}` });
    }
  }
}

/**
 * An operation with nothing to report: equal on both sides, under the same path, with the same
 * parameters. A deprecated operation or parameter is still compared — its sunset is judged
 * against the clock even when nothing changed.
 */
function unchanged(op: Schema, next: Schema, samePath: boolean, baseParameters: readonly unknown[], revisionParameters: readonly unknown[]): boolean {
  if (!samePath || next.deprecated === true || revisionParameters.some((p) => isObject(p) && p.deprecated === true)) return false;
  return sameOperation(op, next) && baseParameters.length === revisionParameters.length && baseParameters.every((p, i) => deepEqual(p, revisionParameters[i]));
}

/** The operation each operation was last compared with, and whether they were equal. */
const lastCompared = new WeakMap<object, { other: object; equal: boolean }>();

/**
 * `deepEqual` of two operations, remembered: a mixed-version analysis compares each spec pair
 * in both directions, and the second comparison then costs a lookup per operation. One answer is
 * kept per operation (its last counterpart), not a table of them: an operation is compared with
 * its own revision, and a table each cost more than the comparison saved.
 */
function sameOperation(a: Schema, b: Schema): boolean {
  const known = lastCompared.get(a);
  if (known?.other === b) return known.equal;
  const equal = deepEqual(a, b);
  lastCompared.set(a, { other: b, equal });
  lastCompared.set(b, { other: a, equal });
  return equal;
}

/** Operation-level parameters override path-level ones with the same `in` and `name`; the operation's own list (never changed) when the path has none. */
function mergeParameters(pathLevel: unknown, opLevel: unknown): readonly unknown[] {
  const own: readonly unknown[] = Array.isArray(opLevel) ? opLevel : NO_PARAMETERS;
  if (!Array.isArray(pathLevel) || pathLevel.length === 0) return own;
  const key = (p: unknown) => (isObject(p) ? `${String(p.in)}:${String(p.name)}` : '');
  const ownKeys = new Set(own.map(key));
  const inherited = pathLevel.filter((p) => !ownKeys.has(key(p)));
  return [...inherited, ...own];
}

const NO_PARAMETERS: readonly unknown[] = Object.freeze([]);

/** Draft and alpha operations carry no compatibility promise. */
function isExperimental(op: Schema): boolean {
  return op['x-stability-level'] === 'draft' || op['x-stability-level'] === 'alpha';
}

function diffOperationMeta(op: Schema, next: Schema, name: string, b: Schema, r: Schema, sink: ChangeSink, policy: DeprecationPolicy): void {
  const where = { operation: name };
  diffLifecycle(op, next, OPERATION_IDS, name, policy, sink, where);
  const from = op['x-stability-level'];
  const to = next['x-stability-level'];
  const invalid = [from, to].find((s) => s !== undefined && !STABILITY.includes(String(s)));
  if (invalid !== undefined) sink.emit('api-invalid-stability-level', `invalid stability level ${String(invalid)}`, where);
  else if (from !== to && from !== undefined) {
    const delta = STABILITY.indexOf(String(to ?? 'stable')) - STABILITY.indexOf(String(from));
    if (delta < 0) sink.emit('api-stability-decreased', `stability decreased from ${String(from)} to ${String(to)}`, where);
    if (delta > 0) sink.emit('api-stability-increased', `stability increased from ${String(from)} to ${String(to)}`, where);
  }
  if (op.operationId !== next.operationId) {
    if (op.operationId !== undefined) sink.emit('api-operation-id-removed', `operationId ${String(op.operationId)} removed`, where);
    if (next.operationId !== undefined) sink.emit('api-operation-id-added', `operationId ${String(next.operationId)} added`, where);
  }
  const tagsA = Array.isArray(op.tags) ? op.tags : [];
  const tagsB = Array.isArray(next.tags) ? next.tags : [];
  for (const t of tagsA) if (!tagsB.includes(t)) sink.emit('api-tag-removed', `tag ${String(t)} removed`, where);
  for (const t of tagsB) if (!tagsA.includes(t)) sink.emit('api-tag-added', `tag ${String(t)} added`, where);
  if (op.security !== undefined || next.security !== undefined) diffSecurity(op.security ?? b.security, next.security ?? r.security, sink, name);
}
