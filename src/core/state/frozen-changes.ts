import type { ChangeKind } from '../changes/change-manifest.js';
import type { Finding } from '../finding.js';
import type { Plan, Step } from '../plan/plan.js';
import type { Freeze } from './records.js';

/**
 * `change/frozen` findings of `freeze check`: services whose change (its kinds: config, code, deps, contract) a freeze
 * in force does not allow. `changes(env, service)` says what the change does to a service there.
 */
export function frozenChanges(
  freezes: readonly Freeze[],
  now: string,
  changes: (env: string, service: string) => readonly ChangeKind[],
  services: readonly string[],
): Finding[] {
  const findings: Finding[] = [];
  for (const freeze of freezes.filter((f) => !f.until || f.until > now)) {
    for (const service of freeze.service ? [freeze.service] : services) {
      const outside = changes(freeze.env, service).filter((k) => !freeze.allowScope.includes(k));
      if (!outside.length) continue;
      findings.push({
        rule: 'change/frozen',
        severity: 'error',
        service,
        env: freeze.env,
        message: `${freeze.service ?? freeze.env} is frozen (${freeze.reason}, by ${freeze.by}${freeze.until ? ` until ${freeze.until}` : ''}) and this change touches the ${outside.join(' and ')} of ${service}${freeze.allowScope.length ? `; allowed: ${freeze.allowScope.join(', ')}` : ''}`,
        hint: 'merge after the freeze is lifted, or limit the change to what the freeze allows',
      });
    }
  }
  return findings;
}

/**
 * The kinds of change a step makes, as scopes and freezes name them: what the release's files
 * say of the service (a lockfile bump is deps, a spec is contract), or, in a plan that did not
 * record them, what the step does.
 */
function stepKinds(plan: Plan, step: Step): ChangeKind[] {
  const content = plan.changes?.services.find((s) => s.service === step.service);
  if (content?.kinds.length) return content.kinds;
  return step.change === 'config' ? ['config'] : step.change === 'code+config' ? ['code', 'config'] : ['code'];
}

/**
 * `change/frozen` findings for the steps of a plan from batch `fromBatch` on: apply refuses a
 * plan they cover, and a running release pauses before a batch they cover.
 */
export function frozenSteps(plan: Plan, freezes: readonly Freeze[], now: string, fromBatch = 1): Finding[] {
  const kinds = new Map(
    plan.batches
      .filter((b) => b.index >= fromBatch)
      .flatMap((b) => b.steps)
      .map((s) => [s.service, stepKinds(plan, s)]),
  );
  return frozenChanges(
    freezes.filter((f) => f.env === plan.env),
    now,
    (_env, service) => kinds.get(service) ?? [],
    [...kinds.keys()],
  );
}
