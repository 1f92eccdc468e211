/** The state store could not be opened or migrated: where it is (no password) and why. */
export class StoreOpenError extends Error {
  constructor(
    readonly where: string,
    cause: unknown,
  ) {
    super(`cannot open the state store ${where}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreOpenError';
  }
}
