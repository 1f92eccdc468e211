import type { Finding } from '../finding.js';
import type { Policy } from '../manifest/manifest.js';
import { FIXED_RULES } from './rule-ids.js';

/**
 * Applies `policy.rules`: a rule set to `off` is dropped, any other setting replaces the default
 * severity. The FIXED_RULES keep theirs, whatever the policy says.
 */
export function applyPolicy(findings: Finding[], policy: Pick<Policy, 'rules'>): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const setting = FIXED_RULES.includes(finding.rule) ? undefined : policy.rules.get(finding.rule);
    if (setting === 'off') continue;
    result.push(setting ? { ...finding, severity: setting } : finding);
  }
  return result;
}
