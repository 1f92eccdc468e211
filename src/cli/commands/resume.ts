import { InputError } from '../../core/input-error.js';
import type { Command } from '../command.js';
import { envRolloutCommand } from '../env-rollout-command.js';
import { exitOf } from '../io.js';
import { resumeRelease } from '../../engine/resume-release.js';
import { lockOptions, stateOptions, stoppingHelp } from './state-options.js';

export const resumeCommand: Command = {
  name: 'resume',
  usage: 'resume --env E [--yes] [--break-lock]',
  details: `
Once the lock is held, reads the journal of the latest release of E: steps left in doubt by a crash are run again (drivers
are idempotent), the batch that was under way is finished and checked, and the release goes on.
A rollback that was under way is completed. A release paused by on_failure: pause re-runs the
gates of its failed batch. The lock of a tranche that died is taken over with --break-lock.
Asks for confirmation on a terminal; elsewhere --yes is required.

A release paused by a freeze goes on once the freeze is lifted (or pauses again where it stands).

${stoppingHelp}

Exit codes: 0 deployed; 1 failed and rolled back, or locked; 2 unusable input; 3 needs an
operator (paused again, or a rollback that did not complete); 129, 130, 141, 143 stopped.`,
  options: { ...stateOptions, yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' }, ...lockOptions },
  positionals: [],
  run: (args, io) => {
    // Refused before anything is opened or cleared: off a terminal, only --yes confirms.
    if (args.values.yes !== true && !io.stdin?.isTTY)
      return Promise.reject(new InputError('resume changes an environment: pass --yes to confirm (standard input is not a terminal)'));
    return envRolloutCommand(
      args,
      io,
      (ctx, env) =>
        resumeRelease(
          ctx,
          env,
          async (release) => args.values.yes === true || io.confirm(`Resume release ${release.id} (${release.status}) in ${env}? [y/N] `),
        ),
      exitOf,
    );
  },
};
