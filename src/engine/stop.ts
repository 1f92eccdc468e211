/**
 * What asks a rollout to stop before its end: a signal (Ctrl-C is SIGINT; SIGTERM from a
 * supervisor; SIGHUP when the terminal goes away), or EPIPE — the reader of tranche's output went
 * away (`tranche apply … 2>&1 | head`).
 */
export type StopCause = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'EPIPE';

/** The reason a stop signal is aborted with; thrown (`atOnce`) to leave a rollout on the spot. */
export class StopRequest extends Error {
  constructor(
    readonly by: StopCause,
    readonly atOnce: boolean,
  ) {
    super(`stopped ${atOnce ? 'at once ' : ''}by ${by}`);
    this.name = 'StopRequest';
  }
}

/**
 * An operator's stop, as the engine sees it (the CLI turns signals into it; tests abort it
 * themselves). The engine decides what stopping means where it stands:
 * - the first stop aborts `graceful`: the steps in flight finish (a rollback under way completes),
 *   the release's `on_failure` is applied to the current batch, the stop is journaled and the
 *   lock released;
 * - the second aborts `now`: what is in flight is abandoned (a step started and not finished is
 *   left in doubt, for `tranche resume` to run again), the stop is journaled and the lock released.
 */
export interface StopSignals {
  readonly graceful: AbortSignal;
  readonly now: AbortSignal;
  /**
   * Marks the span in which the engine handles a stop itself — from taking an environment's lock
   * to releasing it; returns the function that ends the span. Outside every span the caller may
   * end the process at once, as the signal's default would: nothing is held.
   */
  hold(): () => void;
}

/** What stopped the rollout, once `graceful` is aborted (SIGTERM when aborted without a StopRequest). */
export function stopCause(stop: StopSignals | undefined): StopCause | undefined {
  if (!stop?.graceful.aborted) return undefined;
  const reason: unknown = stop.graceful.reason;
  return reason instanceof StopRequest ? reason.by : 'SIGTERM';
}
