import { isPreviousFormat } from '../config/fingerprint.js';
import type { Finding } from '../finding.js';
import type { Batch, Plan, Step, VersionRef } from './plan.js';

/** How a saved plan stands against the plan of the same release made now. */
export interface PlanComparison {
  /** What differs, one line each: what the saved plan says, and what holds now. */
  differences: string[];
  /** Error findings of the plan made now that the saved plan does not show. */
  newErrors: Finding[];
}

/**
 * Compares a saved plan — an approval of one release — with the plan made now from the same
 * target, environment, intent and scope (`now`). The saved plan still holds when it deploys the
 * same steps (services, versions, content, config) in the same batches and order, with the same
 * rollbacks and gates, under the same policy, from the same recorded state, and when no error
 * finding shows now that it did not show. What it says besides (its findings' wording, its
 * change manifest, its reasons) is not approved: apply shows and records the plan made now.
 */
export function comparePlans(saved: Plan, now: Plan): PlanComparison {
  const differences = [
    ...releaseDifferences(saved, now),
    ...basisDifferences(saved, now),
    ...stepDifferences(saved, now),
    ...batchDifferences(saved, now),
    ...policyDifferences(saved, now),
  ];
  return { differences, newErrors: notShownIn(saved, now.findings) };
}

/** The error findings among `findings` that `plan` does not show (same rule, service, environment, key and message). */
export function notShownIn(plan: Plan, findings: readonly Finding[]): Finding[] {
  const shown = new Set(plan.findings.filter((f) => f.severity === 'error').map(findingId));
  return findings.filter((f) => f.severity === 'error' && !shown.has(findingId(f)));
}

const findingId = (f: Finding) => JSON.stringify([f.rule, f.service ?? null, f.env ?? null, f.key ?? null, f.message]);

function releaseDifferences(saved: Plan, now: Plan): string[] {
  const lines: string[] = [];
  if (saved.fleet !== now.fleet) lines.push(`fleet: ${saved.fleet} in the plan, ${now.fleet} here`);
  if (saved.env !== now.env) lines.push(`environment: ${saved.env} in the plan, ${now.env} now`);
  if (saved.to.commit !== now.to.commit) lines.push(`target: ${short(saved.to.commit)} in the plan, ${short(now.to.commit)} now`);
  if (saved.basis.toCommit !== saved.to.commit)
    lines.push(`target: the plan's basis names ${short(saved.basis.toCommit)}, its target ${short(saved.to.commit)}`);
  return lines;
}

function basisDifferences(saved: Plan, now: Plan): string[] {
  return basisDifferenceLines(now.env, movedSince(saved, new Map(Object.entries(now.basis.deployed))));
}

/** Lines of `movedSince`, as differences between a saved plan and what holds now. */
export function basisDifferenceLines(env: string, moved: readonly string[]): string[] {
  return moved.map((line) => `what runs in ${env} is not what the plan started from: ${line}`);
}

/**
 * What runs in the plan's environment now (`deployed`, service → version) that the plan did not
 * start from, one line a service (`api at 1a2b3c4 (config …) in the plan, at 5d6e7f8 (config …)
 * now`): empty when its basis still holds. A recorded config hash of the
 * earlier, unkeyed form (`sha256:…`) matches whatever the plan holds for it (the plan's basis
 * has it in today's form when the config is the same: `recognisePreviousFormat`).
 */
export function movedSince(plan: Plan, deployed: ReadonlyMap<string, VersionRef>): string[] {
  const before = new Map(Object.entries(plan.basis.deployed));
  const lines: string[] = [];
  for (const service of union(before.keys(), deployed.keys())) {
    const then = before.get(service);
    const current = deployed.get(service);
    const same =
      sameVersion(then, current) ||
      (then !== undefined &&
        current !== undefined &&
        isPreviousFormat(current.configHash) &&
        then.commit === current.commit &&
        then.contentId === current.contentId);
    if (!same) lines.push(`${service} ${runs(then)} in the plan, ${runs(current)} now`);
  }
  return lines;
}

interface Placed {
  batch: number;
  step: Step;
}

function stepDifferences(saved: Plan, now: Plan): string[] {
  const lines: string[] = [];
  const before = placed(saved, (service, first, again) => lines.push(`step ${service} is in the plan twice (batches ${first} and ${again})`));
  const after = placed(now, () => undefined);
  for (const service of union(before.keys(), after.keys())) {
    const then = before.get(service);
    const current = after.get(service);
    if (!current) lines.push(`step ${service} in batch ${then!.batch}: in the plan, but ${service} has nothing to deploy now`);
    else if (!then) lines.push(`step ${service}: not in the plan, but deploys now (batch ${current.batch})`);
    else lines.push(...stepChanges(service, then, current));
  }
  return lines;
}

/** Each step by its service, with the batch it is in; `twice` hears of a service placed again. */
function placed(plan: Plan, twice: (service: string, first: number, again: number) => void): Map<string, Placed> {
  const steps = new Map<string, Placed>();
  for (const batch of plan.batches) {
    for (const step of batch.steps) {
      const first = steps.get(step.service);
      if (first) twice(step.service, first.batch, batch.index);
      else steps.set(step.service, { batch: batch.index, step });
    }
  }
  return steps;
}

function stepChanges(service: string, then: Placed, current: Placed): string[] {
  const a = then.step;
  const b = current.step;
  const step = `step ${service} in batch ${then.batch}`;
  const lines: string[] = [];
  if (a.to.commit !== b.to.commit) lines.push(`${step}: version ${short(a.to.commit)} in the plan, ${short(b.to.commit)} now`);
  if (a.to.contentId !== b.to.contentId) lines.push(`${step}: content ${a.to.contentId || '(none)'} in the plan, ${b.to.contentId || '(none)'} now`);
  if (a.to.configHash !== b.to.configHash) {
    const why = a.to.commit === b.to.commit ? ' (a config source git does not track changed?)' : '';
    lines.push(`${step}: config ${a.to.configHash} in the plan, ${b.to.configHash} now${why}`);
  }
  if (a.change !== b.change) lines.push(`${step}: a ${a.change} change in the plan, ${b.change} now`);
  if (!sameVersion(a.from, b.from)) lines.push(`${step}: starts from ${version(a.from)} in the plan, ${version(b.from)} now`);
  const undo = (s: Step) => (s.rollback.action === 'redeploy' ? `redeploy ${version(s.rollback.to)}` : 'stop');
  if (
    a.rollback.action !== b.rollback.action ||
    (a.rollback.action === 'redeploy' && b.rollback.action === 'redeploy' && !sameVersion(a.rollback.to, b.rollback.to))
  ) {
    lines.push(`rollback of ${service}: ${undo(a)} in the plan, ${undo(b)} now`);
  }
  const shownChange = (s: Step, key: string) => {
    const change = Object.hasOwn(s.configChanges, key) ? s.configChanges[key] : undefined;
    return change ? `${change[0] ?? '(unset)'} → ${change[1] ?? '(unset)'}` : 'unchanged';
  };
  for (const key of union(Object.keys(a.configChanges), Object.keys(b.configChanges))) {
    const x = shownChange(a, key);
    const y = shownChange(b, key);
    if (x !== y) lines.push(`${step}: config ${key} ${x} in the plan, ${y} now`);
  }
  return lines;
}

function batchDifferences(saved: Plan, now: Plan): string[] {
  const lines: string[] = [];
  saved.batches.forEach((batch, i) => {
    if (batch.index !== i + 1) lines.push(`batch ${i + 1} of the plan is numbered ${batch.index}`);
    const deploys = batch.steps.map((s) => s.service);
    if (!sameList(batch.services, deploys)) lines.push(`batch ${batch.index} of the plan lists ${list(batch.services)} but deploys ${list(deploys)}`);
  });
  if (!sameList(saved.batches.map(order), now.batches.map(order))) {
    lines.push(`batch order: ${saved.batches.map(order).join('; ')} in the plan, ${now.batches.map(order).join('; ') || '(no batch)'} now`);
  }
  saved.batches.forEach((batch, i) => {
    const current = now.batches[i];
    if (current && order(batch, i) === order(current, i) && gates(batch) !== gates(current))
      lines.push(`gates of batch ${i + 1}: ${gates(batch)} in the plan, ${gates(current)} now`);
  });
  return lines;
}

/** The `i`th batch as its place in the order: `2 (code): alpha, beta`. */
const order = (batch: Batch, i: number) => `${i + 1} (${batch.kind}): ${list(batch.steps.map((s) => s.service))}`;

const gates = (batch: Batch) => {
  const sanity = Object.entries(batch.gates.sanity).map(([service, names]) => `${service}: ${names.join(', ')}`);
  return `health ${list(batch.gates.health)}; sanity ${sanity.join('; ') || '(none)'}; bake ${seconds(batch.gates.bakeMs)}`;
};

function policyDifferences(saved: Plan, now: Plan): string[] {
  const a = saved.policy;
  const b = now.policy;
  const lines: string[] = [];
  if (a.batch_size !== b.batch_size) lines.push(`policy: batch_size ${a.batch_size} in the plan, ${b.batch_size} now`);
  if (a.bake !== b.bake) lines.push(`policy: bake ${seconds(a.bake)} in the plan, ${seconds(b.bake)} now`);
  if (a.on_failure !== b.on_failure) lines.push(`policy: on_failure ${a.on_failure} in the plan, ${b.on_failure} now`);
  return lines;
}

const short = (commit: string) => commit.slice(0, 7);
const seconds = (ms: number) => `${ms / 1000}s`;
const list = (names: readonly string[]) => names.join(', ') || '(none)';

/** A version as a person compares two: its commit, and its config hash when there is one. */
function version(v: VersionRef | undefined): string {
  return v ? `${short(v.commit)} (config ${v.configHash})` : 'nothing';
}

const runs = (v: VersionRef | undefined) => (v ? `at ${version(v)}` : 'not deployed');

function sameVersion(a: VersionRef | undefined, b: VersionRef | undefined): boolean {
  return a?.commit === b?.commit && a?.contentId === b?.contentId && a?.configHash === b?.configHash;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function union<T>(a: Iterable<T>, b: Iterable<T>): T[] {
  return [...new Set([...a, ...b])];
}
