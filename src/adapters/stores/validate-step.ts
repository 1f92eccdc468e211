import type { DeployedService, JournalEntry } from '../../ports/store.js';

/**
 * The arguments of `completeStep` must describe one step: the state is that of `service`, in the
 * release's environment. Anything else is a bug in the caller, refused before anything is stored.
 */
export function validateStep(entry: JournalEntry, service: string, state: DeployedService | null, releaseEnv: string): void {
  const problems: string[] = [];
  if (entry.service !== undefined && entry.service !== service) problems.push(`the journal entry is about ${entry.service}`);
  if (state && state.service !== service) problems.push(`the deployed state is that of ${state.service}`);
  if (state && state.env !== releaseEnv) problems.push(`the deployed state is in ${state.env}, release ${entry.releaseId} in ${releaseEnv}`);
  if (problems.length > 0) throw new Error(`internal error: completeStep for ${service}: ${problems.join('; ')}`);
}
