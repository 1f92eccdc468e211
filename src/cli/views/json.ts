import type { Finding } from '../../core/finding.js';
import type { Output } from '../io.js';

/** A finding as PRODUCT §9 shows it in JSON, with its fields in a stable order. */
export function findingJson(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    severity: f.severity,
    ...(f.service !== undefined ? { service: f.service } : {}),
    ...(f.env !== undefined ? { env: f.env } : {}),
    ...(f.key !== undefined ? { key: f.key } : {}),
    message: f.message,
    ...(f.hint !== undefined ? { hint: f.hint } : {}),
    ...(f.location ? { location: f.location } : {}),
  };
}

/**
 * Characters JSON.stringify leaves as they are that a terminal acts on (C1 controls, DEL) or that
 * reorder or break a line (bidirectional overrides, line separators): only ever inside strings.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** One JSON document, every character a terminal would act on escaped as `\uXXXX` (the same string once parsed). */
export function writeJson(out: Output, document: unknown): void {
  const text = JSON.stringify(document, null, 2).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  out.write(`${text}\n`);
}
