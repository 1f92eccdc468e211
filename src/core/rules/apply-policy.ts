import type { Finding } from '../finding.js';
import type { Policy } from '../manifest/manifest.js';

/** Applies `policy.rules`: a rule set to `off` is dropped, any other setting replaces the default severity. */
export function applyPolicy(findings: Finding[], policy: Pick<Policy, 'rules'>): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const setting = policy.rules.get(finding.rule);
    if (setting === 'off') continue;
    result.push(setting ? { ...finding, severity: setting } : finding);
  }
  return result;
}
