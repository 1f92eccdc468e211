import { withCleanup } from '../../core/cleanup.js';
import { InputError } from '../../core/input-error.js';
import { selectEnv } from '../../core/manifest/select.js';
import { adoptRunning, readAdoption } from '../../engine/adopt.js';
import { loadRevision } from '../../engine/load-revision.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { hasState, lazyRuntime, releaseState } from '../runtime.js';
import { notesJson, notesText } from '../views/baseline-label.js';
import { writeJson } from '../views/json.js';
import { renderTable } from '../views/table.js';
import { lockOptions, stateOptions } from './state-options.js';

export const adoptCommand: Command = {
  name: 'adopt',
  usage: 'adopt --env E (--at REF | --service S=REF …) [--intent TEXT] [--replace] [--yes] [--break-lock]',
  details: `
For a fleet that ran before tranche: every service of E (as tranche.yaml at HEAD lists them) is
recorded as running the commit --at names, or the one --service S=REF names for S (repeatable;
with --at, it overrides it for S). Each is read there — its content and its config in E — so the
next check, plan and apply compare with what really runs. Nothing is started or stopped.

A commit from before the fleet had a tranche.yaml (the usual case right after tranche init) is
read with HEAD's; a service that is not there at --at is not recorded (it will be new). The
adoption is one record of the history (tranche history, tranche show ID), journaled service by
service; a service already recorded at another version is refused unless --replace. Takes the
lock. Asks for confirmation on a terminal; elsewhere --yes is required.

Exit codes: 0 recorded (or already so); 1 refused (recorded otherwise, an unfinished release,
locked, or not confirmed); 2 unusable input (nothing recorded).`,
  options: {
    ...stateOptions,
    at: { type: 'string', value: 'REF', description: 'the commit every service runs' },
    service: { type: 'string', value: 'S=REF', multiple: true, description: 'the commit service S runs (repeatable)' },
    intent: { type: 'string', value: 'TEXT', description: 'why, for the history (default: adopt what runs)' },
    replace: { type: 'boolean', description: 'record over what tranche recorded for a service at another version' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
    ...lockOptions,
  },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      // The store is opened once the input has been checked: an adopt that exits 2 creates nothing.
      const lazy = lazyRuntime(fleet, args, io);
      return withCleanup(
        async () => {
          if (args.values.yes !== true && !io.stdin?.isTTY)
            throw new InputError('adopt records what runs in an environment: pass --yes to confirm (standard input is not a terminal)');
          const at = args.values.at as string | undefined;
          const pins = parsePins((args.values.service as string[] | undefined) ?? []);
          if (at === undefined && !pins.size) throw new InputError('adopt: say what runs: --at REF for every service, --service S=REF for one (or both)');
          const head = await loadRevision(fleet.git, fleet.cache, 'HEAD');
          const env = selectEnv(head.manifest, args.values.env as string | undefined);
          // The store's key when there is a store; before there is one, the key the store will take.
          const fingerprints = await releaseState(fleet, io, hasState(fleet, args, io) ? lazy : undefined).fingerprints();
          const { adopted, absent, notes, to } = await readAdoption(fleet, { head, env, ...(at !== undefined ? { at } : {}), pins, fingerprints });

          // On stderr, --json or not: whoever confirms sees what would be recorded.
          const rows = adopted.map((s) => [s.service.name, s.version.commit.slice(0, 7), s.ref, s.version.configHash.slice(0, 15)]);
          io.stderr.write(`${env}: record as running, deploying nothing:\n${renderTable(['SERVICE', 'COMMIT', 'REF', 'CONFIG'], rows)}\n${notesText(notes)}`);
          if (args.values.yes !== true && !(await io.confirm(`Record ${adopted.length} service(s) as running in ${env}? [y/N] `))) {
            io.stderr.write('nothing was recorded\n');
            return EXIT.findings;
          }

          const runtime = await lazy.get();
          const outcome = await adoptRunning(
            { ...runtime, breakLock: args.values['break-lock'] === true },
            {
              env,
              manifest: head.manifest,
              services: adopted,
              to,
              intent: (args.values.intent as string | undefined) ?? 'adopt what runs',
              replace: args.values.replace === true,
            },
          );

          if ('conflicts' in outcome) {
            const lines = outcome.conflicts.map((c) => `${c.service}: recorded at ${c.recorded.slice(0, 7)}, adopting ${c.adopted.slice(0, 7)}`);
            if (args.json) writeJson(io.stdout, { status: 'refused', conflicts: outcome.conflicts, ...notesJson(notes) });
            else
              io.stderr.write(
                `adopt: ${outcome.conflicts.length} service(s) of ${env} are recorded at another version; nothing was recorded:\n${lines.map((l) => `  ${l}\n`).join('')}hint: pass --replace to record what runs instead (after a deploy outside tranche)\n`,
              );
            return EXIT.findings;
          }
          if ('unfinished' in outcome) {
            const { id, status } = outcome.unfinished;
            const message = `release ${id} of ${env} is ${status}: finish it first (tranche resume --env ${env}, or tranche rollback --env ${env}); nothing was recorded`;
            if (args.json) writeJson(io.stdout, { status: 'refused', message });
            else io.stderr.write(`adopt: ${message}\n`);
            return EXIT.findings;
          }
          const refOf = new Map(adopted.map((s) => [s.service.name, { commit: s.version.commit, ref: s.ref }]));
          if ('nothing' in outcome) {
            if (args.json) writeJson(io.stdout, { status: 'nothing-to-do', env, kept: outcome.kept, ...notesJson(notes) });
            else io.stdout.write(`${env}: every service is already recorded as running what --at/--service name; nothing was recorded\n`);
            return EXIT.ok;
          }
          if (args.json) {
            writeJson(io.stdout, {
              status: 'adopted',
              env,
              releaseId: outcome.releaseId,
              recorded: outcome.recorded.map((service) => ({ service, ...refOf.get(service)! })),
              kept: outcome.kept,
              absent,
              ...(outcome.superseded ? { superseded: outcome.superseded } : {}),
              ...notesJson(notes),
            });
          } else {
            const superseded = outcome.superseded ? ` (it takes the place of ${outcome.superseded}, which was interrupted)` : '';
            io.stdout.write(
              `${env}: ${outcome.recorded.length} service(s) recorded as running — adoption ${outcome.releaseId}${superseded}; nothing was deployed\n`,
            );
            if (outcome.kept.length) io.stdout.write(`already recorded so: ${outcome.kept.join(', ')}\n`);
          }
          return EXIT.ok;
        },
        () => lazy.close(),
      );
    }),
};

/** `--service S=REF`, each once. */
function parsePins(values: string[]): Map<string, string> {
  const pins = new Map<string, string>();
  for (const value of values) {
    const match = /^([^=\s]+)=(\S+)$/.exec(value);
    if (!match) throw new InputError(`adopt: --service takes SERVICE=REF, not ${JSON.stringify(value)}`);
    const [, service, ref] = match;
    if (pins.has(service!) && pins.get(service!) !== ref)
      throw new InputError(`adopt: --service ${service} is given twice, with ${pins.get(service!)} and ${ref}`);
    pins.set(service!, ref!);
  }
  return pins;
}
