import { InputError } from '../../core/input-error.js';
import { selectEnv } from '../../core/manifest/select.js';
import { clearAbandonedLock } from '../../engine/env-lock.js';
import { withEnvRollout } from '../../engine/env-rollout.js';
import { loadRevision } from '../../engine/load-revision.js';
import { ServiceResolver } from '../../engine/resolve-service.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { withRuntime } from '../runtime.js';
import { writeJson } from '../views/json.js';
import { progressPrinter } from '../views/progress-view.js';
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
    withFleet(args, io, (fleet) =>
      withRuntime(fleet, args, io, async (runtime) => {
        const head = await loadRevision(fleet.git, fleet.cache, 'HEAD');
        const env = selectEnv(head.manifest, args.values.env as string | undefined);
        const cleared = await clearAbandonedLock(runtime.store, env, runtime.isAlive, args.values['break-lock'] === true);
        if (cleared) {
          if (args.json) writeJson(io.stdout, { status: 'nothing-to-do', note: cleared });
          else io.stdout.write(`${cleared}\n`);
          return EXIT.ok;
        }
        const release = (await runtime.store.listReleases({ env, limit: 1 }))[0];
        if (!release || !['running', 'paused', 'rollback-failed'].includes(release.status)) {
          throw new InputError(`nothing to resume in ${env}: ${release ? `the latest release, ${release.id}, is ${release.status}` : 'no release is recorded'}`);
        }
        const progress = progressPrinter(io.stderr, args.json);
        const breakLock = args.values['break-lock'] === true;
        const ctx = { ...runtime, driver: runtime.driverFor(head.manifest, env), resolver: new ServiceResolver(fleet.git, fleet.cache, env), fleetRoot: fleet.root, emit: progress.emit, breakLock };
        const outcome = await withEnvRollout(ctx, env, release.id, (rollout) =>
          rollout.resume(release),
        );
        if (args.json) writeJson(io.stdout, { ...outcome, events: progress.events });
        else io.stdout.write(`release ${outcome.releaseId}: ${outcome.status} — ${outcome.summary}\n`);
        return outcome.status === 'succeeded' || outcome.status === 'rolled-back' ? EXIT.ok : outcome.status === 'rollback-failed' ? EXIT.operator : EXIT.findings;
      }),
    ),
};
