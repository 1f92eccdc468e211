import type { Manifest } from '../manifest/manifest.js';
import { predecessors, type OrderConstraint } from './contract-order.js';
import type { BatchKind, Step } from './plan.js';

export interface OrderedBatch {
  kind: BatchKind;
  steps: Step[];
  reasons: string[];
}

/**
 * Cuts the steps into batches of at most `size`. A service goes after every service it
 * `depends_on` that also changes and after the services its contract constraints put first (in
 * an earlier batch, never the same one; see `contractConstraints`). With
 * `separateConfig`, config-only changes go first in batches of their own — except one that
 * depends, directly or not, on a service whose code changes: it waits for that code like any
 * other step. Ties keep manifest order, so the same input always gives the same plan.
 */
export function orderBatches(
  steps: Step[],
  manifest: Manifest,
  size: number,
  separateConfig: boolean,
  constraints: readonly OrderConstraint[] = [],
): OrderedBatch[] {
  const order = new Map([...manifest.services.keys()].map((name, i) => [name, i]));
  const byName = new Map(steps.map((s) => [s.service, s]));
  const sorted = [...steps].sort((a, b) => order.get(a.service)! - order.get(b.service)!);
  const inPlan = new Set(byName.keys());
  const before = new Map(steps.map((s) => [s.service, predecessors(s.service, constraints, inPlan, manifest)]));
  const changingDeps = (name: string) => before.get(name) ?? [];

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
  for (const [kind, group] of [
    ['config', configFirst],
    ['code', rest],
  ] as const) {
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
      batches.push({ kind, steps: batch, reasons: reasonsFor(kind, batch, changingDeps, constraints, separateConfig, waitsForCode) });
    }
  }
  return batches;
}

function reasonsFor(
  kind: BatchKind,
  batch: Step[],
  changingDeps: (name: string) => string[],
  constraints: readonly OrderConstraint[],
  separateConfig: boolean,
  waitsForCode: Set<string>,
): string[] {
  const reasons: string[] = [];
  if (kind === 'config') reasons.push('config-only changes go out before code changes (policy.separate_config)');
  for (const step of batch) {
    const own = constraints.filter((c) => c.after === step.service);
    const deps = changingDeps(step.service).filter((d) => !own.some((c) => c.before === d));
    if (deps.length) reasons.push(`${step.service} after ${deps.join(', ')} (depends_on)`);
    for (const c of own) reasons.push(`${step.service} after ${c.before} (${c.reason})`);
    if (separateConfig && waitsForCode.has(step.service)) reasons.push(`${step.service}: config-only, but waits for the code it depends on`);
  }
  return reasons;
}
