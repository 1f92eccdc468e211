import { MAX_NESTING, NestingError } from '../nesting.js';
import { refOrigin } from './resolve-refs.js';

/** A JSON Schema / OpenAPI schema object after `$ref` resolution (may be cyclic). */
export type Schema = Record<string, unknown>;

/** True for a plain object (a schema, a map), false for arrays, null and scalars. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Schema at `value`, treating `true`/absent as no schema. */
export function asSchema(value: unknown): Schema | undefined {
  return isObject(value) ? value : undefined;
}

/** True when the schema is exactly `{ type: "null" }` (possibly with annotations). */
export function isNullSchema(schema: unknown): boolean {
  return isObject(schema) && (schema.type === 'null' || (Array.isArray(schema.type) && schema.type.length === 1 && schema.type[0] === 'null'));
}

/** The alternatives of a oneOf/anyOf that wraps one schema with `null` (3.1 nullable idiom). */
function nullWrapped(schema: Schema): Schema | undefined {
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list) || list.length !== 2) continue;
    const rest = list.filter((s) => !isNullSchema(s));
    if (rest.length === 1 && isObject(rest[0])) return rest[0];
  }
  return undefined;
}

/** Whether a schema admits `null`: OAS 3.0 `nullable`, a 3.1 type list with "null", or a null-wrapping oneOf/anyOf. */
export function isNullable(schema: Schema): boolean {
  if (schema.nullable === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  return nullWrapped(schema) !== undefined;
}

/** The schema with its null-wrapping oneOf/anyOf removed (the non-null alternative, merged with its siblings). */
export function withoutNullWrap(schema: Schema): Schema {
  const inner = nullWrapped(schema);
  if (inner === undefined) return schema;
  const { oneOf: _o, anyOf: _a, ...rest } = schema;
  return { ...inner, ...rest };
}

/**
 * A oneOf/anyOf whose alternatives only name types (`oneOf: [{type: string}, {type: integer}]`)
 * is a list of types; it is viewed as `type: [string, integer]` so it compares as one.
 */
export function withTypeListView(schema: Schema): Schema {
  if (schema.type !== undefined) return schema;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list) || list.length < 2) continue;
    const typeOnly = list.every((s) => isObject(s) && Object.keys(s).length === 1 && typeof s.type === 'string');
    if (!typeOnly) continue;
    const { [key]: _dropped, ...rest } = schema;
    return { ...rest, type: list.map((s) => (s as Schema).type) };
  }
  return schema;
}

/** The non-null types a schema declares (empty when it declares none). */
export function typesOf(schema: Schema): string[] {
  const t = schema.type;
  const list = Array.isArray(t) ? t : typeof t === 'string' ? [t] : [];
  return list.filter((x): x is string => typeof x === 'string' && x !== 'null');
}

/** Below this depth `deepEqual` does not track the pairs it compares: schemas are rarely deeper. */
const UNTRACKED_DEPTH = 32;

/** Pairs of `$ref` targets already compared, and whether they were equal (see `deepEqual`). */
const comparedTargets = new WeakMap<object, WeakMap<object, boolean>>();
/** Whether the comparison under way took a pair met again as equal (a cycle) anywhere below. */
let assumed = false;

/**
 * Structural equality for resolved (possibly cyclic) JSON values. A pair met again is taken as
 * equal (it is being compared already), which ends cycles; the pairs are tracked only past a
 * depth no acyclic schema reaches, so ordinary values cost no bookkeeping. Two `$ref` targets
 * (`refOrigin`: the components a spec shares among its operations) are compared once per pair and
 * remembered, unless the answer rested on such an assumption. Values nested past MAX_NESTING
 * (cycles of different lengths) are a `NestingError`. Resolved documents are not changed once
 * compared: a remembered answer stays true.
 */
export function deepEqual(a: unknown, b: unknown, depth = 0, seen?: Map<object, object>): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (refOrigin(a) === undefined || refOrigin(b) === undefined) return compareObjects(a, b, depth, seen);
  const known = comparedTargets.get(a)?.get(b);
  if (known !== undefined) return known;
  const outer = assumed;
  assumed = false;
  const equal = compareObjects(a, b, depth, seen);
  if (!assumed) {
    let row = comparedTargets.get(a);
    if (!row) comparedTargets.set(a, (row = new WeakMap()));
    row.set(b, equal);
  }
  assumed ||= outer;
  return equal;
}

function compareObjects(a: object, b: object, depth: number, seen: Map<object, object> | undefined): boolean {
  if (depth >= MAX_NESTING) throw new NestingError('a value both documents hold ($refs followed)');
  if (depth >= UNTRACKED_DEPTH) {
    seen ??= new Map();
    if (seen.get(a) === b) {
      assumed = true;
      return true;
    }
    seen.set(a, b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // The keys counted and walked with `for…in` (own keys only: a parsed value's prototype has none
  // enumerable), not listed: two `Object.keys` arrays for every pair compared were most of a
  // comparison's garbage.
  let count = 0;
  for (const _ in b) count++;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1, seen)) return false;
    count--;
  }
  return count === 0;
}

/** Short printable form of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'none';
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = '(recursive value)';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
