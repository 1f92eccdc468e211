import type { OptionSpec } from '../command.js';

/** Options of the commands that act on recorded state. */
export const stateOptions: Record<string, OptionSpec> = {
  env: { type: 'string', short: 'e', value: 'E', description: 'the environment' },
  state: { type: 'string', value: 'URL', description: 'the state store: postgres://… or a SQLite file (default .tranche/state.db; or TRANCHE_STATE)' },
};

export const lockOptions: Record<string, OptionSpec> = {
  'break-lock': { type: 'boolean', description: 'take over the lock of a tranche process that is no longer running' },
};

/** --help text of the commands that roll out (apply, rollback, resume): how they stop. */
export const stoppingHelp = `Stopping: the first SIGINT (Ctrl-C), SIGTERM or SIGHUP, or the reader of its output going away
(EPIPE), lets the steps in flight finish, then handles the current batch as on_failure says for
a failed one (pause keeps what was deployed, for tranche resume; a rollback under way completes
first, and says so as it waits out a bake), journals the stop and releases the lock. A second signal stops at once: a step it cuts
short is left in doubt, the release is paused, and tranche resume takes it up. A third ends the
process on the spot. Stopped, it exits 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP) or 141 (EPIPE).
When the state store fails under a release, it stops there and exits 3.
Losing the lock (another tranche broke it) stops the release at the next step boundary: when
nobody holds it, it is taken again, the loss journaled and the batch handled as on_failure says;
when someone does, nothing more is written and it exits 3 naming them (tranche resume once they
are done).`;
