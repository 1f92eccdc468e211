import { livenessProblem } from '../core/checks/liveness.js';
import type { Finding } from '../core/finding.js';
import type { Batch, Plan, Step } from '../core/plan/plan.js';
import { planToRecord } from '../core/plan/read-plan.js';
import type { Release, ReleaseStatus } from '../core/state/records.js';
import { frozenSteps } from '../core/state/frozen-changes.js';
import { releaseProgress, stepsToUndo } from '../core/state/release-progress.js';
import { ServiceDownError } from '../ports/driver.js';
import { PROCESS_CHECK } from './probe-liveness.js';
import type { ResolvedService } from './resolve-service.js';
import { settled, type RolloutOutcome } from './rollout-base.js';
import { RolloutUndo } from './rollout-undo.js';
import { stopCause } from './stop.js';

export type { RolloutDeps, RolloutOutcome } from './rollout-base.js';

/** What `runBatch` returns when an operator's stop came before the batch's gates decided. */
const STOPPED = Symbol('stopped');
/** What `runBatch` returns when the lock was lost before the batch's gates decided. */
const LOCK_LOST = Symbol('lock lost');

/**
 * Walks a plan through the driver, the checks and the store (PRODUCT §7). Every step is written
 * to the journal before the driver is called and after it returns, and a finished step is stored
 * with its deployed state atomically, so a crash at any moment leaves a state that the journal
 * explains and that `resume` or `rollback` can finish.
 */
export class Rollout extends RolloutUndo {
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

  /**
   * Stops every service `release` (a release of no batches, made by `tranche down`) records in
   * its basis as deployed: a rollback of what runs, journaled step by step like any other.
   */
  async down(release: Release): Promise<RolloutOutcome> {
    planToRecord(release);
    await this.deps.store.createRelease(release);
    await this.journal(release.id, { batch: 0, kind: 'release', event: 'started', detail: { down: true } });
    this.deps.emit({ type: 'release', phase: 'started', releaseId: release.id, env: release.env });
    const services = Object.keys(release.plan.basis.deployed);
    const n = services.length;
    return this.guard(release, () => this.undo(release, services, 'succeeded', `stopped ${n} service${n === 1 ? '' : 's'} (tranche down)`));
  }

  /** Takes up a release that was interrupted (tranche died) or paused, where it stands. */
  async resume(release: Release): Promise<RolloutOutcome> {
    const plan = release.plan;
    const journal = await this.deps.store.journal(release.id);
    // Died after journaling the end but before recording it on the release: record it, nothing more.
    // A lock's record (a takeover) says nothing of where the release stands.
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

  /**
   * The first stop, acted on at `batch` — under way when `started`, else about to start. It is
   * journaled, then handled as a failure of that batch: on_failure decides.
   */
  private async stopAt(release: Release, plan: Plan, batch: Batch, started: boolean): Promise<RolloutOutcome> {
    const by = stopCause(this.deps.stop) ?? 'SIGTERM';
    await this.journalStop(release, by, false);
    return this.interruptedAt(release, plan, batch, started, `stopped by ${by} ${started ? 'during' : 'before'} batch ${batch.index}`);
  }

  /**
   * The lock was lost at `batch` — under way when `started`, else about to start. Taken again
   * (it was free), the loss is journaled and handled as a failure of that batch: on_failure
   * decides. Held by someone else, nothing more is written (`LockTakenError`).
   */
  private async lockLostAt(release: Release, plan: Plan, batch: Batch, started: boolean): Promise<RolloutOutcome> {
    await this.retakeLock(release, this.lockLost()!);
    const what = `the lock on ${release.env} was lost ${started ? 'during' : 'before'} batch ${batch.index} (taken again: nobody held it)`;
    return this.interruptedAt(release, plan, batch, started, what);
  }

  /** A batch interrupted (`what`: by whom, where): failed when it had started, then as on_failure says. */
  private async interruptedAt(release: Release, plan: Plan, batch: Batch, started: boolean, what: string): Promise<RolloutOutcome> {
    const env = release.env;
    if (started) await this.failBatch(release, plan, batch, what);
    return this.applyOnFailure(release, plan, batch, {
      pause: `${what}; paused (on_failure: pause): tranche resume --env ${env} goes on from there, or tranche rollback --env ${env}`,
      release: `${what}; the whole release was rolled back (on_failure: rollback-release)`,
      batch: `${what}; batch ${batch.index} was rolled back (on_failure: rollback-batch)`,
      nothing: `${what}; nothing of batch ${batch.index} had been deployed, the batches before it stay (on_failure: rollback-batch)`,
    });
  }

  private async run(release: Release): Promise<RolloutOutcome> {
    const plan = release.plan;
    const journal = await this.deps.store.journal(release.id);
    const progress = releaseProgress(plan, journal);
    try {
      await this.prepareAll(plan, progress.steps);
    } catch (error) {
      this.checkNow();
      // A stop or the lock's loss interrupted the preparation: it is acted on at the first batch, below.
      if (!this.stopRequested() && !this.lockLost()) {
        const message = error instanceof Error ? error.message : String(error);
        return this.finish(release, 'failed', `preparing the release failed, before anything was restarted: ${message}`);
      }
    }
    for (const batch of plan.batches) {
      if (progress.passed.has(batch.index)) continue;
      this.batch = batch.index;
      // Without the lock nothing more is started: whoever holds it now may be acting.
      if (this.lockLost()) return this.lockLostAt(release, plan, batch, false);
      if (this.stopRequested()) return this.stopAt(release, plan, batch, false);
      const frozen = frozenSteps(plan, await this.deps.store.freezes(plan.env), this.deps.clock.now().toISOString(), batch.index);
      if (frozen.length) return this.pauseForFreeze(release, batch, frozen);
      const failure = await this.runBatch(release, plan, batch, progress.steps);
      if (failure === STOPPED) return this.stopAt(release, plan, batch, true);
      if (failure === LOCK_LOST) return this.lockLostAt(release, plan, batch, true);
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
    // Preparing touches nothing that runs: any stop, or the lock's loss, may cut it short.
    const signal = this.anyOf(this.deps.stop?.graceful, this.deps.stop?.now, this.deps.lock?.signal);
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
   * failure, if any, STOPPED when an operator's stop came first (the steps in flight finished), or
   * LOCK_LOST when the lock was lost before the gates decided.
   */
  private async runBatch(
    release: Release,
    plan: Plan,
    batch: Batch,
    steps: ReturnType<typeof releaseProgress>['steps'],
  ): Promise<string | typeof STOPPED | typeof LOCK_LOST | undefined> {
    const { emit } = this.deps;
    emit({ type: 'batch', phase: 'started', batch: batch.index, total: plan.batches.length, kind: batch.kind, services: batch.services });
    await this.journal(release.id, { batch: batch.index, kind: 'batch', event: 'started', detail: { services: batch.services } });
    const resolved = new Map<string, ResolvedService>();
    // A step's record refused by the store (the lock is no longer ours) is the lock's loss, as the heartbeat would say.
    const results = await this.unlessRefused(
      () =>
        settled(
          batch.steps.map(async (step) => {
            const target = await this.deps.resolver.at(step.service, step.to.commit);
            resolved.set(step.service, target);
            if (steps.get(step.service)?.deploy === 'done') return undefined;
            return this.deploy(release, batch.index, step, target);
          }),
        ),
      LOCK_LOST,
    );
    // The lock lost while the deploys ran: whatever they did, the batch is the lock's loss to handle.
    if (results === LOCK_LOST || this.lockLost()) return LOCK_LOST;
    const deployFailure = results.find((r) => r !== undefined);
    if (deployFailure) return deployFailure;
    this.checkNow();
    if (this.stopRequested()) return STOPPED;

    const gates = await this.unlessRefused(
      () => this.gates(release, batch, resolved, this.anyOf(this.deps.stop?.graceful, this.deps.stop?.now, this.deps.lock?.signal)),
      LOCK_LOST,
    );
    if (gates === LOCK_LOST) return LOCK_LOST;
    if (gates.stopped) {
      if (this.lockLost()) return LOCK_LOST;
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
  private async applyOnFailure(
    release: Release,
    plan: Plan,
    batch: Batch,
    say: { pause: string; release: string; batch: string; nothing?: string },
  ): Promise<RolloutOutcome> {
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
}
