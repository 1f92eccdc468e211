import { resolveFleet } from '../core/config/resolve-fleet.js';
import { compareFindings, type Finding } from '../core/finding.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { checkConfig } from '../core/rules/check-config.js';
import type { RuleId } from '../core/rules/rule-ids.js';

export interface ReleaseCheck {
  env: string;
  to: FleetRevision;
  from?: FleetRevision;
  findings: Finding[];
  /** Rules that could not run, and why. */
  skipped: { rules: RuleId[]; reason: string }[];
}

/**
 * Every finding of a release of `env` from `from` to `to`, with no side effect. Without a deployed
 * revision the rules that compare two revisions are skipped, and the result says why.
 */
export function checkRelease(env: string, to: FleetRevision, from: FleetRevision | undefined, whyNoFrom: string): ReleaseCheck {
  const toConfigs = resolveFleet(to);
  const result = checkConfig({
    env,
    to,
    toConfigs,
    ...(from ? { from: { revision: from, configs: resolveFleet(from) } } : {}),
  });
  return {
    env,
    to,
    ...(from ? { from } : {}),
    findings: result.findings.sort(compareFindings),
    skipped: result.skipped.length ? [{ rules: result.skipped, reason: whyNoFrom }] : [],
  };
}
