import { livenessProblem } from '../core/checks/liveness.js';
import type { Finding } from '../core/finding.js';
import type { Batch, Plan, Step } from '../core/plan/plan.js';
import { planToRecord, recordedPlan } from '../core/plan/read-plan.js';
import type { DeployedService, JournalEntry, Release, ReleaseStatus } from '../core/state/records.js';
import { frozenSteps } from '../core/state/frozen-changes.js';
import { releaseProgress, stepsToUndo } from '../core/state/release-progress.js';
import type { CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import { ServiceDownError, type Driver } from '../ports/driver.js';
import type { Store } from '../ports/store.js';
import type { Operator } from './env-lock.js';
import type { ResolvedService, ServiceResolver } from './resolve-service.js';
import type { EmitEvent } from './rollout-events.js';
import { PROCESS_CHECK } from './probe-liveness.js';
import { runGates, waitHealthy } from './run-gates.js';

/**
 * What a rollout works with. What it records and emits may quote what the outside world said (a
 * driver's error, a check's answer, a deploy command's output), secrets included: `store` and
 * whoever renders `emit` keep them out (the CLI wires a RedactingStore and redacting output).
 */
export interface RolloutDeps {
  store: Store;
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
  healthTimeoutMs?: number;
}

export interface RolloutOutcome {
  releaseId: string;
  status: ReleaseStatus;
  summary: string;
}

/**
 * Walks a plan through the driver, the checks and the store (PRODUCT §7). Every step is written
 * to the journal before the driver is called and after it returns, and a finished step is stored
 * with its deployed state atomically, so a crash at any moment leaves a state that the journal
 * explains and that `resume` or `rollback` can finish.
 */
export class Rollout {
  constructor(private readonly deps: RolloutDeps) {}

  /** Starts a new release of `plan`. */
  async start(release: Release, findings: Finding[]): Promise<RolloutOutcome> {
    const { store } = this.deps;
    planToRecord(release);
    await store.createRelease(release);
    if (findings.length) await store.recordFindings(release.id, findings);
    await this.journal(release.id, { batch: 0, kind: 'release', event: 'started', detail: { to: release.toCommit } });
    this.deps.emit({ type: 'release', phase: 'started', releaseId: release.id, env: release.env });
    return this.run(release);
  }

  /** Takes up a release that was interrupted (tranche died) or paused, where it stands. */
  async resume(release: Release): Promise<RolloutOutcome> {
    const plan = recordedPlan(release);
    const journal = await this.deps.store.journal(release.id);
    // Died after journaling the end but before recording it on the release: record it, nothing more.
    const ended = journal.at(-1);
    if (release.status === 'running' && ended?.kind === 'release' && ended.event !== 'started' && ended.detail?.status) {
      const status = ended.detail.status as ReleaseStatus;
      const summary = String(ended.detail.summary ?? '');
      await this.deps.store.updateRelease(release.id, { status, summary, ...(status === 'paused' ? {} : { finishedAt: ended.at }) });
      return { releaseId: release.id, status, summary };
    }
    const progress = releaseProgress(plan, journal);
    // Taken up again: an end journaled before this (a pause) no longer says where the release stands.
    await this.journal(release.id, { batch: 0, kind: 'release', event: 'started', detail: { resumed: release.status } });
    await this.deps.store.updateRelease(release.id, { status: 'running' });
    if (progress.undo) {
      // A rollback was under way: finish it, as it was meant to end.
      const left = progress.undo.services.filter((s) => progress.steps.get(s)?.rollback !== 'done');
      return this.undo(release, left, progress.undo.status as ReleaseStatus, progress.undo.summary);
    }
    return this.run(release);
  }

  /** Rolls back every step of a release that touched the environment, latest first. */
  async rollback(release: Release, reason: string): Promise<RolloutOutcome> {
    const plan = recordedPlan(release);
    const progress = releaseProgress(plan, await this.deps.store.journal(release.id));
    await this.deps.store.updateRelease(release.id, { status: 'running' });
    return this.undo(release, stepsToUndo(plan, progress), 'rolled-back', reason);
  }

  private async run(release: Release): Promise<RolloutOutcome> {
    const plan = recordedPlan(release);
    const journal = await this.deps.store.journal(release.id);
    const progress = releaseProgress(plan, journal);
    try {
      await this.prepareAll(plan, progress.steps);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.finish(release, 'failed', `preparing the release failed, before anything was restarted: ${message}`);
    }
    for (const batch of plan.batches) {
      if (progress.passed.has(batch.index)) continue;
      const frozen = frozenSteps(plan, await this.deps.store.freezes(plan.env), this.deps.clock.now().toISOString(), batch.index);
      if (frozen.length) return this.pauseForFreeze(release, batch, frozen);
      const failure = await this.runBatch(release, plan, batch, progress.steps);
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
    await Promise.all(
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
        });
      }),
    );
  }

  /** Deploys the batch's steps that are not done (in doubt ones again), then its gates. Returns the failure, if any. */
  private async runBatch(release: Release, plan: Plan, batch: Batch, steps: ReturnType<typeof releaseProgress>['steps']): Promise<string | undefined> {
    const { emit } = this.deps;
    emit({ type: 'batch', phase: 'started', batch: batch.index, total: plan.batches.length, kind: batch.kind, services: batch.services });
    await this.journal(release.id, { batch: batch.index, kind: 'batch', event: 'started', detail: { services: batch.services } });
    const resolved = new Map<string, ResolvedService>();
    const results = await Promise.all(
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

    const gates = await runGates(batch, resolved, {
      checks: this.deps.checks,
      clock: this.deps.clock,
      store: this.deps.store,
      releaseId: release.id,
      fleetRoot: this.deps.fleetRoot,
      emit,
      healthTimeoutMs: this.deps.healthTimeoutMs ?? 20_000,
      liveness: this.liveness,
    });
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
      });
    } catch (error) {
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
    await this.journal(release.id, { batch: batch.index, kind: 'batch', event: 'failed', detail: { failure } });
    this.deps.emit({ type: 'batch', phase: 'failed', batch: batch.index, total: plan.batches.length, kind: batch.kind, services: batch.services });
    const progress = releaseProgress(plan, await this.deps.store.journal(release.id));
    switch (plan.policy.on_failure) {
      case 'pause':
        return this.finish(release, 'paused', `batch ${batch.index} failed (${failure}); paused: fix and run tranche resume, or tranche rollback`);
      case 'rollback-release':
        return this.undo(release, stepsToUndo(plan, progress), 'failed', `batch ${batch.index} failed (${failure}); the whole release was rolled back`);
      case 'rollback-batch': {
        const inBatch = stepsToUndo(plan, progress).filter((s) => batch.services.includes(s));
        return this.undo(release, inBatch, 'failed', `batch ${batch.index} failed (${failure}); batch ${batch.index} was rolled back`);
      }
    }
  }

  /** Restores what ran before each of `services` (latest first); a service that was new is stopped. */
  private async undo(release: Release, services: string[], status: ReleaseStatus, summary: string): Promise<RolloutOutcome> {
    const plan = recordedPlan(release);
    const steps = new Map(plan.batches.flatMap((b) => b.steps.map((s) => [s.service, { step: s, batch: b.index }] as const)));
    await this.journal(release.id, { batch: 0, kind: 'rollback', event: 'started', detail: { services, status, summary } });
    // Batches are undone latest first; the services of one batch together, as they were deployed.
    const failures: string[] = [];
    const batches = [...new Set(services.map((s) => steps.get(s)!.batch))].sort((a, b) => b - a);
    for (const batch of batches) {
      const group = services.filter((s) => steps.get(s)!.batch === batch);
      const failed = await Promise.all(group.map((service) => this.undoStep(release, batch, steps.get(service)!.step)));
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
        });
        // A rollback is done when the previous version is healthy (and up) again, not when it was started.
        const health = await waitHealthy(previous, { ...this.deps, healthTimeoutMs: this.deps.healthTimeoutMs ?? 20_000, liveness: this.liveness });
        if (health && !health.ok) throw new Error(`the previous version did not become healthy: ${health.message}`);
      } else {
        const target = await this.deps.resolver.at(step.service, step.to.commit);
        await driver.stop(env, target.service, fleetRoot);
      }
    } catch (error) {
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

  private async finish(release: Release, status: ReleaseStatus, summary: string): Promise<RolloutOutcome> {
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
