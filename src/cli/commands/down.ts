import { downEnv } from '../../engine/down-env.js';
import type { Command } from '../command.js';
import { rolloutContext } from '../env-rollout-command.js';
import { EXIT, stoppedExit } from '../io.js';
import { withEnvScope } from '../runtime.js';
import { writeJson } from '../views/json.js';
import { progressPrinter } from '../views/progress-view.js';
import { lockOptions, stateOptions } from './state-options.js';

export const downCommand: Command = {
  name: 'down',
  usage: 'down --env E [--break-lock]',
  details: `
Stops each service recorded as deployed in E (for the local driver: its process group) and
records it as a release of its own, each stop a journaled step, so the history explains why
nothing runs; an interrupted down is finished by tranche resume. The next apply deploys every
service anew.

Exit codes: 0 stopped; 1 locked or a stop failed; 2 unusable input; 3 the lock was taken away
(or the store failed) part-way; 129, 130, 141, 143 stopped.`,
  options: { ...stateOptions, ...lockOptions },
  positionals: [],
  run: (args, io) =>
    withEnvScope(args, io, async (scope) => {
      const { head, env } = scope;
      const progress = progressPrinter(io.stderr, args.json);
      const outcome = await downEnv(rolloutContext(scope, args, io, progress.emit), env, { manifest: head.manifest, commit: head.commit!, label: head.label });
      if (args.json) writeJson(io.stdout, { ...outcome, events: progress.events });
      else io.stdout.write(`${env}: ${outcome.summary} — release ${outcome.releaseId}\n`);
      if (outcome.stopped) return stoppedExit(outcome.stopped);
      return outcome.status === 'succeeded' ? EXIT.ok : outcome.status === 'paused' ? EXIT.operator : EXIT.findings;
    }),
};
