import type { Finding } from '../finding.js';
import type { Plan } from '../plan/plan.js';
import type { Freeze } from './records.js';

/** `change/frozen` findings: steps of the plan that a freeze in force does not allow. */
export function frozenSteps(plan: Plan, freezes: readonly Freeze[], now: string): Finding[] {
  const findings: Finding[] = [];
  const active = freezes.filter((f) => f.env === plan.env && (!f.until || f.until > now));
  for (const step of plan.batches.flatMap((b) => b.steps)) {
    const kinds = step.change === 'config' ? ['config'] : step.change === 'code+config' ? ['code', 'config'] : ['code'];
    for (const freeze of active) {
      if (freeze.service !== undefined && freeze.service !== step.service) continue;
      const outside = kinds.filter((k) => !freeze.allowScope.includes(k));
      if (!outside.length) continue;
      findings.push({
        rule: 'change/frozen',
        severity: 'error',
        service: step.service,
        env: plan.env,
        message: `${freeze.service ?? plan.env} is frozen (${freeze.reason}, by ${freeze.by}${freeze.until ? ` until ${freeze.until}` : ''}) and this release changes its ${outside.join(' and ')}${freeze.allowScope.length ? `; the freeze allows ${freeze.allowScope.join(', ')} only` : ''}`,
        hint: `wait for tranche unfreeze --env ${plan.env}${freeze.service ? ` --service ${freeze.service}` : ''}, or narrow the release to what the freeze allows`,
      });
    }
  }
  return findings;
}
