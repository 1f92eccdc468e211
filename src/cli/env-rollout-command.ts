import type { ReleaseStatus } from '../core/state/records.js';
import type { RolloutContext } from '../engine/env-rollout.js';
import { ServiceResolver } from '../engine/resolve-service.js';
import type { RecordedReleaseOutcome } from '../engine/resume-release.js';
import type { ParsedArgs } from './command.js';
import { EXIT, stoppedExit, type CliIO } from './io.js';
import { type EnvScope, withEnvScope } from './runtime.js';
import { writeJson } from './views/json.js';
import { progressPrinter } from './views/progress-view.js';

/** The rollout's context for the environment of `scope`: the runtime's ports, its driver, the operator's stop and --break-lock. */
export function rolloutContext({ fleet, runtime, head, env }: EnvScope, args: ParsedArgs, io: CliIO, emit: RolloutContext['emit']): RolloutContext {
  return {
    ...runtime,
    driver: runtime.driverFor(head.manifest, env),
    resolver: new ServiceResolver(fleet.git, fleet.cache, env, runtime.fingerprints),
    fleetRoot: fleet.root,
    emit,
    breakLock: args.values['break-lock'] === true,
    ...(io.stop ? { stop: io.stop } : {}),
  };
}

/**
 * The frame of the commands that act on a recorded release (rollback, resume): the environment
 * and the rollout's context wired from the runtime, then `act` (an engine function, which takes
 * the lock and chooses the release), its progress and outcome printed.
 */
export function envRolloutCommand(
  args: ParsedArgs,
  io: CliIO,
  act: (ctx: RolloutContext, env: string) => Promise<RecordedReleaseOutcome>,
  exitFor: (status: ReleaseStatus) => number,
): Promise<number> {
  return withEnvScope(args, io, async (scope) => {
    const progress = progressPrinter(io.stderr, args.json);
    const outcome = await act(rolloutContext(scope, args, io, progress.emit), scope.env);
    if ('cleared' in outcome) {
      if (args.json) writeJson(io.stdout, { status: 'nothing-to-do', note: outcome.cleared });
      else io.stdout.write(`${outcome.cleared}\n`);
      return EXIT.ok;
    }
    if ('nothing' in outcome) {
      if (args.json) writeJson(io.stdout, { status: 'nothing-to-do', releaseId: outcome.releaseId });
      else io.stdout.write(`${outcome.nothing}\n`);
      return EXIT.findings;
    }
    if ('declined' in outcome) return EXIT.findings;
    if (args.json) writeJson(io.stdout, { ...outcome, events: progress.events });
    else io.stdout.write(`release ${outcome.releaseId}: ${outcome.status} — ${outcome.summary}\n`);
    return outcome.stopped ? stoppedExit(outcome.stopped) : exitFor(outcome.status);
  });
}
