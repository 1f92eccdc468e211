import { releaseFindings } from '../../engine/prepare-release.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { releaseOptions, withCheckedRelease } from './release-options.js';
import { renderCheck, checkJson } from '../views/check-view.js';
import { writeJson } from '../views/json.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'List the findings of a release, before anything restarts. No side effects.',
  usage: 'check --env E [--from REF] [--to REF]',
  details: `
Resolves the config of every service in E at --to (default HEAD) and runs the config rules:
config/missing, config/invalid, config/unknown-key, config/drift, config/plaintext-secret, and —
comparing with --from — config/shadowed-change and config/stale-value; the change, deps and
contract rules (every old/new pairing of consumer and provider the planned rollout, or a
rollback of part of it, lets exist). Severities follow policy.rules in tranche.yaml. Findings
are grouped by service with file:line and a fix. --from defaults to the commit recorded as
deployed in E; when there is none, the comparing rules are skipped, and the output says so.

Exit codes: 0 no error findings; 1 error findings; 2 unusable input (manifest, flags, refs).`,
  options: releaseOptions,
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, (fleet) =>
      withCheckedRelease(fleet, args, io, async ({ revisions, check, now }) => {
        const shown = { ...check, findings: releaseFindings(check, revisions.deployed, now) };
        if (args.json) writeJson(io.stdout, checkJson(shown));
        else io.stdout.write(renderCheck(shown));
        return shown.findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
      }),
    ),
};
