import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { didYouMean, suggestion } from '../did-you-mean.js';
import type { Finding } from '../finding.js';
import type { ManifestLocator } from './manifest.js';
import { manifestSchema } from './manifest-schema.js';

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  validate ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true }).compile(
    manifestSchema as object,
  );
  return validate;
}

/** Checks the manifest's shape against its JSON Schema; every violation becomes a located finding. */
export function checkSchema(data: unknown, locate: ManifestLocator): Finding[] {
  const check = validator();
  if (check(data)) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const error of check.errors ?? []) {
    const described = describe(error);
    if (!described) continue;
    const location = locate(described.path, described.part);
    const id = `${location.line}:${location.column}:${described.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    findings.push({ rule: 'manifest/invalid', severity: 'error', message: described.message, location });
  }
  return findings;
}

interface Described {
  path: (string | number)[];
  part: 'key' | 'value';
  message: string;
}

function describe(error: ErrorObject): Described | undefined {
  const path = pointerToPath(error.instancePath);
  const where = path.length ? path.join('.') : 'the manifest';
  const params = error.params as Record<string, unknown>;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    // A key that breaks a naming rule: point at the key itself.
    return { path: [...path, propertyName], part: 'key', message: nameMessage(propertyName, error) };
  }
  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // reported by the nested error that carries the name
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const guess = didYouMean(key, known);
      const tail = guess ? ` (did you mean ${guess}?)` : known.length ? ` (expected one of ${known.join(', ')})` : '';
      return { path: [...path, key], part: 'key', message: `unknown key ${key} in ${where}${tail}` };
    }
    case 'required':
      return { path, part: 'key', message: `${where} is missing the required key ${String(params.missingProperty)}` };
    case 'type':
      return { path, part: 'value', message: `${where} must be ${typeName(params.type)}, found ${kindOf(error.data)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof error.data === 'string' ? suggestion(error.data, allowed) : '';
      return { path, part: 'value', message: `${where}: ${JSON.stringify(error.data)} is not one of ${allowed.join(', ')}${guess}` };
    }
    case 'const':
      return { path, part: 'value', message: `${where} must be ${JSON.stringify(params.allowedValue)}, found ${JSON.stringify(error.data)}` };
    case 'pattern':
      return { path, part: 'value', message: patternMessage(where, error) };
    case 'minimum':
      return { path, part: 'value', message: `${where} must be at least ${String(params.limit)}, found ${JSON.stringify(error.data)}` };
    case 'minItems':
      return { path, part: 'value', message: `${where} must have at least ${String(params.limit)} item(s)` };
    case 'minProperties':
      return { path, part: 'value', message: `${where} must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}` };
    case 'minLength':
      return { path, part: 'value', message: `${where} must not be empty` };
    case 'maxLength':
      return { path, part: 'value', message: `${where} must be at most ${String(params.limit)} characters` };
    case 'uniqueItems':
      return { path: [...path, Number(params.j)], part: 'value', message: `${where} lists ${JSON.stringify((error.data as unknown[])[Number(params.j)])} twice` };
    default:
      return { path, part: 'value', message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

function nameMessage(name: string, error: ErrorObject): string {
  if (error.keyword === 'maxLength') return `the name ${JSON.stringify(name)} is longer than 63 characters`;
  if (error.keyword === 'enum') {
    const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
    if (name === 'change/frozen') return 'policy.rules cannot set change/frozen: freezes are set by operators (tranche freeze), and a release cannot lift them';
    if (name === 'manifest/invalid') return 'policy.rules cannot set manifest/invalid: a fleet definition that cannot be used stops every command';
    return `unknown rule ${name}${suggestion(name, allowed)}`;
  }
  const pattern = String((error.params as { pattern?: string }).pattern ?? '');
  if (pattern.startsWith('^[A-Za-z_]')) return `${JSON.stringify(name)} is not a valid key: use letters, digits and _ (starting with a letter or _)`;
  if (/^[0-9]+$/.test(name)) return `${JSON.stringify(name)} is not a valid name: a name needs at least one letter (YAML reads 01 as the number 1)`;
  return `${JSON.stringify(name)} is not a valid name: use letters, digits, '.', '_' and '-', starting with a letter or digit`;
}

function patternMessage(where: string, error: ErrorObject): string {
  const value = JSON.stringify(error.data);
  const pattern = String((error.params as { pattern?: string }).pattern ?? '');
  if (pattern.includes('ms|s|m|h')) return `${where}: ${value} is not a duration (write e.g. 250ms, 5s, 2m or 1m30s)`;
  if (where.endsWith('.bind')) return `${where}: ${value} must be RESOURCE.FIELD, e.g. orders-db.port`;
  if (pattern.startsWith('^[A-Z]+ /')) return `${where}: ${value} must be METHOD /path, e.g. "POST /charges"`;
  if (pattern === '^[A-Za-z]+$') return `${where}: ${value} is not an HTTP method`;
  return `${where}: ${value} does not match ${pattern}`;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}

function typeName(type: unknown): string {
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
  };
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => names[String(t)] ?? String(t)).join(' or ');
}

function kindOf(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}
