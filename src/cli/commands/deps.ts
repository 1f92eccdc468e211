import { fleetDependencies } from '../../engine/fleet-dependencies.js';
import { InvalidFleetError } from '../../engine/load-revision.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { loadRevision, withFleet } from '../open-fleet.js';
import { findingJson, writeJson } from '../views/json.js';
import { renderTable } from '../views/table.js';

export const depsCommand: Command = {
  name: 'deps',
  usage: 'deps [--ref REF] [--all] [--dev] [--only-divergent]',
  details: `
Reads the lockfile at the root of every service's path (package-lock.json, yarn.lock,
pnpm-lock.yaml, go.mod, Cargo.lock, requirements.txt) at REF (default HEAD) and lists, for each
package, the versions the fleet resolves it to and which services use each. Direct dependencies
only, unless --all; development-only ones (devDependencies, dev-dependencies) only with --dev.
A package of one ecosystem that services resolve to different versions is a deps/divergence
finding (info).

Exit codes: 0 shown; 2 unusable input (a lockfile that does not parse).`,
  options: {
    ref: { type: 'string', value: 'REF', description: 'the revision (default HEAD)' },
    all: { type: 'boolean', description: 'include transitive dependencies' },
    dev: { type: 'boolean', description: 'include development-only dependencies' },
    'only-divergent': { type: 'boolean', description: 'only packages resolved to several versions' },
  },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const ref = (args.values.ref as string | undefined) ?? 'HEAD';
      const revision = await loadRevision(fleet, ref);
      const tree = fleet.git.commitTree(revision.commit!, revision.label);
      const { packages, findings } = await fleetDependencies(tree, revision, { all: args.values.all === true, dev: args.values.dev === true });
      const problems = findings.filter((f) => f.rule === 'manifest/invalid');
      if (problems.length) throw new InvalidFleetError(problems);
      const shown = args.values['only-divergent'] === true ? packages.filter((p) => p.divergent) : packages;
      if (args.json) {
        writeJson(io.stdout, { revision: revision.label, packages: shown, findings: findings.map(findingJson) });
        return EXIT.ok;
      }
      const rows = shown.flatMap((p) => p.versions.map((v, i) => [i === 0 ? p.name : '', v.version, v.services.join(', '), p.divergent && i === 0 ? '*' : '']));
      io.stdout.write(
        `tranche deps (${revision.label}): ${packages.length} package${packages.length === 1 ? '' : 's'}${args.values.all === true ? '' : ' (direct)'}, ` +
          `${packages.filter((p) => p.divergent).length} resolved differently by services (*)\n\n` +
          (rows.length ? `${renderTable(['PACKAGE', 'VERSION', 'SERVICES', ''], rows)}\n` : ''),
      );
      return EXIT.ok;
    }),
};
