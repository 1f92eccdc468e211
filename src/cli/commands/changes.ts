import { InputError } from '../../core/input-error.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { changesMarkdown, renderChanges } from '../views/changes-view.js';
import { writeJson } from '../views/json.js';
import { notesJson, notesText, releaseStart } from '../views/baseline-label.js';
import { releaseOptions, withCheckedRelease } from './release-options.js';

export const changesCommand: Command = {
  name: 'changes',
  usage: 'changes --env E [--from REF] [--to REF] [--format markdown]',
  details: `
Each service is compared with what it runs in E, as recorded (its own commit: services run
different ones after a partial release); a service nothing runs yet is new. --from REF is a
what-if: as if every service ran REF. One diff and one log per deployed revision, bucketed by
service (its path, watched paths and config sources): every commit (sha, author, date, subject;
a merge lists what it changed against every parent) and file, each classified by what it is to
the service in E: config (a config source read in E; one of other environments only is marked
and changes nothing here), contract (a spec it provides), deps (a lockfile, or an edit of
package.json, go.mod, Cargo.toml, pyproject.toml or Pipfile that touches dependency fields
only) or code; the config keys whose value changes from what runs, old → new (secrets as
fingerprints). --format markdown prints it for a pull-request comment, everything from commits
and files escaped.

Exit codes: 0 shown; 2 unusable input.`,
  options: { ...releaseOptions, format: { type: 'string', value: 'text|markdown', description: 'the human format (default text)' } },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const format = (args.values.format as string | undefined) ?? 'text';
      if (format !== 'text' && format !== 'markdown') throw new InputError(`--format: ${JSON.stringify(format)} is not text or markdown`);
      return withCheckedRelease(fleet, args, io, async ({ revisions, check }) => {
        const from = releaseStart(revisions);
        if (args.json) writeJson(io.stdout, { ...check.changes, ...notesJson(revisions.notes) });
        else io.stdout.write((format === 'markdown' ? changesMarkdown(check.changes, from) : renderChanges(check.changes, from)) + notesText(revisions.notes));
        return EXIT.ok;
      });
    }),
};
