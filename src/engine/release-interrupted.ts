import type { StoreFaultError } from '../ports/store.js';

/**
 * A release could not go on because the state store failed under it. Everything it did up to
 * then is journaled (each step before and after the driver ran); nothing more was done once the
 * store stopped answering. An operator takes it up once the store answers again.
 */
export class ReleaseInterruptedError extends Error {
  constructor(
    readonly releaseId: string,
    env: string,
    fault: StoreFaultError,
  ) {
    super(
      `release ${releaseId} of ${env} was interrupted: ${fault.message}. ` +
        `What it did up to then is journaled; once the store answers again, run tranche status --env ${env}, ` +
        `then tranche resume --env ${env} (add --break-lock if its lock is still held)`,
      { cause: fault },
    );
    this.name = 'ReleaseInterruptedError';
  }
}
