import type { OptionSpec } from '../command.js';

/** Options of the commands that act on recorded state. */
export const stateOptions: Record<string, OptionSpec> = {
  env: { type: 'string', short: 'e', value: 'E', description: 'the environment' },
  state: { type: 'string', value: 'URL', description: 'the state store: postgres://… or a SQLite file (default .tranche/state.db; or TRANCHE_STATE)' },
};

export const lockOptions: Record<string, OptionSpec> = {
  'break-lock': { type: 'boolean', description: 'take over the lock of a tranche process that is no longer running' },
};
