import type { Coerced } from './coerce.js';
import { fail, ok, quote } from './coerce-result.js';

/** JSON text (non-empty, no surrounding whitespace) parsed, with the text passed through unchanged. */
export function jsonFromText(s: string): Coerced {
  try {
    return ok(JSON.parse(s) as string | number | boolean | null | object, s);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
    return fail(`${quote(s)} is not valid JSON: ${lowerFirst(reason)}`);
  }
}

/** Any YAML value serialized compactly, unless JSON would lose or reject part of it; `shown` names it. */
export function jsonFromYaml(raw: unknown, shown: string): Coerced {
  const problem = jsonProblem(raw, new Set());
  if (problem !== undefined) return fail(`${shown} cannot be written as JSON: ${problem}`);
  const text = JSON.stringify(raw);
  if (typeof text !== 'string') return fail(`${shown} cannot be written as JSON`);
  return ok(raw as string | number | boolean | null | object, text);
}

/** Why JSON.stringify would lose or reject part of a value, if it would. */
function jsonProblem(value: unknown, seen: Set<object>): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `JSON has no ${String(value)}`;
  if (typeof value !== 'object') return `JSON has no ${typeof value === 'bigint' ? 'integers that large' : typeof value}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'it contains an invalid date' : undefined;
  if (seen.has(value)) return 'it contains itself';
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return `it contains a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object'}`;
  }
  seen.add(value);
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const problem = jsonProblem(item, seen);
    if (problem !== undefined) return problem;
  }
  seen.delete(value);
  return undefined;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
