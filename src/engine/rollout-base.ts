import type { Batch } from '../core/plan/plan.js';
import type { DeployedService, JournalEntry, Release, ReleaseStatus } from '../core/state/records.js';
import type { CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import type { Driver } from '../ports/driver.js';
import { LockLostError, StoreFaultError } from '../ports/store.js';
import type { Operator } from './env-lock.js';
import type { FencedStore } from './fenced-store.js';
import { storeInterrupted } from './release-interrupted.js';
import type { ResolvedService, ServiceResolver } from './resolve-service.js';
import type { EmitEvent } from './rollout-events.js';
import { LockTakenError, lockLostOf, type RolloutLock } from './rollout-lock.js';
import { runGates, type GateOutcome } from './run-gates.js';
import { stopCause, StopRequest, type StopCause, type StopSignals } from './stop.js';

/**
 * What a rollout works with. What it records and emits may quote what the outside world said (a
 * driver's error, a check's answer, a deploy command's output), secrets included: `store` and
 * whoever renders `emit` keep them out (the CLI wires a RedactingStore and redacting output).
 */
export interface RolloutDeps {
  /** Every write fenced with the environment's lock (the lease's store, which follows a retake). */
  store: FencedStore;
  driver: Driver;
  checks: CheckRunner;
  clock: Clock;
  fleetRoot: string;
  env: string;
  who: Operator;
  resolver: ServiceResolver;
  emit: EmitEvent;
  /** The environment's lock: its loss stops the rollout at the next step boundary. */
  lock?: RolloutLock;
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

/**
 * What the running and the undoing parts of a rollout share: the journal, the end of a release,
 * the operator's stop and the lock's loss, and the gates.
 */
export abstract class RolloutBase {
  /** The batch being deployed or restored: where a stop is journaled. */
  protected batch = 0;
  /** Whether a rollback is under way (a first stop lets it complete). */
  protected undoing = false;
  /** Whether the operator's stop has been journaled. */
  protected stopJournaled = false;

  constructor(protected readonly deps: RolloutDeps) {
    const { stop, emit } = deps;
    stop?.graceful.addEventListener(
      'abort',
      () => {
        const by = stopCause(stop);
        const what = this.undoing
          ? 'the rollback under way completes first'
          : 'the steps in flight finish, then on_failure decides what becomes of the current batch';
        emit({ type: 'note', message: `${by}: stopping: ${what} (${by === 'EPIPE' ? 'a signal' : `${by} again`} stops at once)` });
      },
      { once: true },
    );
    stop?.now.addEventListener('abort', () => emit({ type: 'note', message: 'stopping at once: what is in flight is left in doubt, for tranche resume' }), {
      once: true,
    });
    this.watchLock();
  }

  /** Says, the moment the heartbeat finds the lock lost, that the rollout stops at the next step boundary. */
  private watchLock(): void {
    const signal = this.deps.lock?.signal;
    signal?.addEventListener(
      'abort',
      () =>
        this.deps.emit({ type: 'note', message: `lock lost: ${lockLostOf(signal)?.message ?? 'the heartbeat failed'}; stopping at the next step boundary` }),
      { once: true },
    );
  }

  /**
   * Runs what a release does from here on. An operator's stop at once ends it paused, where it
   * stands; a store that fails under it interrupts it (the journal says how far it got); a lock
   * the store says is no longer this process's is taken again or left to its new holder.
   */
  protected async guard(release: Release, work: () => Promise<RolloutOutcome>): Promise<RolloutOutcome> {
    try {
      try {
        const outcome = await work();
        const by = stopCause(this.deps.stop);
        return by ? { ...outcome, stopped: by } : outcome;
      } catch (error) {
        if (error instanceof StopRequest && error.atOnce) return await this.stoppedAtOnce(release, error.by);
        if (error instanceof LockLostError) {
          await this.retakeLock(release, error);
          return await this.finish(
            release,
            'paused',
            `the lock on ${release.env} was lost ${this.where()} and taken again: the release is paused where it stands; tranche resume --env ${release.env} goes on, or tranche rollback --env ${release.env}`,
          );
        }
        throw error;
      }
    } catch (error) {
      if (error instanceof StoreFaultError) throw storeInterrupted(release.id, release.env, error);
      throw error;
    }
  }

  /** Where the rollout stands, for a message: `during batch 2`, `while rolling back batch 1`. */
  protected where(): string {
    return this.undoing ? `while rolling back batch ${this.batch}` : this.batch ? `during batch ${this.batch}` : 'while preparing the release';
  }

  /** The second stop: nothing in flight was waited for; the release is paused where it stands. */
  private async stoppedAtOnce(release: Release, by: StopCause): Promise<RolloutOutcome> {
    const env = release.env;
    await this.journalStop(release, by, true);
    const outcome = await this.finish(
      release,
      'paused',
      `stopped at once by ${by} ${this.where()}: a step it interrupted is left in doubt; tranche resume --env ${env} takes the release up where it stands${this.undoing ? ' (completing the rollback)' : ''}, or tranche rollback --env ${env}`,
    );
    return { ...outcome, stopped: by };
  }

  protected async journalStop(release: Release, by: StopCause, atOnce: boolean): Promise<void> {
    this.stopJournaled = true;
    await this.journal(release.id, {
      batch: this.batch,
      kind: 'release',
      event: 'stopped',
      detail: { by, atOnce, ...(this.undoing ? { during: 'rollback' } : {}) },
    });
  }

  /** A write of this rollout the store refused because the lock was no longer this process's. */
  protected refusedWrite: LockLostError | undefined;

  /** The lock's loss, once the heartbeat has seen it or the store refused a write for it. */
  protected lockLost(): LockLostError | undefined {
    return lockLostOf(this.deps.lock?.signal) ?? this.refusedWrite;
  }

  /** Runs `work`; a write it makes that the store refuses for the lock's loss is kept as the loss, and `lost` returned. */
  protected async unlessRefused<T, L>(work: () => Promise<T>, lost: L): Promise<T | L> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof LockLostError)) throw error;
      if (!this.lockLost())
        this.deps.emit({ type: 'note', message: `lock lost: the store refused a write: ${error.message}; stopping at the next step boundary` });
      this.refusedWrite = error;
      return lost;
    }
  }

  /**
   * The lock was lost: takes it again for the same release when nobody holds it, and journals
   * why; when someone does, throws `LockTakenError` having written nothing (they may be acting).
   */
  protected async retakeLock(release: Release, lost: LockLostError): Promise<void> {
    if (!this.deps.lock) throw lost;
    const retaken = await this.deps.lock.retake();
    if ('holder' in retaken) throw new LockTakenError(release.id, release.env, this.where(), retaken.holder);
    this.refusedWrite = undefined;
    this.watchLock();
    await this.journal(release.id, {
      batch: this.batch,
      kind: 'release',
      event: 'lock-lost',
      detail: { lost: lost.message, retaken: true, ...(this.undoing ? { during: 'rollback' } : {}) },
    });
    this.deps.emit({
      type: 'note',
      message: `the lock on ${release.env} was lost ${this.where()} (${lost.message}); it was free, and is taken again for this release`,
    });
  }

  /** How long a service has to become healthy, after a deploy or a rollback. */
  protected get healthTimeoutMs(): number {
    return this.deps.healthTimeoutMs ?? 20_000;
  }

  /** Whether an operator asked to stop (the first stop). */
  protected stopRequested(): boolean {
    return this.deps.stop?.graceful.aborted === true;
  }

  /** Leaves the rollout on the spot when the operator asked to stop at once (the second stop). */
  protected checkNow(): void {
    const now = this.deps.stop?.now;
    if (now?.aborted) throw now.reason instanceof StopRequest ? now.reason : new StopRequest(stopCause(this.deps.stop) ?? 'SIGTERM', true);
  }

  /** Aborted by any of `signals` that are set. */
  protected anyOf(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
    const set = signals.filter((s): s is AbortSignal => s !== undefined);
    return set.length ? AbortSignal.any(set) : undefined;
  }

  /** The gates of `batch` over `services`, ended (deciding nothing) when `signal` aborts; their events go to `emit`. */
  protected gates(
    release: Release,
    batch: Pick<Batch, 'index' | 'gates'>,
    services: Map<string, ResolvedService>,
    signal: AbortSignal | undefined,
    emit: EmitEvent = this.deps.emit,
  ): Promise<GateOutcome> {
    return runGates(batch, services, {
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
  }

  /** How a service's process is, as the driver tells: part of every gate. */
  protected readonly liveness = (service: ResolvedService) => this.deps.driver.liveness(this.deps.env, service.service, this.deps.fleetRoot, service.address);

  protected async finish(release: Release, status: ReleaseStatus, ending: string): Promise<RolloutOutcome> {
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

  protected deployedState(releaseId: string, resolved: ResolvedService): DeployedService {
    return {
      env: this.deps.env,
      service: resolved.service.name,
      ...resolved.version,
      config: resolved.shown,
      releaseId,
      deployedAt: this.deps.clock.now().toISOString(),
    };
  }

  protected entry(releaseId: string, entry: Omit<JournalEntry, 'releaseId' | 'at'>): JournalEntry {
    return { releaseId, at: this.deps.clock.now().toISOString(), ...entry };
  }

  protected journal(releaseId: string, entry: Omit<JournalEntry, 'releaseId' | 'at'>): Promise<number> {
    return this.deps.store.appendJournal(this.entry(releaseId, entry));
  }
}

/**
 * The values of `work`, once every promise has settled — so that nothing of a batch still runs
 * behind the caller's back — or its first failure: a stop at once before anything else.
 */
export async function settled<T>(work: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const first = failures.find((f) => f instanceof StopRequest) ?? failures[0];
  if (failures.length) throw first;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
