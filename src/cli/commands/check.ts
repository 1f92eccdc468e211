import { releaseFindings } from '../../engine/prepare-release.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { releaseOptions, withCheckedRelease } from './release-options.js';
import { renderCheck, checkJson } from '../views/check-view.js';
import { writeJson } from '../views/json.js';
import { notesJson, notesText, releaseStart } from '../views/baseline-label.js';

export const checkCommand: Command = {
  name: 'check',
  usage: 'check --env E [--from REF] [--to REF]',
  details: `
Resolves the config of every service in E at --to (default HEAD) and runs the config rules:
config/missing, config/invalid, config/unknown-key, config/drift, config/plaintext-secret, and —
comparing with what runs — config/shadowed-change and config/stale-value; the change, deps and
contract rules (every old/new pairing of consumer and provider the planned rollout, or a
rollback of part of it, lets exist). Severities follow policy.rules in tranche.yaml. Findings
are grouped by service with file:line and a fix.
Each service is compared with what it runs in E, as recorded (after a partial release, services
run different commits). --from REF is a what-if: as if every service ran REF. When nothing is
recorded the comparing rules do not apply, and the output says so; when what runs cannot be
read (a commit gone from the repository or cut off by a shallow clone, a file that does not
parse), that is a change/unreadable error, never silence. A target that does not contain a
deployed commit whose changes it would undo is change/reverts-deployed.

Exit codes: 0 no error findings; 1 error findings; 2 unusable input (manifest, flags, refs).`,
  options: releaseOptions,
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, (fleet) =>
      withCheckedRelease(fleet, args, io, async ({ revisions, check, now }) => {
        const shown = { ...check, findings: releaseFindings(revisions, check, now) };
        if (args.json) writeJson(io.stdout, { ...checkJson(shown), ...notesJson(revisions.notes) });
        else io.stdout.write(renderCheck(shown, releaseStart(revisions)) + notesText(revisions.notes));
        return shown.findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
      }),
    ),
};
