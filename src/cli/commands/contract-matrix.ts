import { withCleanup } from '../../core/cleanup.js';
import { rolloutBreaks } from '../../core/contracts/build-contract-matrix.js';
import { readContractMatrix } from '../../engine/contracts/read-contract-matrix.js';
import { readReleaseRevisions } from '../../engine/read-release.js';
import type { OptionSpec, ParsedArgs } from '../command.js';
import { type CliIO, EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { hasState, lazyRuntime, releaseState } from '../runtime.js';
import { notesJson, notesText, releaseStart } from '../views/baseline-label.js';
import { matrixJson, renderMatrix } from '../views/contract-matrix-view.js';
import { writeJson } from '../views/json.js';

/** The options of `contract matrix`. */
export const matrixOptions: Record<string, OptionSpec> = {
  env: { type: 'string', short: 'e', value: 'E', description: 'matrix: the environment whose deployed versions are paired' },
  to: { type: 'string', value: 'REF', description: 'matrix: the target revision (default HEAD)' },
  from: { type: 'string', value: 'REF', description: 'matrix: what-if, as if every service ran REF (default: what each runs, as recorded)' },
  state: { type: 'string', value: 'URL', description: 'the state store: postgres://… or a SQLite file (default .tranche/state.db; or TRANCHE_STATE)' },
};

export const matrixHelp = `
contract matrix --env E: every consumer → provider pair the fleet has (each consumes entry, at
the target or at a deployed version: HTTP APIs, and events paired with their producer), with
the commit each side runs in E (as tranche status shows it; a service not deployed is "not
running") and the target's (--to, default HEAD), and whether each of the four pairings is
compatible: old consumer × old provider, old × new, new × old, new × new. A consumer at a commit
expects its provider's contract at that same commit; the provider serves its own at its commit.
A pairing that breaks lists the rule ids and the first changes (narrowed to the operations the
consumer calls). Nothing is deployed and no state is created.
Exit codes: 0 every pairing the rollout can create (all but old × old, which runs already) is
compatible; 1 one breaks, or runs a contract that cannot be read; 2 unusable input (an unknown
environment, a store that cannot be read, a ref that names nothing, a target contract that
cannot be read).`;

/** `contract matrix`: reads what runs and the target, pairs their contracts, renders the matrix. */
export function contractMatrix(args: ParsedArgs, io: CliIO): Promise<number> {
  return withFleet(args, io, async (fleet) => {
    // Reading must not create a state store in a fleet that has none.
    const lazy = hasState(fleet, args, io) ? lazyRuntime(fleet, args, io, 'read') : undefined;
    return withCleanup(
      async () => {
        const state = releaseState(fleet, io, lazy);
        const { store } = state;
        const from = args.values.from as string | undefined;
        const revisions = await readReleaseRevisions(fleet.git, fleet.cache, {
          env: args.values.env as string | undefined,
          toRef: (args.values.to as string | undefined) ?? 'HEAD',
          ...(from !== undefined ? { fromRef: from } : {}),
          ...(store ? { deployed: async (env: string) => (await store()).deployed(env) } : {}),
          fingerprints: state.fingerprints,
        });
        const rows = await readContractMatrix(fleet.git, revisions, Date.now(), fleet.cache.specs);
        const breaks = rolloutBreaks(rows);
        if (args.json) writeJson(io.stdout, { ...matrixJson(revisions, rows, breaks), ...notesJson(revisions.notes) });
        else io.stdout.write(renderMatrix(revisions, releaseStart(revisions), rows, breaks) + notesText(revisions.notes));
        return breaks ? EXIT.findings : EXIT.ok;
      },
      async () => lazy?.close(),
    );
  });
}
