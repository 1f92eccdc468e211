import { livenessProblem } from '../core/checks/liveness.js';
import type { Finding } from '../core/finding.js';
import type { Batch, Plan, Step } from '../core/plan/plan.js';
import { planToRecord } from '../core/plan/read-plan.js';
import type { DeployedService, JournalEntry, Release, ReleaseStatus } from '../core/state/records.js';
import { frozenSteps } from '../core/state/frozen-changes.js';
import { releaseProgress, stepsToUndo } from '../core/state/release-progress.js';
import type { CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import { ServiceDownError, type Driver } from '../ports/driver.js';
import { StoreFaultError } from '../ports/store.js';
import type { Operator } from './env-lock.js';
import type { FencedStore } from './fenced-store.js';
import { ReleaseInterruptedError } from './release-interrupted.js';
import type { ResolvedService, ServiceResolver } from './resolve-service.js';
import type { EmitEvent } from './rollout-events.js';
import { PROCESS_CHECK } from './probe-liveness.js';
import { runGates, waitHealthy } from './run-gates.js';
import { stopCause, StopRequest, type StopCause, type StopSignals } from './stop.js';

/**
 * What a rollout works with. What it records and emits may quote what the outside world said (a
 * driver's error, a check's answer, a deploy command's output), secrets included: `store` and
 * whoever renders `emit` keep them out (the CLI wires a RedactingStore and redacting output).
 */
export interface RolloutDeps {
  /** Every write fenced with the environment's lock (`HeldLock.store`). */
  store: FencedStore;
  driver: Driver;
  checks: CheckRunner;
  clock: Clock;
  fleetRoot: string;
  env: string;
  who: Operator;
  resolver: ServiceResolver;
  emit: EmitEvent;
  /** Stops the rollout between steps when set (the lock was lost). */
  interrupted?: () => Error | undefined;
  /** An operator's stop (a signal, a closed pipe): see `StopSignals` for what each stage means. */
  stop?: StopSignals;
  healthTimeoutMs?: number;
}

export interface RolloutOutcome {
  releaseId: string;
  status: ReleaseStatus;
  summary: string;
  /** Set when an operator's stop ended the rollout early: what it was. */
  stopped?: StopCause;
}

/** What `runBatch` returns when an operator's stop came before the batch's gates decided. */
const STOPPED = Symbol('stopped');

/**
 * Walks a plan through the driver, the checks and the store (PRODUCT §7). Every step is written
 * to the journal before the driver is called and after it returns, and a finished step is stored
 * with its deployed state atomically, so a crash at any moment leaves a state that the journal
 * explains and that `resume` or `rollback` can finish.
 */
export class Rollout {
  /** The batch being deployed or restored: where a stop is journaled. */
  private batch = 0;
  /** Whether a rollback is under way (a first stop lets it complete). */
  private undoing = false;
  /** Whether the operator's stop has been journaled. */
  private stopJournaled = false;

  constructor(private readonly deps: RolloutDeps) {
    const { stop, emit } = deps;
    stop?.graceful.addEventListener('abort', () => {
      const by = stopCause(stop);
      const what = this.undoing ? 'the rollback under way completes first' : 'the steps in flight finish, then on_failure decides what becomes of the current batch';
      emit({ type: 'note', message: `${by}: stopping: ${what} (${by === 'EPIPE' ? 'a signal' : `${by} again`} stops at once)` });
    }, { once: true });
    stop?.now.addEventListener('abort', () => emit({ type: 'note', message: 'stopping at once: what is in flight is left in doubt, for tranche resume' }), { once: true });
  }

  /** Starts a new release of `plan`. */
  async start(release: Release, findings: Finding[]): Promise<RolloutOutcome> {
    const { store } = this.deps;
    planToRecord(release);
    await store.createRelease(release);
    if (findings.length) await store.recordFindings(release.id, findings);
    await this.journal(release.id, { batch: 0, kind: 'release', event: 'started', detail: { to: release.toCommit } });
    this.deps.emit({ type: 'release', phase: 'started', releaseId: release.id, env: release.env });
    return this.guard(release, () => this.run(release));
  }

  /** Takes up a release that was interrupted (tranche died) or paused, where it stands. */
  async resume(release: Release): Promise<RolloutOutcome> {
    const plan = release.plan;
    const journal = await this.deps.store.journal(release.id);
    // Died after journaling the end but before recording it on the release: record it, nothing more.
    const ended = journal.findLast((e) => e.kind !== 'lock');
    if (release.status === 'running' && ended?.kind === 'release' && ended.event !== 'started' && ended.detail?.status) {
      const status = ended.detail.status as ReleaseStatus;
      const summary = String(ended.detail.summary ?? '');
      await this.deps.store.updateRelease(release.id, { status, summary, ...(status === 'paused' ? {} : { finishedAt: ended.at }) });
      return { releaseId: release.id, status, summary };
    }
    const progress = releaseProgress(plan, journal);
    return this.guard(release, async () => {
      // Taken up again: an end journaled before this (a pause) no longer says where the release stands.
      await this.journal(release.id, { batch: 0, kind: 'release', event: 'started', detail: { resumed: release.status } });
      await this.deps.store.updateRelease(release.id, { status: 'running' });
      if (progress.undo) {
        // A rollback was under way: finish it, as it was meant to end.
        const left = progress.undo.services.filter((s) => progress.steps.get(s)?.rollback !== 'done');
        return this.undo(release, left, progress.undo.status as ReleaseStatus, progress.undo.summary);
      }
      return this.run(release);
    });
  }

  /** Rolls back every step of a release that touched the environment, latest first. */
  async rollback(release: Release, reason: string): Promise<RolloutOutcome> {
    const plan = release.plan;
    const progress = releaseProgress(plan, await this.deps.store.journal(release.id));
    return this.guard(release, async () => {
      await this.deps.store.updateRelease(release.id, { status: 'running' });
      return this.undo(release, stepsToUndo(plan, progress), 'rolled-back', reason);
    });
  }

  /**
   * Runs what a release does from here on. An operator's stop at once ends it paused, where it
   * stands; a store that fails under it interrupts it (the journal says how far it got).
   */
  private async guard(release: Release, work: () => Promise<RolloutOutcome>): Promise<RolloutOutcome> {
    try {
      try {
        const outcome = await work();
        const by = stopCause(this.deps.stop);
        return by ? { ...outcome, stopped: by } : outcome;
      } catch (error) {
        if (error instanceof StopRequest && error.atOnce) return await this.stoppedAtOnce(release, error.by);
        throw error;
      }
    } catch (error) {
      if (error instanceof StoreFaultError) throw new ReleaseInterruptedError(release.id, release.env, error);
      throw error;
    }
  }

  /** The second stop: nothing in flight was waited for; the release is paused where it stands. */
  private async stoppedAtOnce(release: Release, by: StopCause): Promise<RolloutOutcome> {
    const env = release.env;
    const where = this.undoing ? `while rolling back batch ${this.batch}` : this.batch ? `during batch ${this.batch}` : 'while preparing the release';
    await this.journalStop(release, by, true);
    const outcome = await this.finish(
      release,
      'paused',
      `stopped at once by ${by} ${where}: a step it interrupted is left in doubt; tranche resume --env ${env} takes the release up where it stands${this.undoing ? ' (completing the rollback)' : ''}, or tranche rollback --env ${env}`,
    );
    return { ...outcome, stopped: by };
  }

  /**
   * The first stop, acted on at `batch` — under way when `started`, else about to start. It is
   * journaled, then handled as a failure of that batch: on_failure decides.
   */
  private async stopAt(release: Release, plan: Plan, batch: Batch, started: boolean): Promise<RolloutOutcome> {
    const by = stopCause(this.deps.stop) ?? 'SIGTERM';
    const env = release.env;
    await this.journalStop(release, by, false);
    const what = `stopped by ${by} ${started ? 'during' : 'before'} batch ${batch.index}`;
    if (started) await this.failBatch(release, plan, batch, what);
    return this.applyOnFailure(release, plan, batch, {
      pause: `${what}; paused (on_failure: pause): tranche resume --env ${env} goes on from there, or tranche rollback --env ${env}`,
      release: `${what}; the whole release was rolled back (on_failure: rollback-release)`,
      batch: `${what}; batch ${batch.index} was rolled back (on_failure: rollback-batch)`,
      nothing: `${what}; nothing of batch ${batch.index} had been deployed, the batches before it stay (on_failure: rollback-batch)`,
    });
  }

  private async journalStop(release: Release, by: StopCause, atOnce: boolean): Promise<void> {
    this.stopJournaled = true;
    await this.journal(release.id, { batch: this.batch, kind: 'release', event: 'stopped', detail: { by, atOnce, ...(this.undoing ? { during: 'rollback' } : {}) } });
  }

  /** How long a service has to become healthy, after a deploy or a rollback. */
  private get healthTimeoutMs(): number {
    return this.deps.healthTimeoutMs ?? 20_000;
  }

  /** Whether an operator asked to stop (the first stop). */
  private stopRequested(): boolean {
    return this.deps.stop?.graceful.aborted === true;
  }

  /** Leaves the rollout on the spot when the operator asked to stop at once (the second stop). */
  private checkNow(): void {
    const now = this.deps.stop?.now;
    if (now?.aborted) throw now.reason instanceof StopRequest ? now.reason : new StopRequest(stopCause(this.deps.stop) ?? 'SIGTERM', true);
  }

  /** Aborted by either stop: for work that changes nothing that runs (preparing, gates). */
  private anyStop(): AbortSignal | undefined {
    const stop = this.deps.stop;
    return stop && AbortSignal.any([stop.graceful, stop.now]);
  }

  private async run(release: Release): Promise<RolloutOutcome> {
    const plan = release.plan;
    const journal = await this.deps.store.journal(release.id);
    const progress = releaseProgress(plan, journal);
    try {
      await this.prepareAll(plan, progress.steps);
    } catch (error) {
      this.checkNow();
      // A stop interrupted the preparation: it is acted on at the first batch, below.
      if (!this.stopRequested()) {
        const message = error instanceof Error ? error.message : String(error);
        return this.finish(release, 'failed', `preparing the release failed, before anything was restarted: ${message}`);
      }
    }
    for (const batch of plan.batches) {
      if (progress.passed.has(batch.index)) continue;
      this.batch = batch.index;
      // Without the lock nothing more is started: whoever holds it now may be acting.
      const lost = this.deps.interrupted?.();
      if (lost) throw lost;
      if (this.stopRequested()) return this.stopAt(release, plan, batch, false);
      const frozen = frozenSteps(plan, await this.deps.store.freezes(plan.env), this.deps.clock.now().toISOString(), batch.index);
      if (frozen.length) return this.pauseForFreeze(release, batch, frozen);
      const failure = await this.runBatch(release, plan, batch, progress.steps);
      if (failure === STOPPED) return this.stopAt(release, plan, batch, true);
      if (failure) return this.onFailure(release, plan, batch, failure);
    }
    return this.finish(release, 'succeeded', `${plan.batches.length} batch${plan.batches.length === 1 ? '' : 'es'} deployed and checked`);
  }

  /**
   * A freeze set since the release started covers what is left of it: stop at this batch
   * boundary, with what was deployed kept, and wait for the operator (lift it and resume, or
   * roll back). Nothing of the batch has started.
   */
  private async pauseForFreeze(release: Release, batch: Batch, frozen: Finding[]): Promise<RolloutOutcome> {
    await this.deps.store.recordFindings(release.id, frozen);
    await this.journal(release.id, { batch: batch.index, kind: 'batch', event: 'skipped', detail: { frozen: frozen.map((f) => f.message) } });
    const env = release.env;
    const what = frozen[0]!.message;
    return this.finish(
      release,
      'paused',
      `paused before batch ${batch.index}: ${what}${frozen.length > 1 ? ` (and ${frozen.length - 1} more)` : ''}; lift the freeze (tranche unfreeze --env ${env}) and run tranche resume --env ${env}, or tranche rollback --env ${env}`,
    );
  }

  /**
   * Gets every version the release will start ready first (extracted, built), touching nothing
   * that runs: batches then only restart, and the time versions run mixed is as short as it can be.
   */
  private async prepareAll(plan: Plan, steps: ReturnType<typeof releaseProgress>['steps']): Promise<void> {
    const { driver, emit, env, fleetRoot } = this.deps;
    const pending = plan.batches.flatMap((b) => b.steps).filter((s) => steps.get(s.service)?.deploy !== 'done');
    // Read the versions a rollback would restore now, so that a failed gate is undone at once.
    await Promise.all(pending.map((s) => (s.rollback.action === 'redeploy' ? this.deps.resolver.at(s.service, s.rollback.to.commit) : undefined)));
    if (!driver.prepare) return;
    // Preparing touches nothing that runs: any stop may cut it short.
    const signal = this.anyStop();
    await settled(
      pending.map(async (step) => {
        const target = await this.deps.resolver.at(step.service, step.to.commit);
        await driver.prepare!({
          env,
          service: target.service,
          action: 'deploy',
          target: target.version,
          config: target.environment,
          secrets: target.secrets,
          fleetRoot,
          log: (line) => emit({ type: 'note', message: `${step.service}: ${line}` }),
          ...(signal ? { signal } : {}),
        });
      }),
    );
  }

  /**
   * Deploys the batch's steps that are not done (in doubt ones again), then its gates. Returns the
   * failure, if any, or STOPPED when an operator's stop came first (the steps in flight finished).
   */
  private async runBatch(release: Release, plan: Plan, batch: Batch, steps: ReturnType<typeof releaseProgress>['steps']): Promise<string | typeof STOPPED | undefined> {
    const { emit } = this.deps;
    emit({ type: 'batch', phase: 'started', batch: batch.index, total: plan.batches.length, kind: batch.kind, services: batch.services });
    await this.journal(release.id, { batch: batch.index, kind: 'batch', event: 'started', detail: { services: batch.services } });
    const resolved = new Map<string, ResolvedService>();
    const results = await settled(
      batch.steps.map(async (step) => {
        const target = await this.deps.resolver.at(step.service, step.to.commit);
        resolved.set(step.service, target);
        if (steps.get(step.service)?.deploy === 'done') return undefined;
        return this.deploy(release, batch.index, step, target);
      }),
    );
    const deployFailure = results.find((r) => r !== undefined);
    if (deployFailure) return deployFailure;
    const interrupted = this.deps.interrupted?.();
    if (interrupted) throw interrupted;
    this.checkNow();
    if (this.stopRequested()) return STOPPED;

    const signal = this.anyStop();
    const gates = await runGates(batch, resolved, {
      checks: this.deps.checks,
      clock: this.deps.clock,
      store: this.deps.store,
      releaseId: release.id,
      fleetRoot: this.deps.fleetRoot,
      emit,
      healthTimeoutMs: this.healthTimeoutMs,
      liveness: this.liveness,
      ...(signal ? { signal } : {}),
    });
    if (gates.stopped) {
      this.checkNow();
      return STOPPED;
    }
    const findings: Finding[] = gates.lyingHealth.map((service) => ({
      rule: 'check/lying-health',
      severity: 'warn',
      service,
      env: this.deps.env,
      message: `${service}'s health check passed while its sanity check "${gates.failure?.check}" failed: the health endpoint does not tell whether the service works`,
      hint: 'make the health endpoint exercise what the service depends on (database, downstream calls)',
    }));
    if (gates.ok) {
      await this.journal(release.id, { batch: batch.index, kind: 'batch', event: 'succeeded' });
      emit({ type: 'batch', phase: 'passed', batch: batch.index, total: plan.batches.length, kind: batch.kind, services: batch.services });
      return undefined;
    }
    const f = gates.failure!;
    const message = f.check === PROCESS_CHECK ? `${f.gate} gate: ${f.message}` : f.headline;
    findings.push({ rule: f.rule, severity: 'error', service: f.service, env: this.deps.env, message, ...(f.hint ? { hint: f.hint } : {}) });
    await this.deps.store.recordFindings(release.id, findings);
    return `${f.service}: ${f.rule === 'check/failed' ? '' : `${f.rule}: `}${f.headline}`;
  }

  private async deploy(release: Release, batch: number, step: Step, target: ResolvedService): Promise<string | undefined> {
    const { driver, emit, env, fleetRoot } = this.deps;
    const detail = { to: step.to, ...(step.from ? { from: step.from } : {}) };
    await this.journal(release.id, { batch, service: step.service, kind: 'deploy', event: 'started', detail });
    emit({ type: 'step', action: 'deploy', phase: 'started', batch, service: step.service, detail: step.to.commit.slice(0, 7) });
    try {
      await driver.deploy({
        env,
        service: target.service,
        action: 'deploy',
        target: target.version,
        ...(step.from ? { previous: step.from } : {}),
        config: target.environment,
        secrets: target.secrets,
        fleetRoot,
        ...(target.address !== undefined ? { address: target.address } : {}),
        log: (line) => emit({ type: 'note', message: `${step.service}: ${line}` }),
        // Only a stop at once cuts a step short: it is then left in doubt, unjournaled.
        ...(this.deps.stop ? { signal: this.deps.stop.now } : {}),
      });
    } catch (error) {
      this.checkNow();
      // The service could not be the one serving its port: that is the cause, with its own rule.
      const down = error instanceof ServiceDownError ? livenessProblem(step.service, error.down, target.secrets) : undefined;
      const message = down ? down.message : error instanceof Error ? error.message : String(error);
      await this.journal(release.id, { batch, service: step.service, kind: 'deploy', event: 'failed', detail: { error: message } });
      emit({ type: 'step', action: 'deploy', phase: 'failed', batch, service: step.service, detail: message });
      const finding: Finding = down
        ? { rule: down.rule, severity: 'error', service: step.service, env, message: `deploy failed: ${down.message}`, hint: down.hint }
        : { rule: 'check/failed', severity: 'error', service: step.service, env, message: `deploy failed: ${message}` };
      await this.deps.store.recordFindings(release.id, [finding]);
      return `${step.service}: ${down ? `${down.rule}: deploy failed: ${down.headline}` : `deploy failed: ${message}`}`;
    }
    await this.deps.store.completeStep(
      this.entry(release.id, { batch, service: step.service, kind: 'deploy', event: 'succeeded', detail }),
      step.service,
      this.deployedState(release.id, target),
    );
    emit({ type: 'step', action: 'deploy', phase: 'done', batch, service: step.service });
    return undefined;
  }

  private async onFailure(release: Release, plan: Plan, batch: Batch, failure: string): Promise<RolloutOutcome> {
    await this.failBatch(release, plan, batch, failure);
    const failed = `batch ${batch.index} failed (${failure})`;
    return this.applyOnFailure(release, plan, batch, {
      pause: `${failed}; paused: fix and run tranche resume, or tranche rollback`,
      release: `${failed}; the whole release was rolled back`,
      batch: `${failed}; batch ${batch.index} was rolled back`,
    });
  }

  private async failBatch(release: Release, plan: Plan, batch: Batch, failure: string): Promise<void> {
    await this.journal(release.id, { batch: batch.index, kind: 'batch', event: 'failed', detail: { failure } });
    this.deps.emit({ type: 'batch', phase: 'failed', batch: batch.index, total: plan.batches.length, kind: batch.kind, services: batch.services });
  }

  /**
   * A failed batch handled as policy.on_failure says, each outcome with its summary; `nothing`,
   * when given, is the summary of a rollback-batch that finds nothing of the batch deployed.
   */
  private async applyOnFailure(release: Release, plan: Plan, batch: Batch, say: { pause: string; release: string; batch: string; nothing?: string }): Promise<RolloutOutcome> {
    const undo = stepsToUndo(plan, releaseProgress(plan, await this.deps.store.journal(release.id)));
    switch (plan.policy.on_failure) {
      case 'pause':
        return this.finish(release, 'paused', say.pause);
      case 'rollback-release':
        return this.undo(release, undo, 'failed', say.release);
      case 'rollback-batch': {
        const inBatch = undo.filter((s) => batch.services.includes(s));
        if (!inBatch.length && say.nothing !== undefined) return this.finish(release, 'failed', say.nothing);
        return this.undo(release, inBatch, 'failed', say.batch);
      }
    }
  }

  /** Restores what ran before each of `services` (latest first); a service that was new is stopped. */
  private async undo(release: Release, services: string[], status: ReleaseStatus, summary: string): Promise<RolloutOutcome> {
    const plan = release.plan;
    const steps = new Map(plan.batches.flatMap((b) => b.steps.map((s) => [s.service, { step: s, batch: b.index }] as const)));
    this.undoing = true;
    await this.journal(release.id, { batch: 0, kind: 'rollback', event: 'started', detail: { services, status, summary } });
    // Batches are undone latest first; the services of one batch together, as they were deployed.
    // A first stop lets the rollback complete (stopping half-way would leave versions mixed).
    const failures: string[] = [];
    const batches = [...new Set(services.map((s) => steps.get(s)!.batch))].sort((a, b) => b - a);
    for (const batch of batches) {
      this.checkNow();
      this.batch = batch;
      const group = services.filter((s) => steps.get(s)!.batch === batch);
      const failed = await settled(group.map((service) => this.undoStep(release, batch, steps.get(service)!.step)));
      failures.push(...failed.filter((f): f is string => f !== undefined));
    }
    if (failures.length) {
      return this.finish(release, 'rollback-failed', `${summary}; but the rollback did not complete: ${failures.join('; ')} — an operator must look (tranche status, then tranche rollback again)`);
    }
    return this.finish(release, status, summary);
  }

  private async undoStep(release: Release, batch: number, step: Step): Promise<string | undefined> {
    const { driver, emit, env, fleetRoot } = this.deps;
    const rollback = step.rollback;
    const detail = rollback.action === 'redeploy' ? { to: rollback.to } : { stop: true };
    await this.journal(release.id, { batch, service: step.service, kind: 'rollback', event: 'started', detail });
    emit({ type: 'step', action: rollback.action === 'redeploy' ? 'rollback' : 'stop', phase: 'started', batch, service: step.service });
    let previous: ResolvedService | undefined;
    try {
      if (rollback.action === 'redeploy') {
        previous = await this.deps.resolver.at(step.service, rollback.to.commit);
        if (!this.deps.resolver.fingerprints.isConfigOf(rollback.to.configHash, previous.environment)) {
          emit({ type: 'note', message: `${step.service}: the config at ${rollback.to.commit.slice(0, 7)} now resolves differently from what was deployed (an untracked source changed); restoring it as it resolves now` });
        }
        await driver.deploy({
          env,
          service: previous.service,
          action: 'rollback',
          target: previous.version,
          previous: step.to,
          config: previous.environment,
          secrets: previous.secrets,
          fleetRoot,
          ...(previous.address !== undefined ? { address: previous.address } : {}),
          log: (line) => emit({ type: 'note', message: `${step.service}: ${line}` }),
          ...(this.deps.stop ? { signal: this.deps.stop.now } : {}),
        });
        // A rollback is done when the previous version is healthy (and up) again, not when it was started.
        const health = await waitHealthy(previous, {
          ...this.deps,
          healthTimeoutMs: this.healthTimeoutMs,
          liveness: this.liveness,
          ...(this.deps.stop ? { signal: this.deps.stop.now } : {}),
        });
        if (health && !health.ok) throw new Error(`the previous version did not become healthy: ${health.message}`);
      } else {
        const target = await this.deps.resolver.at(step.service, step.to.commit);
        await driver.stop(env, target.service, fleetRoot);
      }
    } catch (error) {
      this.checkNow();
      const message = error instanceof Error ? error.message : String(error);
      await this.journal(release.id, { batch, service: step.service, kind: 'rollback', event: 'failed', detail: { error: message } });
      emit({ type: 'step', action: 'rollback', phase: 'failed', batch, service: step.service, detail: message });
      return `${step.service}: ${message}`;
    }
    await this.deps.store.completeStep(
      this.entry(release.id, { batch, service: step.service, kind: 'rollback', event: 'succeeded', detail }),
      step.service,
      previous ? this.deployedState(release.id, previous) : null,
    );
    emit({ type: 'step', action: rollback.action === 'redeploy' ? 'rollback' : 'stop', phase: 'done', batch, service: step.service });
    return undefined;
  }

  /** How a service's process is, as the driver tells: part of every gate. */
  private readonly liveness = (service: ResolvedService) => this.deps.driver.liveness(this.deps.env, service.service, this.deps.fleetRoot, service.address);

  private async finish(release: Release, status: ReleaseStatus, ending: string): Promise<RolloutOutcome> {
    let summary = ending;
    const by = stopCause(this.deps.stop);
    if (by && !this.stopJournaled) {
      // A stop that came when nothing was left to stop but what was under way.
      await this.journalStop(release, by, false);
      summary += ` (${by} came ${this.undoing ? 'during the rollback: it was completed first' : 'as the release was ending'})`;
    }
    const finishedAt = this.deps.clock.now().toISOString();
    await this.journal(release.id, { batch: 0, kind: 'release', event: status === 'succeeded' ? 'succeeded' : 'failed', detail: { status, summary } });
    await this.deps.store.updateRelease(release.id, { status, summary, ...(status === 'paused' ? {} : { finishedAt }) });
    this.deps.emit({ type: 'release', phase: 'finished', releaseId: release.id, env: release.env, status, summary });
    return { releaseId: release.id, status, summary };
  }

  private deployedState(releaseId: string, resolved: ResolvedService): DeployedService {
    return {
      env: this.deps.env,
      service: resolved.service.name,
      ...resolved.version,
      config: resolved.shown,
      releaseId,
      deployedAt: this.deps.clock.now().toISOString(),
    };
  }

  private entry(releaseId: string, entry: Omit<JournalEntry, 'releaseId' | 'at'>): JournalEntry {
    return { releaseId, at: this.deps.clock.now().toISOString(), ...entry };
  }

  private journal(releaseId: string, entry: Omit<JournalEntry, 'releaseId' | 'at'>): Promise<number> {
    return this.deps.store.appendJournal(this.entry(releaseId, entry));
  }
}

/**
 * The values of `work`, once every promise has settled — so that nothing of a batch still runs
 * behind the caller's back — or its first failure: a stop at once before anything else.
 */
async function settled<T>(work: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const first = failures.find((f) => f instanceof StopRequest) ?? failures[0];
  if (failures.length) throw first;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
