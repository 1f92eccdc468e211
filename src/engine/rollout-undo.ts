import type { Gates, Plan, Step } from '../core/plan/plan.js';
import type { Release, ReleaseStatus } from '../core/state/records.js';
import { releaseProgress, stepsToUndo } from '../core/state/release-progress.js';
import { PROCESS_CHECK } from './probe-liveness.js';
import type { ResolvedService } from './resolve-service.js';
import { RolloutBase, settled, type RolloutOutcome } from './rollout-base.js';
import { stopCause } from './stop.js';

/** A step a rollback undoes, with the batch it was deployed in and that batch's gates. */
interface UndoTarget {
  step: Step;
  batch: number;
  gates: Gates;
}

/**
 * The undoing part of a rollout: restores what ran before each step (a service that was new is
 * stopped), batch by batch, latest first, and runs the restored batch's gates — health, sanity
 * and bake, as a deploy does. A restored batch that fails them pauses the release there.
 */
export abstract class RolloutUndo extends RolloutBase {
  /** Rolls back every step of a release that touched the environment, latest first. */
  async rollback(release: Release, reason: string): Promise<RolloutOutcome> {
    const plan = release.plan;
    const progress = releaseProgress(plan, await this.deps.store.journal(release.id));
    return this.guard(release, async () => {
      await this.deps.store.updateRelease(release.id, { status: 'running' });
      return this.undo(release, stepsToUndo(plan, progress), 'rolled-back', reason);
    });
  }

  /** Restores what ran before each of `services` (latest first); a service that was new is stopped. */
  protected async undo(release: Release, services: string[], status: ReleaseStatus, summary: string): Promise<RolloutOutcome> {
    const targets = undoTargets(release.plan);
    this.undoing = true;
    await this.journal(release.id, { batch: 0, kind: 'rollback', event: 'started', detail: { services, status, summary } });
    // Batches are undone latest first; the services of one batch together, as they were deployed.
    // A first stop lets the rollback complete (stopping half-way would leave versions mixed).
    const failures: string[] = [];
    const batches = [...new Set(services.map((s) => targets.get(s)!.batch))].sort((a, b) => b - a);
    for (const batch of batches) {
      this.checkNow();
      this.batch = batch;
      await this.keepLock(release);
      const group = services.filter((s) => targets.get(s)!.batch === batch).map((s) => targets.get(s)!);
      // A restored step is done once its batch's gates pass: a stop or a crash before leaves it in doubt, to be restored and checked again.
      const restored = new Map<string, { step: Step; previous: ResolvedService }>();
      const failed = await settled(group.map((target) => this.undoStep(release, batch, target.step, restored)));
      failures.push(...failed.filter((f): f is string => f !== undefined));
      if (!restored.size) continue;
      const gateFailure = await this.restoredGates(release, batch, group[0]!.gates, new Map([...restored].map(([name, r]) => [name, r.previous])));
      for (const [service, { step, previous }] of restored) {
        if (gateFailure)
          await this.journal(release.id, {
            batch,
            service,
            kind: 'rollback',
            event: 'failed',
            detail: { error: `restored, but batch ${batch} failed its ${gateFailure}` },
          });
        else await this.completeUndo(release, batch, step, previous);
      }
      if (gateFailure) {
        const env = release.env;
        return this.finish(
          release,
          'paused',
          `rollback paused: batch ${batch} was restored and failed its ${gateFailure}; the previous version runs but does not pass its checks: look at it (tranche status --env ${env}), then tranche rollback --env ${env} restores and checks it again (the rollback was for: ${summary})`,
        );
      }
    }
    if (failures.length) {
      return this.finish(
        release,
        'rollback-failed',
        `${summary}; but the rollback did not complete: ${failures.join('; ')} — an operator must look (tranche status, then tranche rollback again)`,
      );
    }
    return this.finish(release, status, summary);
  }

  /**
   * The lock was lost before this point of a rollback: taken again when it is free (the rollback
   * goes on: it is what on_failure chose), or left to its holder (`LockTakenError`).
   */
  private async keepLock(release: Release): Promise<void> {
    const lost = this.lockLost();
    if (lost) await this.retakeLock(release, lost);
  }

  /**
   * Tells the operator who asked to stop, as the rollback that stop began waits out its bake, how
   * to cut the wait short: a second stop ends it at once (the release paused with the rollback in
   * doubt, which tranche resume completes, its bake included).
   */
  private noteBakeAfterStop(bakeMs: number): void {
    const by = stopCause(this.deps.stop);
    if (!by || this.deps.stop?.now.aborted) return;
    const again = by === 'SIGINT' ? 'press Ctrl-C again' : by === 'EPIPE' ? 'send a signal' : `send ${by} again`;
    this.deps.emit({
      type: 'note',
      message: `rolling back: waiting ${bakeMs / 1000}s for the bake; ${again} to stop waiting (the release is then paused, and tranche resume completes the rollback)`,
    });
  }

  /**
   * The gates of a restored batch, as a deploy's (run again from the start when the lock was lost
   * and taken again during them). Returns the failure, or undefined when the gates passed.
   */
  private async restoredGates(release: Release, batch: number, gates: Gates, restored: Map<string, ResolvedService>): Promise<string | undefined> {
    for (;;) {
      // A first stop lets the rollback complete, its gates included; a stop at once or the lock's loss ends them.
      const outcome = await this.gates(release, { index: batch, gates }, restored, this.anyOf(this.deps.stop?.now, this.deps.lock?.signal), (event) => {
        this.deps.emit(event);
        if (event.type === 'gate' && event.gate === 'bake' && event.phase === 'started') this.noteBakeAfterStop(gates.bakeMs);
      });
      this.checkNow();
      if (outcome.stopped) {
        await this.keepLock(release);
        continue;
      }
      if (outcome.ok) return undefined;
      const f = outcome.failure!;
      const failure = `${f.service}: ${f.check === PROCESS_CHECK ? `${f.gate} gate: ${f.message}` : f.headline}`;
      await this.deps.store.recordFindings(release.id, [
        {
          rule: f.rule,
          severity: 'error',
          service: f.service,
          env: this.deps.env,
          message: `after the rollback: ${f.headline}`,
          ...(f.hint ? { hint: f.hint } : {}),
        },
      ]);
      return `${f.gate} gate (${failure})`;
    }
  }

  /**
   * Restores what ran before `step`: a redeployed version goes into `restored`, to be checked by
   * its batch's gates; a stopped service is done at once. Returns the failure, if any.
   */
  private async undoStep(
    release: Release,
    batch: number,
    step: Step,
    restored: Map<string, { step: Step; previous: ResolvedService }>,
  ): Promise<string | undefined> {
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
          emit({
            type: 'note',
            message: `${step.service}: the config at ${rollback.to.commit.slice(0, 7)} now resolves differently from what was deployed (an untracked source changed); restoring it as it resolves now`,
          });
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
    if (previous) restored.set(step.service, { step, previous });
    else await this.completeUndo(release, batch, step, undefined);
    return undefined;
  }

  /** Journals `step` undone, with the deployed state it leaves (none for a stopped service), atomically. */
  private async completeUndo(release: Release, batch: number, step: Step, previous: ResolvedService | undefined): Promise<void> {
    const detail = step.rollback.action === 'redeploy' ? { to: step.rollback.to } : { stop: true };
    await this.deps.store.completeStep(
      this.entry(release.id, { batch, service: step.service, kind: 'rollback', event: 'succeeded', detail }),
      step.service,
      previous ? this.deployedState(release.id, previous) : null,
    );
    this.deps.emit({ type: 'step', action: previous ? 'rollback' : 'stop', phase: 'done', batch, service: step.service });
  }
}

/**
 * What a rollback of `plan` can undo, by service: its steps, or — for `tranche down`, a release of
 * no batches — stopping every service its basis records as deployed.
 */
function undoTargets(plan: Plan): Map<string, UndoTarget> {
  if (!plan.batches.length) {
    const gates: Gates = { health: [], sanity: {}, bakeMs: 0 };
    return new Map(
      Object.entries(plan.basis.deployed).map(([service, version]) => [
        service,
        { step: { service, change: 'code', to: version, rollback: { action: 'stop' }, configChanges: {} }, batch: 1, gates },
      ]),
    );
  }
  return new Map(plan.batches.flatMap((b) => b.steps.map((step) => [step.service, { step, batch: b.index, gates: b.gates }] as const)));
}
