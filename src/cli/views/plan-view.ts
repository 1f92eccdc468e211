import type { Plan, Step } from '../../core/plan/plan.js';
import { planStart } from './baseline-label.js';
import { groupedFindings, summarize } from './findings.js';
import { findingJson } from './json.js';

const short = (commit: string) => commit.slice(0, 7);

function rollbackOf(step: Step): string {
  return step.rollback.action === 'redeploy' ? `redeploy ${short(step.rollback.to.commit)}` : 'stop (it is new)';
}

/**
 * The plan as a person reviews it: each batch, its steps and rollbacks, its gates, and why it is
 * where it is. `from` names what it starts from (default: read from the plan).
 */
export function renderPlan(plan: Plan, from = planStart(plan)): string {
  const lines = [`tranche plan: ${plan.env}, ${from ? `${from} → ` : ''}${plan.to.label}${plan.intent ? ` — ${plan.intent}` : ''}`, ''];
  if (plan.findings.length) lines.push(groupedFindings(plan.findings), '', `findings: ${summarize(plan.findings)}`, '');
  if (!plan.batches.length) lines.push('nothing to deploy: every service already runs its target version and config');
  for (const batch of plan.batches) {
    lines.push(`batch ${batch.index}/${plan.batches.length} (${batch.kind}): ${batch.services.join(', ')}`);
    for (const step of batch.steps) {
      lines.push(
        `  ${step.service}  ${step.change}  ${step.from ? `${short(step.from.commit)} → ` : ''}${short(step.to.commit)}  rollback: ${rollbackOf(step)}`,
      );
      for (const [key, [before, after]] of Object.entries(step.configChanges)) lines.push(`      ${key}: ${before ?? '(unset)'} → ${after ?? '(unset)'}`);
    }
    const sanity = Object.entries(batch.gates.sanity).map(([service, names]) => `${service}: ${names.join(', ')}`);
    lines.push(`  gates: health ${batch.gates.health.join(', ') || '(none)'}; sanity ${sanity.join('; ') || '(none)'}; bake ${batch.gates.bakeMs / 1000}s`);
    for (const reason of batch.reasons) lines.push(`  why: ${reason}`);
  }
  const changing = plan.batches.reduce((n, b) => n + b.steps.length, 0);
  lines.push('', `${changing} service${changing === 1 ? '' : 's'} change, ${plan.unchanged.length} unchanged`, '');
  return lines.join('\n');
}

/** PRODUCT §9: the findings, and the batches with their services and kind (plus the whole plan). */
export function planJson(plan: Plan): Record<string, unknown> {
  return { ...plan, findings: plan.findings.map(findingJson) };
}
