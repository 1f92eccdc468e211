import { StopRequest, type StopCause, type StopSignals } from '../engine/stop.js';

/** What the entry point does with a stop it was told of. */
export type StopAction =
  /** The engine handles it (a graceful stop, or a stop at once): nothing more to do. */
  | 'handled'
  /** Nothing holds anything that must be let go first: end the process now, as the signal would. */
  | 'exit';

/**
 * Turns the signals the entry point receives into an operator's stop (see `StopSignals`). While
 * a rollout holds an environment, the first stop is graceful, the second is at once, and a third
 * ends the process on the spot (a store that no longer answers may keep the second from ending
 * it). Outside such a span a stop ends the process at once: nothing is held. A closed pipe
 * (EPIPE) counts once, however many writes fail.
 */
export class StopController implements StopSignals {
  private readonly first = new AbortController();
  private readonly second = new AbortController();
  private holds = 0;
  private piped = false;

  get graceful(): AbortSignal {
    return this.first.signal;
  }

  get now(): AbortSignal {
    return this.second.signal;
  }

  hold(): () => void {
    this.holds++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.holds--;
    };
  }

  /** A stop came: aborts the next signal, or says to end the process. */
  request(cause: StopCause): StopAction {
    if (cause === 'EPIPE') {
      // Every write to a closed pipe fails: one stop, which no later failure escalates.
      if (this.piped) return 'handled';
      this.piped = true;
      if (this.holds > 0 && this.first.signal.aborted) return 'handled';
    }
    if (this.holds === 0) return 'exit';
    if (!this.first.signal.aborted) this.first.abort(new StopRequest(cause, false));
    else if (!this.second.signal.aborted) this.second.abort(new StopRequest(cause, true));
    else return 'exit';
    return 'handled';
  }
}
