/** Time, injected: the core never reads the clock, and tests can drive it. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` milliseconds, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
