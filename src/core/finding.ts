import type { SourceLocation } from './location.js';
import type { RuleId, Severity } from './rules/rule-ids.js';

/**
 * One problem, as every reporter and the JSON output show it (PRODUCT §9). Fields that do not
 * apply are absent. `hint` is a one-line fix a person can act on. Findings are values: they are
 * collected and returned, never thrown.
 */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  service?: string;
  env?: string;
  key?: string;
  message: string;
  hint?: string;
  location?: SourceLocation;
}

const ORDER: Record<Severity, number> = { error: 0, warn: 1, info: 2 };

/** Stable order for reports: by service, then severity, then location, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.service ?? '').localeCompare(b.service ?? '') ||
    ORDER[a.severity] - ORDER[b.severity] ||
    (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    a.rule.localeCompare(b.rule) ||
    (a.key ?? '').localeCompare(b.key ?? '') ||
    (a.env ?? '').localeCompare(b.env ?? '')
  );
}
