import type { Manifest } from '../manifest/manifest.js';
import type { Step } from './plan.js';

export interface OrderedBatch {
  kind: 'config' | 'code';
  steps: Step[];
  reasons: string[];
}

/**
 * Cuts the steps into batches of at most `size`. A service goes after every service it
 * `depends_on` that also changes (in an earlier batch, never the same one). With
 * `separateConfig`, config-only changes go first in batches of their own — except one that
 * depends, directly or not, on a service whose code changes: it waits for that code like any
 * other step. Ties keep manifest order, so the same input always gives the same plan.
 */
export function orderBatches(steps: Step[], manifest: Manifest, size: number, separateConfig: boolean): OrderedBatch[] {
  const order = [...manifest.services.keys()];
  const byName = new Map(steps.map((s) => [s.service, s]));
  const sorted = [...steps].sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service));
  const changingDeps = (name: string) => (manifest.services.get(name)?.depends_on ?? []).filter((d) => byName.has(d));

  const waitsForCode = new Set<string>();
  const visit = (name: string, seen = new Set<string>()): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    return changingDeps(name).some((d) => byName.get(d)!.change !== 'config' || visit(d, seen));
  };
  for (const step of sorted) if (step.change === 'config' && visit(step.service)) waitsForCode.add(step.service);

  const configFirst = separateConfig ? sorted.filter((s) => s.change === 'config' && !waitsForCode.has(s.service)) : [];
  const rest = sorted.filter((s) => !configFirst.includes(s));
  const placed = new Set<string>();
  const batches: OrderedBatch[] = [];
  for (const [kind, group] of [['config', configFirst], ['code', rest]] as const) {
    let remaining = group;
    while (remaining.length) {
      const batch: Step[] = [];
      for (const step of remaining) {
        if (batch.length === size) break;
        if (changingDeps(step.service).every((d) => placed.has(d))) batch.push(step);
      }
      if (batch.length === 0) throw new Error(`internal: no service of ${remaining.map((s) => s.service).join(', ')} can be placed (cycle?)`);
      batch.forEach((s) => placed.add(s.service));
      remaining = remaining.filter((s) => !batch.includes(s));
      batches.push({ kind, steps: batch, reasons: reasonsFor(kind, batch, changingDeps, separateConfig, waitsForCode) });
    }
  }
  return batches;
}

function reasonsFor(
  kind: 'config' | 'code',
  batch: Step[],
  changingDeps: (name: string) => string[],
  separateConfig: boolean,
  waitsForCode: Set<string>,
): string[] {
  const reasons: string[] = [];
  if (kind === 'config') reasons.push('config-only changes go out before code changes (policy.separate_config)');
  for (const step of batch) {
    const deps = changingDeps(step.service);
    if (deps.length) reasons.push(`${step.service} after ${deps.join(', ')} (depends_on)`);
    if (separateConfig && waitsForCode.has(step.service)) reasons.push(`${step.service}: config-only, but waits for the code it depends on`);
  }
  return reasons;
}
