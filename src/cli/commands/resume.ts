import { InputError } from '../../core/input-error.js';
import type { Command } from '../command.js';
import { envRolloutCommand } from '../env-rollout-command.js';
import { EXIT } from '../io.js';
import { lockOptions, stateOptions } from './state-options.js';

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Take up the release of an environment that was interrupted or paused, where it stands.',
  usage: 'resume --env E [--break-lock]',
  details: `
Reads the journal of the latest release of E: steps left in doubt by a crash are run again (drivers
are idempotent), the batch that was under way is finished and checked, and the release goes on.
A rollback that was under way is completed. A release paused by on_failure: pause re-runs the
gates of its failed batch. The lock of a tranche that died is taken over with --break-lock.

Exit codes: 0 deployed; 1 failed and rolled back, or locked; 2 unusable input; 3 needs an operator.`,
  options: { ...stateOptions, ...lockOptions },
  positionals: [],
  run: (args, io) =>
    envRolloutCommand(
      args,
      io,
      async (runtime, env) => {
        const release = (await runtime.store.listReleases({ env, limit: 1 }))[0];
        if (!release || !['running', 'paused', 'rollback-failed'].includes(release.status)) {
          throw new InputError(`nothing to resume in ${env}: ${release ? `the latest release, ${release.id}, is ${release.status}` : 'no release is recorded'}`);
        }
        return release;
      },
      (rollout, release) => rollout.resume(release),
      (outcome) => (outcome.status === 'succeeded' || outcome.status === 'rolled-back' ? EXIT.ok : outcome.status === 'rollback-failed' ? EXIT.operator : EXIT.findings),
    ),
};
