import { InputError } from '../../core/input-error.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { changesMarkdown, renderChanges } from '../views/changes-view.js';
import { writeJson } from '../views/json.js';
import { releaseOptions, withCheckedRelease } from './release-options.js';

export const changesCommand: Command = {
  name: 'changes',
  summary: 'What a release changes in every service: commits, files, config keys, dependencies.',
  usage: 'changes --env E [--from REF] [--to REF] [--format markdown]',
  details: `
One diff and one log of the range, bucketed by service (its path and watched paths): every
commit (sha, author, date, subject) and file, each file classified as config (a config source of
the service, or a manifest change to it), code, deps (dependency manifests and lockfiles) or
contract (a spec it provides); the config keys whose resolved value changes, old → new (secrets
as fingerprints). Each service is compared with what it runs in E, as recorded (its own commit:
services run different ones after a partial release); a service nothing runs yet is new. --from
REF is a what-if: as if every service ran REF. --format markdown prints it for a pull-request
comment.

Exit codes: 0 shown; 2 unusable input.`,
  options: { ...releaseOptions, format: { type: 'string', value: 'text|markdown', description: 'the human format (default text)' } },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const format = (args.values.format as string | undefined) ?? 'text';
      if (format !== 'text' && format !== 'markdown') throw new InputError(`--format: ${JSON.stringify(format)} is not text or markdown`);
      return withCheckedRelease(fleet, args, io, async ({ check }) => {
        if (args.json) writeJson(io.stdout, check.changes);
        else io.stdout.write(format === 'markdown' ? changesMarkdown(check.changes) : renderChanges(check.changes));
        return EXIT.ok;
      });
    }),
};
