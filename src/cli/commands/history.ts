import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { hasState, withReadRuntime } from '../runtime.js';
import { writeJson } from '../views/json.js';
import { renderTable } from '../views/table.js';
import { stateOptions } from './state-options.js';

export const historyCommand: Command = {
  name: 'history',
  usage: 'history [--env E] [--limit N]',
  details: `
Each release with its environment, status, who ran it and when, its intent and how it ended;
an adoption (tranche adopt: what already ran, recorded) with what it recorded.

Exit codes: 0 shown; 2 unusable input.`,
  options: {
    ...stateOptions,
    env: { type: 'string', short: 'e', value: 'E', description: 'only this environment' },
    limit: { type: 'string', value: 'N', description: 'at most N releases (default 20)' },
  },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      if (!hasState(fleet, args, io)) {
        if (args.json) writeJson(io.stdout, { releases: [] });
        else io.stdout.write('no release is recorded\n');
        return EXIT.ok;
      }
      return withReadRuntime(fleet, args, io, async (runtime) => {
        const limit = Number(args.values.limit ?? 20);
        const releases = await runtime.store.listReleases({
          ...(args.values.env ? { env: args.values.env as string } : {}),
          limit: Number.isInteger(limit) && limit > 0 ? limit : 20,
        });
        if (args.json) {
          writeJson(io.stdout, { releases: releases.map(({ plan: _plan, ...release }) => release) });
          return EXIT.ok;
        }
        if (!releases.length) {
          io.stdout.write('no release is recorded\n');
          return EXIT.ok;
        }
        io.stdout.write(
          `${renderTable(
            ['RELEASE', 'ENV', 'STATUS', 'STARTED', 'BY', 'INTENT / SUMMARY'],
            releases.map((r) => [
              r.id,
              r.env,
              r.kind === 'adoption' ? `${r.status} (adoption)` : r.status,
              r.startedAt,
              `${r.by.user}@${r.by.host}`,
              r.kind === 'adoption' ? (r.summary ?? r.intent ?? '') : (r.intent ?? r.summary ?? ''),
            ]),
          )}\n`,
        );
        return EXIT.ok;
      });
    }),
};
