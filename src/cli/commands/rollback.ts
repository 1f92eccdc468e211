import { InputError } from '../../core/input-error.js';
import { rollbackRelease } from '../../engine/rollback-release.js';
import type { Command } from '../command.js';
import { envRolloutCommand } from '../env-rollout-command.js';
import { EXIT } from '../io.js';
import { lockOptions, stateOptions, stoppingHelp } from './state-options.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  usage: 'rollback --env E [--release ID] [--yes] [--break-lock]',
  details: `
Restores the previous version and config of every service the release deployed (in doubt ones
included), batch by batch, latest first; a service the release added is stopped. Each restored
batch must pass the gates a deploy passes (health, sanity, bake); one that fails them pauses the
release there, naming the service and the check (exit 3): fix it, then rollback or resume again.
Works on the latest release of E, or the one --release names, including a release interrupted
by a crash, chosen once the lock is held. Asks for confirmation on a terminal (then); elsewhere
--yes is required.

${stoppingHelp}

Exit codes: 0 rolled back; 1 locked or nothing to roll back; 2 unusable input; 3 needs an
operator: the rollback did not complete, a restored batch failed its gates, or the lock was lost
to another tranche; 129, 130, 141, 143 stopped.`,
  options: {
    ...stateOptions,
    release: { type: 'string', value: 'ID', description: 'the release (default: the latest of E)' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
    ...lockOptions,
  },
  positionals: [],
  run: (args, io) =>
    envRolloutCommand(
      args,
      io,
      (ctx, env) =>
        rollbackRelease(ctx, env, args.values.release as string | undefined, async (release) => {
          if (args.values.yes === true) return true;
          if (!io.stdin?.isTTY) throw new InputError(`rollback changes ${env}: pass --yes to confirm (standard input is not a terminal)`);
          return io.confirm(`Roll back release ${release.id} in ${env}? [y/N] `);
        }),
      (status) => (status === 'rolled-back' ? EXIT.ok : EXIT.operator),
    ),
};
