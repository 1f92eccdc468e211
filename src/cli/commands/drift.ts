import { driftMatrix } from '../../core/config/drift-matrix.js';
import { resolveFleet } from '../../core/config/resolve-fleet.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { loadRevision, withFleet } from '../open-fleet.js';
import { selectEnvs } from '../../core/manifest/select.js';
import { driftJson, renderDrift } from '../views/drift-view.js';
import { writeJson } from '../views/json.js';
import { fingerprintsFor } from '../runtime.js';
import { stateOptions } from './state-options.js';

export const driftCommand: Command = {
  name: 'drift',
  usage: 'drift [--env A,B,...] [--values] [--only-drift] [--ref REF]',
  details: `
A matrix of keys × environments. Each cell says which kind of source sets the key there —
default, resource (bind), file, dotenv, env (the deployment's variables) — or that it is unset.
A key drifts (marked *) when it is set in one environment and unset in another, or set by
different kinds of source; a schema default never counts as a different kind. --values shows
each value instead (secrets as fingerprints, hmac:…), and a key whose schema says same: is marked !
where its values differ across those environments. A service left out of an environment shows
n/a there (with --json, its rows have no cell there). Reads the working tree unless --ref is given.

Exit codes: 0 shown; 2 unusable input.`,
  options: {
    env: { type: 'string', short: 'e', value: 'A,B,...', description: 'the environments to compare (default: all, in manifest order)' },
    'only-drift': { type: 'boolean', description: 'show only the keys that drift' },
    values: { type: 'boolean', description: 'show the values (secrets as fingerprints) instead of the kinds of source' },
    ref: { type: 'string', value: 'REF', description: 'read the fleet at this commit instead of the working tree' },
    state: stateOptions.state!,
  },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const revision = await loadRevision(fleet, args.values.ref as string | undefined);
      const envs = selectEnvs(revision.manifest, args.values.env as string | undefined);
      const rows = driftMatrix(resolveFleet(revision, envs), envs, await fingerprintsFor(fleet, args, io));
      if (args.json) writeJson(io.stdout, driftJson(rows, envs, revision.label));
      else io.stdout.write(renderDrift(rows, envs, revision.label, args.values['only-drift'] === true, args.values.values === true));
      return EXIT.ok;
    }),
};
