import { didYouMean } from '../did-you-mean.js';
import { fail, ok, quote, type Failure } from './coerce-result.js';
import { DURATION_EXAMPLES, readDuration } from './duration.js';
import { hostProblem, urlProblem } from './host-and-url.js';
import { jsonFromText, jsonFromYaml } from './json-value.js';

export { parseDuration } from './duration.js';

/** Every type a config key can declare (PRODUCT §3). */
export const CONFIG_TYPES = ['string', 'int', 'number', 'boolean', 'port', 'host', 'url', 'duration', 'enum', 'json'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

/** A key's declared type; `values` lists what an `enum` allows (compared as strings). */
export interface TypeSpec {
  type: ConfigType;
  values?: readonly (string | number | boolean)[];
}

/**
 * Where a raw value came from: 'yaml' keeps its YAML type (string, number, boolean, null, object,
 * array); 'text' is a string from a dotenv file or a deployment variable and is parsed by the type.
 */
export type RawOrigin = 'yaml' | 'text';

/**
 * A value checked against its type. When ok, `value` is typed (duration in milliseconds, json
 * parsed) and `text` is exactly what the service receives in its environment. When not,
 * `message` is a user-facing sentence naming the offending value (which it may contain verbatim:
 * redact it for secret keys), and `hint` says how to fix it when that is known.
 */
export type Coerced = { ok: true; value: string | number | boolean | null | object; text: string } | { ok: false; message: string; hint?: string };

const PORT_RANGE = 'a port (1-65535)';

/**
 * Checks one raw value against a key's type and converts it to what the service receives.
 * `sourceText` is the exact YAML source of a plain scalar, when known, so that `1.10` is told
 * apart from `1.1`. Never throws.
 */
export function coerceValue(spec: TypeSpec, raw: unknown, origin: RawOrigin, sourceText?: string): Coerced {
  try {
    return coerce(spec, raw, origin, sourceText);
  } catch (err) {
    // Only reachable through values no YAML or dotenv parser produces (e.g. a throwing toString).
    return fail(`internal error: could not check this value (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** How a type reads in a sentence: "a port (1-65535)", "one of debug, info, warn". */
export function describeType(spec: TypeSpec): string {
  switch (spec?.type) {
    case 'string':
      return 'a string';
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean (true or false)';
    case 'port':
      return PORT_RANGE;
    case 'host':
      return 'a host';
    case 'url':
      return 'a URL';
    case 'duration':
      return `a duration (like ${DURATION_EXAMPLES})`;
    case 'enum':
      return `one of ${enumList(spec.values)}`;
    case 'json':
      return 'JSON';
    default:
      return `an unknown type (${String(spec?.type)})`;
  }
}

// ---------------------------------------------------------------------------------------------

function coerce(spec: TypeSpec, raw: unknown, origin: RawOrigin, sourceText: string | undefined): Coerced {
  if (!(CONFIG_TYPES as readonly unknown[]).includes(spec?.type)) {
    return fail(`${quote(String(spec?.type))} is not a config type`, `use one of ${CONFIG_TYPES.join(', ')}`);
  }
  if (spec.type === 'enum' && !(Array.isArray(spec.values) && spec.values.length > 0)) {
    return fail('this enum declares no allowed values', 'list them under values');
  }
  if (typeof raw === 'bigint') {
    if (!Number.isSafeInteger(Number(raw))) return fail(`${raw} is too large to be read exactly`, 'quote it to keep it as a string');
    raw = Number(raw);
  }
  // Text is always a string; anything else handed in as text is judged by its own type.
  if (origin === 'text' && typeof raw === 'string') return fromText(spec, raw);
  return fromYaml(spec, raw, typeof sourceText === 'string' ? sourceText : undefined);
}

/** A string to parse by the type: dotenv values, deployment variables and YAML strings alike. */
function fromText(spec: TypeSpec, s: string): Coerced {
  if (spec.type === 'string') return ok(s, s);
  if (spec.type === 'enum') {
    const match = matchEnum(spec, s);
    if (match) return match;
  }
  if (s === '') return fail(`"" is not ${noun(spec)}: it is empty`, spec.type === 'enum' ? `give one of ${enumList(spec.values)}` : 'give a value');
  const trimmed = s.trim();
  if (trimmed !== s) {
    if (trimmed === '') return fail(`${quote(s)} is not ${noun(spec)}: it is only whitespace`, 'give a value');
    const where = s.trimStart() !== s && s.trimEnd() !== s ? 'leading and trailing' : s.trimStart() !== s ? 'leading' : 'trailing';
    const fixed = fromText(spec, trimmed);
    return fail(`${quote(s)} is not ${noun(spec)}: it has ${where} whitespace`, fixed.ok ? `remove the whitespace: ${fixed.text}` : 'remove the whitespace');
  }
  return parseText(spec, s);
}

/** `s` is non-empty and has no surrounding whitespace. */
function parseText(spec: TypeSpec, s: string): Coerced {
  switch (spec.type) {
    case 'string':
      return ok(s, s);
    case 'int': {
      if (INT_RE.test(s)) return intValue(Number(s), s);
      const n = NUMBER_RE.test(s) ? Number(s) : NaN;
      return fail(`${quote(s)} is not an integer`, Number.isSafeInteger(n) ? `write ${String(n + 0)}` : undefined);
    }
    case 'number': {
      if (!NUMBER_RE.test(s)) return fail(`${quote(s)} is not a number`);
      const n = Number(s);
      return Number.isFinite(n) ? ok(n + 0, String(n + 0)) : fail(`${s} is out of range for a number`);
    }
    case 'boolean': {
      const lower = s.toLowerCase();
      if (lower === 'true' || s === '1') return ok(true, 'true');
      if (lower === 'false' || s === '0') return ok(false, 'false');
      const meant = YES.has(lower) ? 'true' : NO.has(lower) ? 'false' : undefined;
      return fail(`${quote(s)} is not ${describeType(spec)}`, meant ? `write ${meant}` : 'write true or false (or 1 or 0)');
    }
    case 'port': {
      if (INT_RE.test(s)) return portValue(Number(s), s);
      const hostPort = /^[^:]+:(\d+)$/.exec(s);
      const port = hostPort ? Number(hostPort[1]) : NaN;
      return fail(`${quote(s)} is not ${PORT_RANGE}`, port >= 1 && port <= 65535 ? `give only the port: ${port}` : undefined);
    }
    case 'host': {
      const reason = hostProblem(s);
      return reason === undefined ? ok(s, s) : fail(`${quote(s)} is not a host: ${reason}`);
    }
    case 'url': {
      const problem = urlProblem(s);
      return problem === undefined ? ok(s, s) : fail(`${quote(s)} ${problem}`);
    }
    case 'duration': {
      const parsed = readDuration(s);
      return parsed.ok ? ok(parsed.ms, parsed.text) : fail(parsed.message, parsed.hint);
    }
    case 'enum':
      return matchEnum(spec, s) ?? enumFailure(spec, quote(s), s);
    case 'json':
      return jsonFromText(s);
  }
}

function fromYaml(spec: TypeSpec, raw: unknown, sourceText: string | undefined): Coerced {
  if (raw === undefined) return fail(`no value is given for ${noun(spec)}`, 'give a value');
  // A YAML string reads exactly as the same text in a dotenv file: `PORT: "8080"` is port 8080,
  // and `FEATURES: '{"a": 1}'` is the JSON object, not a JSON string.
  if (typeof raw === 'string') return fromText(spec, raw);
  if (spec.type === 'json') return jsonFromYaml(raw, show(raw, sourceText));
  if (raw === null) return nullFailure(spec, sourceText);
  const shown = show(raw, sourceText);
  if (typeof raw !== 'number' && typeof raw !== 'boolean') return fail(`${shown} is not ${noun(spec)}`);

  switch (spec.type) {
    case 'string': {
      const text = String(raw);
      if (sourceText === undefined || sourceText === text) return ok(text, text);
      return yamlTrap(raw, sourceText);
    }
    case 'enum': {
      const match = matchEnum(spec, String(raw));
      if (match) return match;
      if (sourceText !== undefined && sourceText !== String(raw) && matchEnum(spec, sourceText)) return yamlTrap(raw, sourceText);
      return enumFailure(spec, shown, sourceText ?? String(raw));
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return ok(raw, String(raw));
      const meant = raw === 1 ? 'true' : raw === 0 ? 'false' : 'true or false';
      return fail(`${shown} is a number, not ${noun(spec)}`, `write ${meant}`);
    }
    case 'int':
    case 'number':
    case 'port': {
      if (typeof raw === 'boolean') return fail(`${shown} is a boolean, not ${noun(spec)}`);
      if (spec.type === 'number') return Number.isFinite(raw) ? ok(raw + 0, String(raw + 0)) : fail(`${shown} is not a finite number`);
      if (!Number.isInteger(raw)) return fail(`${shown} is not ${noun(spec)}`);
      return spec.type === 'int' ? intValue(raw, shown) : portValue(raw, shown);
    }
    case 'duration':
      if (typeof raw === 'number') {
        if (!Number.isFinite(raw)) return fail(`${shown} is not a duration`);
        if (raw < 0) return fail(`${shown} is not a duration: durations cannot be negative`);
        return fail(`${shown} has no unit: write ${String(raw)}s or ${String(raw)}ms`);
      }
      return fail(`${shown} is a ${typeof raw}, not ${noun(spec)}`);
    case 'host':
    case 'url':
      return fail(`${shown} is a ${typeof raw}, not ${noun(spec)}`);
    default:
      return fail(`${shown} is not ${noun(spec)}`);
  }
}

// --- numbers -----------------------------------------------------------------------------------

const INT_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const YES = new Set(['yes', 'y', 'on']);
const NO = new Set(['no', 'n', 'off']);

function intValue(n: number, shown: string): Coerced {
  if (!Number.isSafeInteger(n)) {
    return fail(
      `${shown} is out of range for an integer`,
      `integers go from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}; use a string for larger ones`,
    );
  }
  return ok(n + 0, String(n + 0));
}

function portValue(n: number, shown: string): Coerced {
  return n >= 1 && n <= 65535 ? ok(n, String(n)) : fail(`${shown} is out of range for ${PORT_RANGE}`);
}

// --- enum ----------------------------------------------------------------------------------------

function matchEnum(spec: TypeSpec, s: string): Coerced | undefined {
  const found = spec.values?.find((v) => String(v) === s);
  return found === undefined ? undefined : ok(found, String(found));
}

function enumFailure(spec: TypeSpec, shown: string, text: string): Failure {
  const near = didYouMean(text, (spec.values ?? []).map(String));
  return fail(`${shown} is not ${describeType(spec)}`, near === undefined ? undefined : `did you mean ${quote(near)}?`);
}

function enumList(values: TypeSpec['values']): string {
  if (!Array.isArray(values) || values.length === 0) return '(no values)';
  return values.map((v) => (String(v) === '' ? '""' : String(v))).join(', ');
}

// --- messages ------------------------------------------------------------------------------------

/** A plain scalar YAML read as a number or boolean where the author meant its text. */
function yamlTrap(raw: number | boolean, sourceText: string): Failure {
  const kind = typeof raw === 'number' ? 'number' : 'boolean';
  return fail(`YAML reads ${sourceText} as the ${kind} ${String(raw)}, not the string ${quote(sourceText)}`, `quote it: ${JSON.stringify(sourceText)}`);
}

function nullFailure(spec: TypeSpec, sourceText: string | undefined): Failure {
  const hint =
    spec.type === 'string' ? "give a value, or quote '' for an empty string" : spec.type === 'enum' ? `give one of ${enumList(spec.values)}` : 'give a value';
  if (sourceText === '') return fail(`an empty value is null in YAML, not ${noun(spec)}`, hint);
  if (sourceText === undefined || sourceText === 'null') return fail(`null is not ${noun(spec)}`, hint);
  return fail(`YAML reads ${sourceText} as null, not ${noun(spec)}`, hint);
}

/** The type as messages name it; shorter than describeType where the detail follows anyway. */
function noun(spec: TypeSpec): string {
  return spec.type === 'duration' ? 'a duration' : describeType(spec);
}

/** A raw value as a message shows it: strings quoted, scalars as written, collections by kind. */
function show(raw: unknown, sourceText: string | undefined): string {
  if (typeof raw === 'string') return quote(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return sourceText || String(raw);
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a map';
  return `a ${typeof raw}`;
}
