import { InputError } from '../../core/input-error.js';
import { isUnfinished } from '../../core/state/records.js';
import type { Command } from '../command.js';
import { envRolloutCommand } from '../env-rollout-command.js';
import { EXIT, exitOf } from '../io.js';
import { lockOptions, stateOptions, stoppingHelp } from './state-options.js';

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Take up the release of an environment that was interrupted or paused, where it stands.',
  usage: 'resume --env E [--yes] [--break-lock]',
  details: `
Reads the journal of the latest release of E: steps left in doubt by a crash are run again (drivers
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
    if (args.values.yes !== true && !io.stdin?.isTTY) return Promise.reject(new InputError('resume changes an environment: pass --yes to confirm (standard input is not a terminal)'));
    return envRolloutCommand(
      args,
      io,
      async (runtime, env) => {
        const release = (await runtime.store.listReleases({ env, limit: 1 }))[0];
        if (!release || !isUnfinished(release.status)) {
          throw new InputError(`nothing to resume in ${env}: ${release ? `the latest release, ${release.id}, is ${release.status}` : 'no release is recorded'}`);
        }
        if (release.kind === 'adoption') {
          throw new InputError(`nothing to resume in ${env}: ${release.id} is an adoption, interrupted before it finished; run the same tranche adopt again (with --break-lock if its lock is left): what it recorded is kept`);
        }
        if (args.values.yes !== true && !(await io.confirm(`Resume release ${release.id} (${release.status}) in ${env}? [y/N] `))) return EXIT.findings;
        return release;
      },
      (rollout, release) => rollout.resume(release),
      (outcome) => exitOf(outcome.status),
    );
  },
};
