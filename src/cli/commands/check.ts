import type { FleetRevision } from '../../core/fleet-revision.js';
import { checkRelease } from '../../engine/check-release.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { InvalidFleetError } from '../../engine/load-revision.js';
import { loadRevision, withFleet } from '../open-fleet.js';
import { selectEnv } from '../select.js';
import { renderCheck, checkJson } from '../views/check-view.js';
import { writeJson } from '../views/json.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'List the findings of a release, before anything restarts. No side effects.',
  usage: 'check --env E [--from REF] [--to REF]',
  details: `
Resolves the config of every service in E at --to (default HEAD) and runs the config rules:
config/missing, config/invalid, config/unknown-key, config/drift, config/plaintext-secret, and —
comparing with --from — config/shadowed-change and config/stale-value. Severities follow
policy.rules in tranche.yaml. Findings are grouped by service with file:line and a fix.
Without --from (and with nothing recorded as deployed yet) the comparing rules are skipped,
and the output says so.

Exit codes: 0 no error findings; 1 error findings; 2 unusable input (manifest, flags, refs).`,
  options: {
    env: { type: 'string', short: 'e', value: 'E', description: 'the environment to release' },
    from: { type: 'string', value: 'REF', description: 'the deployed revision to compare with' },
    to: { type: 'string', value: 'REF', description: 'the target revision (default HEAD)' },
  },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const fromRef = args.values.from as string | undefined;
      // Both revisions are read at once: one's git I/O overlaps the other's parsing. Both are
      // awaited before anything is thrown, so no read outlives the command.
      const [toRead, fromRead] = await Promise.allSettled([
        loadRevision(fleet, (args.values.to as string | undefined) ?? 'HEAD'),
        fromRef === undefined ? Promise.resolve(undefined) : loadRevision(fleet, fromRef),
      ]);
      if (toRead.status === 'rejected') throw toRead.reason;
      const to = toRead.value;
      const env = selectEnv(to.manifest, args.values.env as string | undefined);
      let from: FleetRevision | undefined;
      let whyNoFrom = `no --from was given and nothing is recorded as deployed in ${env}`;
      if (fromRead.status === 'fulfilled') {
        from = fromRead.value;
      } else if (fromRead.reason instanceof InvalidFleetError) {
        // The deployed revision's own mistakes must not block fixing them: compare nothing.
        whyNoFrom = `the fleet definition at ${fromRef} has problems (${fromRead.reason.findings[0]?.message ?? 'invalid'})`;
      } else {
        throw fromRead.reason;
      }
      const result = checkRelease(env, to, from, whyNoFrom);
      if (args.json) writeJson(io.stdout, checkJson(result));
      else io.stdout.write(renderCheck(result));
      return result.findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
    }),
};
