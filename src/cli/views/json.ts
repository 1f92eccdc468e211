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

export function writeJson(out: Output, document: unknown): void {
  out.write(`${JSON.stringify(document, null, 2)}\n`);
}
