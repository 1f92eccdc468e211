/**
 * Time, injected: the core never reads the clock, and tests can drive it. Wall-clock time
 * (`now`) is for records only — when a release started, when a check ran; every duration
 * tranche waits or measures (a bake, a timeout, a heartbeat, progress) is taken on `monotonic`,
 * which a stepped or slewed wall clock does not move.
 */
export interface Clock {
  now(): Date;
  /** Milliseconds from an arbitrary origin, never going back and never jumping with the wall clock. */
  monotonic(): number;
  /** Resolves after `ms` milliseconds, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
