/**
 * A release could not go on: the state store failed under it, or its lock was taken away.
 * Everything it did up to then is journaled (each step before and after the driver ran); nothing
 * more was done. An operator takes it up (exit 3).
 */
export class ReleaseInterruptedError extends Error {
  constructor(
    readonly releaseId: string,
    readonly env: string,
    message: string,
    cause?: Error,
  ) {
    super(message, cause ? { cause } : undefined);
    this.name = 'ReleaseInterruptedError';
  }
}

/** The store failed under a release: resume once it answers again. */
export function storeInterrupted(releaseId: string, env: string, fault: Error): ReleaseInterruptedError {
  return new ReleaseInterruptedError(
    releaseId,
    env,
    `release ${releaseId} of ${env} was interrupted: ${fault.message}. ` +
      `What it did up to then is journaled; once the store answers again, run tranche status --env ${env}, ` +
      `then tranche resume --env ${env} (add --break-lock if its lock is still held)`,
    fault,
  );
}
