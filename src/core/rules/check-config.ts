import type { Finding } from '../finding.js';
import { applyPolicy } from './apply-policy.js';
import { checkDrift } from './config/check-drift.js';
import { checkInvalid } from './config/check-invalid.js';
import { checkMissing } from './config/check-missing.js';
import { checkPlaintextSecret } from './config/check-plaintext-secret.js';
import { checkShadowedChange } from './config/check-shadowed-change.js';
import { checkStaleValue } from './config/check-stale-value.js';
import { checkUndefinedRef } from './config/check-undefined-ref.js';
import { checkUnknownKey } from './config/check-unknown-key.js';
import type { ConfigRuleInput } from './config/config-rule-input.js';
import type { RuleId } from './rule-ids.js';
import type { FleetRevision } from '../fleet-revision.js';
import type { ResolvedFleet } from '../config/resolve-fleet.js';

/** The rules that compare the deployed revision with the target; they need a `from`. */
const COMPARING_RULES: readonly RuleId[] = ['config/shadowed-change', 'config/stale-value'];

export interface ConfigCheckResult {
  findings: Finding[];
  /** Rules that could not run (no deployed revision to compare with). */
  skipped: RuleId[];
}

/** A deployed revision, and the services of the release that run it. */
export interface DeployedRevision {
  revision: FleetRevision;
  configs: ResolvedFleet;
  services: ReadonlySet<string>;
}

/**
 * Runs every config rule for one environment of a release, with the fleet's severities applied.
 * The rules that compare run once per deployed revision, for the services that run it: after a
 * partial release, services of one environment run different revisions.
 */
export function checkConfig(input: Omit<ConfigRuleInput, 'from'> & { deployed: readonly DeployedRevision[] }): ConfigCheckResult {
  const comparing: Finding[] = [];
  for (const { revision, configs, services } of input.deployed) {
    const base = { ...input, from: { revision, configs } };
    const shadowed = checkShadowedChange(base);
    const reported = new Set(shadowed.map(keyOf));
    // A literal that shadows a changed binding is one mistake: report it once, as the shadowing.
    const stale = checkStaleValue(base).filter((f) => !reported.has(keyOf(f)));
    comparing.push(...[...shadowed, ...stale].filter((f) => f.service !== undefined && services.has(f.service)));
  }
  const findings = [
    ...checkMissing(input),
    ...checkInvalid(input),
    ...checkUnknownKey(input),
    ...checkUndefinedRef(input),
    ...comparing,
    ...checkDrift(input),
    ...checkPlaintextSecret(input),
  ];
  return {
    findings: applyPolicy(findings, input.to.manifest.policy),
    skipped: input.deployed.length ? [] : [...COMPARING_RULES],
  };
}

const keyOf = (f: Finding) => `${f.service}\u0000${f.env}\u0000${f.key}`;
