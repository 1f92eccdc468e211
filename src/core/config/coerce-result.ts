import type { Coerced } from './coerce.js';

/** The failing half of a Coerced result. */
export type Failure = Extract<Coerced, { ok: false }>;

export function ok(value: string | number | boolean | null | object, text: string): Coerced {
  return { ok: true, value, text };
}

export function fail(message: string, hint?: string): Failure {
  return hint === undefined ? { ok: false, message } : { ok: false, message, hint };
}

/** A string in double quotes with escapes, so whitespace and control characters are visible. */
export function quote(s: string): string {
  return JSON.stringify(clip(s));
}

/** `s`, shortened to at most 80 characters for a message. */
export function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
