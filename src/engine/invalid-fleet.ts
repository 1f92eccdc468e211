import type { Finding } from '../core/finding.js';

/**
 * The fleet's definition cannot be used: every problem, located. The CLI prints them and exits 2.
 * `revision` names the revision they are at when it is not the one the command is about (`--from
 * v1 (e30d538)`).
 */
export class InvalidFleetError extends Error {
  constructor(
    readonly findings: Finding[],
    readonly revision?: string,
  ) {
    super(`the fleet definition${revision ? ` at ${revision}` : ''} has ${findings.length} problem(s)`);
    this.name = 'InvalidFleetError';
  }
}
