import { StoreFaultError } from '../../ports/store.js';

/**
 * The store was migrated by a newer tranche than this one: running would read or write a schema
 * this code does not know, so the store refuses before touching anything.
 */
export class SchemaTooNewError extends StoreFaultError {
  constructor(
    where: string,
    readonly storeVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      where,
      `the state store ${where} is at schema version ${storeVersion}, but this tranche knows versions up to ${knownVersion}: ` +
        'upgrade tranche (every tranche sharing this store must be at least as new as the one that last migrated it)',
      true,
    );
    this.name = 'SchemaTooNewError';
  }
}
