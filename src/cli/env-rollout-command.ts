import type { Release } from '../core/state/records.js';
import { clearAbandonedLock } from '../engine/env-lock.js';
import { withEnvRollout } from '../engine/env-rollout.js';
import { ServiceResolver } from '../engine/resolve-service.js';
import type { Rollout, RolloutOutcome } from '../engine/rollout.js';
import type { ParsedArgs } from './command.js';
import { EXIT, stoppedExit, type CliIO } from './io.js';
import { withEnvScope, type Runtime } from './runtime.js';
import { writeJson } from './views/json.js';
import { progressPrinter } from './views/progress-view.js';

/**
 * The frame of the commands that act on a recorded release (rollback, resume): the environment,
 * a lock left by a tranche that died before its release started cleared, then `act` under the
 * environment's lock, its progress and outcome printed. `pick` chooses the release, or returns
 * an exit code when there is nothing to do.
 */
export function envRolloutCommand(
  args: ParsedArgs,
  io: CliIO,
  pick: (runtime: Runtime, env: string) => Promise<Release | number>,
  act: (rollout: Rollout, release: Release) => Promise<RolloutOutcome>,
  exitFor: (outcome: RolloutOutcome) => number,
): Promise<number> {
  return withEnvScope(args, io, async ({ fleet, runtime, head, env }) => {
    const breakLock = args.values['break-lock'] === true;
    const cleared = await clearAbandonedLock(runtime.store, env, runtime.isAlive, breakLock);
    if (cleared) {
      if (args.json) writeJson(io.stdout, { status: 'nothing-to-do', note: cleared });
      else io.stdout.write(`${cleared}\n`);
      return EXIT.ok;
    }
    const release = await pick(runtime, env);
    if (typeof release === 'number') return release;
    const progress = progressPrinter(io.stderr, args.json);
    const ctx = { ...runtime, driver: runtime.driverFor(head.manifest, env), resolver: new ServiceResolver(fleet.git, fleet.cache, env, runtime.fingerprints), fleetRoot: fleet.root, emit: progress.emit, breakLock, stop: io.stop };
    const outcome = await withEnvRollout(ctx, env, release.id, (rollout) => act(rollout, release));
    if (args.json) writeJson(io.stdout, { ...outcome, events: progress.events });
    else io.stdout.write(`release ${outcome.releaseId}: ${outcome.status} — ${outcome.summary}\n`);
    return outcome.stopped ? stoppedExit(outcome.stopped) : exitFor(outcome);
  });
}
