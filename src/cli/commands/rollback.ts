import { InputError } from '../../core/input-error.js';
import type { Command } from '../command.js';
import { envRolloutCommand } from '../env-rollout-command.js';
import { EXIT } from '../io.js';
import { lockOptions, stateOptions, stoppingHelp } from './state-options.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Roll a release back: every service it touched returns to what ran before.',
  usage: 'rollback --env E [--release ID] [--yes] [--break-lock]',
  details: `
Restores the previous version and config of every service the release deployed (in doubt ones
included), latest first; a service the release added is stopped. Works on the latest release of
E, or the one --release names, including a release interrupted by a crash. Takes the lock.
Asks for confirmation on a terminal; elsewhere --yes is required.

${stoppingHelp}

Exit codes: 0 rolled back; 1 locked or nothing to roll back; 2 unusable input; 3 the rollback did
not complete (needs an operator); 129, 130, 141, 143 stopped.`,
  options: { ...stateOptions, release: { type: 'string', value: 'ID', description: 'the release (default: the latest of E)' }, yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' }, ...lockOptions },
  positionals: [],
  run: (args, io) =>
    envRolloutCommand(
      args,
      io,
      async (runtime, env) => {
        const id = args.values.release as string | undefined;
        const release = id ? await runtime.store.getRelease(id) : (await runtime.store.listReleases({ env, limit: 1 }))[0];
        if (!release) throw new InputError(id ? `no release ${id}` : `no release of ${env} is recorded`);
        if (release.env !== env) throw new InputError(`release ${release.id} is of ${release.env}, not ${env}`);
        const nothing =
          release.kind === 'adoption'
            ? 'is an adoption (it recorded what ran; it deployed nothing)'
            : release.status === 'rolled-back'
              ? 'is already rolled back'
              : release.plan.batches.length === 0 ? `deployed nothing (${release.intent ?? 'no steps'})` : undefined;
        if (nothing) {
          io.stdout.write(args.json ? JSON.stringify({ status: 'nothing-to-do', releaseId: release.id }) + '\n' : `release ${release.id} ${nothing}: nothing to roll back\n`);
          return EXIT.findings;
        }
        if (args.values.yes !== true) {
          if (!io.stdin?.isTTY) throw new InputError(`rollback changes ${env}: pass --yes to confirm (standard input is not a terminal)`);
          if (!(await io.confirm(`Roll back release ${release.id} in ${env}? [y/N] `))) return EXIT.findings;
        }
        return release;
      },
      (rollout, release) => rollout.rollback(release, `release ${release.id} was rolled back on request`),
      (outcome) => (outcome.status === 'rolled-back' ? EXIT.ok : EXIT.operator),
    ),
};
