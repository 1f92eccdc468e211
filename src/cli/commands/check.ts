import { checkRelease } from '../../engine/check-release.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { readReleaseRevisions } from '../../engine/read-release.js';
import { withFleet } from '../open-fleet.js';
import { releaseOptions, releaseQuery } from './release-options.js';
import { hasState, withRuntime } from '../runtime.js';
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
--from defaults to the commit recorded as deployed in E; when there is none, the comparing
rules are skipped, and the output says so.

Exit codes: 0 no error findings; 1 error findings; 2 unusable input (manifest, flags, refs).`,
  options: releaseOptions,
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const revisions = await readReleaseRevisions(fleet.git, fleet.cache, {
        ...releaseQuery(args),
        deployed: (env) => (hasState(fleet, args, io) ? withRuntime(fleet, args, io, (runtime) => runtime.store.deployed(env)) : Promise.resolve(new Map())),
      });
      const result = checkRelease(revisions.env, revisions.to, revisions.from, revisions.whyNoFrom);
      if (args.json) writeJson(io.stdout, checkJson(result));
      else io.stdout.write(renderCheck(result));
      return result.findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
    }),
};
