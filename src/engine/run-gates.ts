import type { Batch } from '../core/plan/plan.js';
import type { CheckResult, CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { EmitEvent, Gate } from './rollout-events.js';
import type { ResolvedService } from './resolve-service.js';
import { serviceChecks, type PreparedCheck } from './runnable-checks.js';

export interface GateContext {
  checks: CheckRunner;
  clock: Clock;
  store: Store;
  releaseId: string;
  fleetRoot: string;
  emit: EmitEvent;
  /** How long a health check may take to pass after a deploy. */
  healthTimeoutMs: number;
  /** An operator's stop: the gates end at once, deciding nothing (`stopped`); what an aborted check saw is not recorded. */
  signal?: AbortSignal;
}

export interface GateOutcome {
  ok: boolean;
  /** The first failure, as a person reads it: service, check and what was seen. */
  failure?: { gate: Gate; service: string; check: string; message: string };
  /** Services whose health passed while a sanity check failed. */
  lyingHealth: string[];
  /** The gates were stopped (their `signal` aborted) before they decided. */
  stopped?: true;
}

const STOPPED: GateOutcome = { ok: false, lyingHealth: [], stopped: true };

/** Health is polled often: a batch should move on within a few milliseconds of its services being up. */
const HEALTH_POLL_MS = 20;

/**
 * A batch's gates (PRODUCT §6): health until it passes or times out, then every sanity check,
 * then `bake`, re-running sanity until it is over. Stops at the first failure. Every run of a
 * check is recorded in the store.
 */
export async function runGates(batch: Batch, services: Map<string, ResolvedService>, ctx: GateContext): Promise<GateOutcome> {
  const prepared = new Map([...services].map(([name, s]) => [name, serviceChecks(s, ctx.fleetRoot)]));
  const healthy = new Set<string>();

  ctx.emit({ type: 'gate', gate: 'health', phase: 'started', batch: batch.index });
  for (const [service, checks] of prepared) {
    if (!checks.health) continue;
    const result = await pollHealth(checks.health, ctx);
    if (ctx.signal?.aborted) return STOPPED;
    await record(ctx, batch.index, service, 'health', nameOf(checks.health), result);
    if (!result.ok) return fail(ctx, batch.index, 'health', service, nameOf(checks.health), result.message, []);
    healthy.add(service);
  }
  ctx.emit({ type: 'gate', gate: 'health', phase: 'passed', batch: batch.index });

  ctx.emit({ type: 'gate', gate: 'sanity', phase: 'started', batch: batch.index });
  const sanity = await runSanity(prepared, batch.index, 'sanity', ctx);
  if (ctx.signal?.aborted) return STOPPED;
  if (sanity) {
    const lying = healthy.has(sanity.service) ? [sanity.service] : [];
    return fail(ctx, batch.index, 'sanity', sanity.service, sanity.check, sanity.message, lying);
  }
  ctx.emit({ type: 'gate', gate: 'sanity', phase: 'passed', batch: batch.index });

  if (batch.gates.bakeMs > 0) {
    ctx.emit({ type: 'gate', gate: 'bake', phase: 'started', batch: batch.index, detail: `${batch.gates.bakeMs}ms` });
    const started = ctx.clock.monotonic();
    const interval = Math.max(250, Math.min(1000, batch.gates.bakeMs / 3));
    for (;;) {
      const left = batch.gates.bakeMs - (ctx.clock.monotonic() - started);
      if (left <= 0) break;
      await ctx.clock.sleep(Math.min(interval, left), ctx.signal);
      if (ctx.signal?.aborted) return STOPPED;
      const baked = await runSanity(prepared, batch.index, 'bake', ctx);
      if (ctx.signal?.aborted) return STOPPED;
      if (baked) return fail(ctx, batch.index, 'bake', baked.service, baked.check, baked.message, healthy.has(baked.service) ? [baked.service] : []);
    }
    ctx.emit({ type: 'gate', gate: 'bake', phase: 'passed', batch: batch.index });
  }
  return { ok: true, lyingHealth: [] };
}

/** Polls a service's health check until it passes or times out; undefined when it has none. */
export async function waitHealthy(
  service: ResolvedService,
  ctx: Pick<GateContext, 'checks' | 'clock' | 'fleetRoot' | 'healthTimeoutMs' | 'signal'>,
): Promise<CheckResult | undefined> {
  const health = serviceChecks(service, ctx.fleetRoot).health;
  return health ? pollHealth(health, ctx) : undefined;
}

async function pollHealth(check: PreparedCheck, ctx: Pick<GateContext, 'checks' | 'clock' | 'healthTimeoutMs' | 'signal'>): Promise<CheckResult> {
  if (!('check' in check)) return { ok: false, message: check.problem, durationMs: 0 };
  const deadline = ctx.clock.monotonic() + ctx.healthTimeoutMs;
  for (;;) {
    const result = await ctx.checks.run(check.check, ctx.signal);
    if (result.ok || ctx.clock.monotonic() >= deadline || ctx.signal?.aborted) return result;
    await ctx.clock.sleep(HEALTH_POLL_MS, ctx.signal);
  }
}

/** Runs every sanity check of every service once; the first failure, if any. */
async function runSanity(
  prepared: Map<string, ReturnType<typeof serviceChecks>>,
  batch: number,
  gate: Gate,
  ctx: GateContext,
): Promise<{ service: string; check: string; message: string } | undefined> {
  const runs = [...prepared].flatMap(([service, checks]) =>
    checks.sanity.map(async (check) => {
      const result: CheckResult = 'check' in check ? await ctx.checks.run(check.check, ctx.signal) : { ok: false, message: check.problem, durationMs: 0 };
      if (!ctx.signal?.aborted) await record(ctx, batch, service, gate, nameOf(check), result);
      return { service, check: nameOf(check), result };
    }),
  );
  const failed = (await Promise.all(runs)).find((r) => !r.result.ok);
  return failed ? { service: failed.service, check: failed.check, message: failed.result.message } : undefined;
}

async function record(ctx: GateContext, batch: number, service: string, gate: Gate, name: string, result: CheckResult): Promise<void> {
  await ctx.store.recordCheck({
    releaseId: ctx.releaseId,
    at: ctx.clock.now().toISOString(),
    batch,
    service,
    gate,
    name,
    ok: result.ok,
    message: result.message,
    durationMs: result.durationMs,
  });
  ctx.emit({ type: 'check', gate, batch, service, name, ok: result.ok, message: result.message });
}

function fail(ctx: GateContext, batch: number, gate: Gate, service: string, check: string, message: string, lyingHealth: string[]): GateOutcome {
  ctx.emit({ type: 'gate', gate, phase: 'failed', batch, detail: `${service}: ${check}: ${message}` });
  return { ok: false, failure: { gate, service, check, message }, lyingHealth };
}

const nameOf = (check: PreparedCheck) => ('check' in check ? check.check.name : check.name);
