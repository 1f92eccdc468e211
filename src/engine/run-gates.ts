import { describeUp, type Liveness } from '../core/checks/liveness.js';
import type { Batch } from '../core/plan/plan.js';
import type { CheckResult, CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import type { FencedStore } from './fenced-store.js';
import { checkFailed, notListening, PROCESS_CHECK, probeLiveness, type CheckFailure } from './probe-liveness.js';
import type { EmitEvent, Gate } from './rollout-events.js';
import type { ResolvedService } from './resolve-service.js';
import { serviceChecks, type PreparedCheck } from './runnable-checks.js';

export interface GateContext {
  checks: CheckRunner;
  clock: Clock;
  store: FencedStore;
  releaseId: string;
  fleetRoot: string;
  emit: EmitEvent;
  /** How long a health check may take to pass after a deploy. */
  healthTimeoutMs: number;
  /**
   * How a service's process is, as the driver tells (`Driver.liveness`). Absent, or `unknown`
   * from the driver: the checks alone decide.
   */
  liveness?: (service: ResolvedService) => Promise<Liveness>;
  /** An operator's stop: the gates end at once, deciding nothing (`stopped`); what an aborted check saw is not recorded. */
  signal?: AbortSignal;
}

/** The first failure of a batch's gates: where, and why (the rule it breaks). */
type GateFailure = CheckFailure & { gate: Gate; service: string };

export interface GateOutcome {
  ok: boolean;
  failure?: GateFailure;
  /** Services whose health passed while a sanity check failed (their process alive and serving). */
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
 *
 * Each service's process is a gate too, when the driver can tell: health passes only once the
 * process tranche started is alive and is the one listening on its port, and after every round of
 * sanity checks (during the bake as well) it must still be. A process that exited, or a port
 * another process holds, fails the gate with its own rule (`check/exited`, `check/port-in-use`)
 * whatever the checks say: something else may well answer them.
 */
export async function runGates(batch: Pick<Batch, 'index' | 'gates'>, services: Map<string, ResolvedService>, ctx: GateContext): Promise<GateOutcome> {
  const prepared = new Map([...services].map(([name, s]) => [name, serviceChecks(s, ctx.fleetRoot)]));
  const healthy = new Set<string>();

  ctx.emit({ type: 'gate', gate: 'health', phase: 'started', batch: batch.index });
  for (const [name, checks] of prepared) {
    const health = await pollHealth(checks.health, services.get(name)!, ctx);
    if (ctx.signal?.aborted) return STOPPED;
    if (checks.health && health.result) await record(ctx, batch.index, name, 'health', nameOf(checks.health), health.result);
    if (health.failure) return fail(ctx, batch.index, 'health', name, health.failure, []);
    if (health.up) await record(ctx, batch.index, name, 'health', PROCESS_CHECK, { ok: true, message: describeUp(health.up), durationMs: 0 });
    if (checks.health) healthy.add(name);
  }
  ctx.emit({ type: 'gate', gate: 'health', phase: 'passed', batch: batch.index });

  ctx.emit({ type: 'gate', gate: 'sanity', phase: 'started', batch: batch.index });
  const sanity = await checkRound(prepared, services, healthy, batch.index, 'sanity', ctx);
  if (sanity) return sanity;
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
      const baked = await checkRound(prepared, services, healthy, batch.index, 'bake', ctx);
      if (baked) return baked;
    }
    ctx.emit({ type: 'gate', gate: 'bake', phase: 'passed', batch: batch.index });
  }
  return { ok: true, lyingHealth: [] };
}

/**
 * One round of every sanity check, then of every process: a process found down is the cause of
 * whatever failed beside it, and a health check that passed while sanity failed is a lying one
 * only when the service's process was up.
 */
async function checkRound(
  prepared: Map<string, ReturnType<typeof serviceChecks>>,
  services: Map<string, ResolvedService>,
  healthy: ReadonlySet<string>,
  batch: number,
  gate: Gate,
  ctx: GateContext,
): Promise<GateOutcome | undefined> {
  const failed = await runSanity(prepared, batch, gate, ctx);
  if (ctx.signal?.aborted) return STOPPED;
  const down = await firstDown(services, batch, gate, ctx);
  if (down) return down;
  if (failed)
    return fail(ctx, batch, gate, failed.service, checkFailed(gate, failed.check, failed.message), healthy.has(failed.service) ? [failed.service] : []);
  return undefined;
}

interface HealthOutcome {
  /** The last run of the health check, when the service has one. */
  result?: CheckResult;
  /** The process, when the driver tells. */
  up?: Extract<Liveness, { state: 'up' }>;
  failure?: CheckFailure;
}

/**
 * Polls the health check (if any) and the process until both say the service is up, or the time
 * is over. A process that is down ends it at once.
 */
async function pollHealth(
  check: PreparedCheck | undefined,
  service: ResolvedService,
  ctx: Pick<GateContext, 'checks' | 'clock' | 'healthTimeoutMs' | 'liveness' | 'signal'>,
): Promise<HealthOutcome> {
  if (check && !('check' in check))
    return { result: { ok: false, message: check.problem, durationMs: 0 }, failure: checkFailed('health', check.name, check.problem) };
  const deadline = ctx.clock.monotonic() + ctx.healthTimeoutMs;
  for (;;) {
    const result = check ? await ctx.checks.run(check.check, ctx.signal) : undefined;
    // Asked after the check: a process that died while something else answered is seen now.
    const probe = await probeLiveness(service, ctx.liveness);
    if ('down' in probe) return { ...(result ? { result } : {}), failure: probe.down };
    const answered = result?.ok ?? true;
    if (answered && probe.ready) return { ...(result ? { result } : {}), ...(probe.up ? { up: probe.up } : {}) };
    if (ctx.clock.monotonic() >= deadline || ctx.signal?.aborted) {
      // Not listening explains a failed health check better than the check's own message.
      const failure = !probe.ready
        ? notListening(service.service.name, probe, answered && check !== undefined)
        : checkFailed('health', check!.check.name, result!.message);
      return { ...(result ? { result } : {}), failure };
    }
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

/** The first service (in batch order) whose process is no longer up, as a failed gate. */
async function firstDown(services: Map<string, ResolvedService>, batch: number, gate: Gate, ctx: GateContext): Promise<GateOutcome | undefined> {
  if (!ctx.liveness) return undefined;
  const probes = await Promise.all([...services].map(async ([name, service]) => ({ name, probe: await probeLiveness(service, ctx.liveness) })));
  for (const { name, probe } of probes) {
    if ('down' in probe) return fail(ctx, batch, gate, name, probe.down, []);
    if (!probe.ready) return fail(ctx, batch, gate, name, notListening(name, probe, true), []);
  }
  return undefined;
}

async function record(
  ctx: Pick<GateContext, 'store' | 'releaseId' | 'clock' | 'emit'>,
  batch: number,
  service: string,
  gate: Gate,
  name: string,
  result: Pick<CheckResult, 'ok' | 'message' | 'durationMs'>,
): Promise<void> {
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

/** Ends the gates at `failure`; a failure of the process itself is recorded here, as a check would have been. */
async function fail(ctx: GateContext, batch: number, gate: Gate, service: string, failure: CheckFailure, lyingHealth: string[]): Promise<GateOutcome> {
  if (failure.check === PROCESS_CHECK) await record(ctx, batch, service, gate, PROCESS_CHECK, { ok: false, message: failure.message, durationMs: 0 });
  ctx.emit({ type: 'gate', gate, phase: 'failed', batch, detail: `${service}: ${failure.headline}` });
  return { ok: false, failure: { ...failure, gate, service }, lyingHealth };
}

const nameOf = (check: PreparedCheck) => ('check' in check ? check.check.name : check.name);
