import type { ErrorObject } from 'ajv';
import { didYouMean, suggestion } from './did-you-mean.js';

/** A JSON Schema violation in words: where (a path into the document, at its key or its value) and what. */
export interface SchemaProblem {
  path: (string | number)[];
  part: 'key' | 'value';
  message: string;
}

/** How one kind of document words what is particular to it; the rest is worded alike for every document. */
export interface SchemaWords {
  /** The whole document, for a problem at its top (`the manifest`). */
  whole: string;
  /** A key that breaks a `propertyNames` rule. */
  name?: (name: string, error: ErrorObject) => string;
  /** A value that does not match a `pattern`; `where` is its dotted path. */
  pattern?: (where: string, error: ErrorObject) => string;
}

/**
 * One ajv error (compiled with `verbose: true`, so that it carries the data and the schema) in
 * words a person can act on; undefined for an error another one already reports.
 */
export function describeSchemaError(error: ErrorObject, words: SchemaWords): SchemaProblem | undefined {
  const path = pointerToPath(error.instancePath);
  const where = path.length ? path.join('.') : words.whole;
  const params = error.params as Record<string, unknown>;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    // A key that breaks a naming rule: point at the key itself.
    return {
      path: [...path, propertyName],
      part: 'key',
      message: words.name ? words.name(propertyName, error) : `${shown(propertyName)} is not a valid name in ${where}`,
    };
  }
  switch (error.keyword) {
    case 'propertyNames':
    case 'if':
      return undefined; // reported by the nested error that carries the name, or the branch that failed
    case 'false schema':
      return { path, part: 'key', message: `${where} is not allowed here` };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const guess = didYouMean(key, known);
      const tail = guess ? ` (did you mean ${guess}?)` : known.length ? ` (expected one of ${known.join(', ')})` : '';
      return { path: [...path, key], part: 'key', message: `unknown key ${shownKey(key)} in ${where}${tail}` };
    }
    case 'required':
      return { path, part: 'key', message: `${where} is missing the required key ${String(params.missingProperty)}` };
    case 'type':
      return { path, part: 'value', message: `${where} must be ${typeName(params.type)}, found ${kindOf(error.data)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof error.data === 'string' ? suggestion(error.data, allowed) : '';
      return { path, part: 'value', message: `${where}: ${shown(error.data)} is not one of ${allowed.join(', ')}${guess}` };
    }
    case 'const':
      return { path, part: 'value', message: `${where} must be ${JSON.stringify(params.allowedValue)}, found ${shown(error.data)}` };
    case 'pattern':
      return {
        path,
        part: 'value',
        message: words.pattern ? words.pattern(where, error) : `${where}: ${shown(error.data)} does not match ${String(params.pattern)}`,
      };
    case 'minimum':
      return { path, part: 'value', message: `${where} must be at least ${String(params.limit)}, found ${shown(error.data)}` };
    case 'maxItems':
      return { path, part: 'value', message: `${where} must have at most ${String(params.limit)} item(s)` };
    case 'minItems':
      return { path, part: 'value', message: `${where} must have at least ${String(params.limit)} item(s)` };
    case 'minProperties':
      return { path, part: 'value', message: `${where} must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}` };
    case 'minLength':
      return { path, part: 'value', message: `${where} must not be empty` };
    case 'maxLength':
      return { path, part: 'value', message: `${where} must be at most ${String(params.limit)} characters` };
    case 'uniqueItems':
      return { path: [...path, Number(params.j)], part: 'value', message: `${where} lists ${shown((error.data as unknown[])[Number(params.j)])} twice` };
    default:
      return { path, part: 'value', message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

/** The path an RFC 6901 JSON pointer names (`/batches/0/steps` → batches, 0, steps). */
function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}

/** The RFC 6901 JSON pointer of a path (`''` for the whole document). */
export function pathToPointer(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function typeName(type: unknown): string {
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'nothing (null)',
  };
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => names[String(t)] ?? String(t)).join(' or ');
}

function kindOf(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${shown(value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}

const SHOWN = 120;

/** A value as JSON, cut to a length a message can hold (a document may hold a value of any size). */
export function shown(value: unknown): string {
  return shownKey(JSON.stringify(value) ?? String(value));
}

/** A key as written (or any text), cut like `shown`. */
function shownKey(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text;
}
