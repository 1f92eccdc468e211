import type { Finding } from '../finding.js';
import { applyPolicy } from './apply-policy.js';
import { checkDrift } from './config/check-drift.js';
import { checkInvalid } from './config/check-invalid.js';
import { checkMissing } from './config/check-missing.js';
import { checkPlaintextSecret } from './config/check-plaintext-secret.js';
import { checkShadowedChange } from './config/check-shadowed-change.js';
import { checkStaleValue } from './config/check-stale-value.js';
import { checkUnknownKey } from './config/check-unknown-key.js';
import type { ConfigRuleInput } from './config/config-rule-input.js';
import type { RuleId } from './rule-ids.js';

/** The rules that compare the deployed revision with the target; they need a `from`. */
export const COMPARING_RULES: readonly RuleId[] = ['config/shadowed-change', 'config/stale-value'];

export interface ConfigCheckResult {
  findings: Finding[];
  /** Rules that could not run (no deployed revision to compare with). */
  skipped: RuleId[];
}

/** Runs every config rule for one environment of a release, with the fleet's severities applied. */
export function checkConfig(input: ConfigRuleInput): ConfigCheckResult {
  const shadowed = checkShadowedChange(input);
  const reported = new Set(shadowed.map(keyOf));
  const findings = [
    ...checkMissing(input),
    ...checkInvalid(input),
    ...checkUnknownKey(input),
    ...shadowed,
    // A literal that shadows a changed binding is one mistake: report it once, as the shadowing.
    ...checkStaleValue(input).filter((f) => !reported.has(keyOf(f))),
    ...checkDrift(input),
    ...checkPlaintextSecret(input),
  ];
  return {
    findings: applyPolicy(findings, input.to.manifest.policy),
    skipped: input.from ? [] : [...COMPARING_RULES],
  };
}

const keyOf = (f: Finding) => `${f.service}\u0000${f.env}\u0000${f.key}`;
