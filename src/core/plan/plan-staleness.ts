import type { Plan, VersionRef } from './plan.js';

const same = (a: VersionRef | undefined, b: VersionRef | undefined) =>
  a?.commit === b?.commit && a?.contentId === b?.contentId && a?.configHash === b?.configHash;
const short = (v: VersionRef | undefined) => (v ? `${v.commit.slice(0, 7)} (config ${v.configHash.replace(/^[a-z0-9]+:/, '').slice(0, 8)})` : 'nothing');

/**
 * Why a saved plan can no longer be applied, or undefined when it still holds: `fresh` is the
 * plan made now from the same target commit. The deployed state must be what the plan started
 * from, and every step must still deploy the same version and config.
 */
export function planStaleness(saved: Plan, fresh: Plan): string | undefined {
  if (saved.env !== fresh.env) return `the plan is for ${saved.env}, not ${fresh.env}`;
  for (const service of new Set([...Object.keys(saved.basis.deployed), ...Object.keys(fresh.basis.deployed)])) {
    const then = saved.basis.deployed[service];
    const now = fresh.basis.deployed[service];
    if (!same(then, now)) return `the deployed state moved since the plan was made: ${service} runs ${short(now)}, the plan expected ${short(then)}`;
  }
  const steps = (plan: Plan) => new Map(plan.batches.flatMap((b) => b.steps.map((s) => [s.service, s.to] as const)));
  const before = steps(saved);
  const after = steps(fresh);
  for (const service of new Set([...before.keys(), ...after.keys()])) {
    if (!same(before.get(service), after.get(service))) {
      return `the target moved since the plan was made: ${service} would now deploy ${short(after.get(service))}, the plan says ${short(before.get(service))} (did an untracked config source change?)`;
    }
  }
  return undefined;
}
