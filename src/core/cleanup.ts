/** The cleanup failures that went along with an error (see `withCleanup`), kept out of its message. */
const secondary = new WeakMap<object, unknown[]>();

/**
 * Runs `work`, then `cleanup` whatever happened (releasing a lock, closing a store, stopping a
 * process). When both fail, the error of `work` is the one thrown — it says what went wrong, and
 * is often the cause of the second failure (a store that died fails its lock release too); the
 * cleanup's error goes along with it (`cleanupErrors`). When only the cleanup fails, its error is
 * thrown.
 */
export async function withCleanup<T>(work: () => Promise<T>, cleanup: () => Promise<unknown>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    try {
      await cleanup();
    } catch (cleanupError) {
      throw withCleanupError(error, cleanupError);
    }
    throw error;
  }
  await cleanup();
  return result;
}

/** `error`, with `cleanupError` noted as a failure of the cleanup that followed it. */
export function withCleanupError(error: unknown, cleanupError: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  secondary.set(error, [...(secondary.get(error) ?? []), cleanupError, ...cleanupErrors(cleanupError)]);
  return error;
}

/** The failures of the cleanups that followed `error`, in order (none for most errors). */
export function cleanupErrors(error: unknown): unknown[] {
  return typeof error === 'object' && error !== null ? (secondary.get(error) ?? []) : [];
}
