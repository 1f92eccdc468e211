import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { loadRevision, withFleet } from '../open-fleet.js';
import { writeJson } from '../views/json.js';

export const validateCommand: Command = {
  name: 'validate',
  usage: 'validate [--ref REF]',
  details: `
Reads tranche.yaml and reports every problem at once as FILE:LINE:COL: message — YAML syntax,
duplicate keys, unknown keys (with a did-you-mean), wrong types, references to services,
resources or fields that do not exist, dependency cycles, service paths and required config
sources that do not exist, config files that do not parse. By default it reads the working
tree; --ref reads a commit instead.

Exit codes: 0 valid; 2 problems were found (nothing was touched).`,
  options: {
    ref: { type: 'string', value: 'REF', description: 'read the fleet at this commit instead of the working tree' },
  },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const revision = await loadRevision(fleet, args.values.ref as string | undefined);
      const { manifest } = revision;
      if (args.json) {
        writeJson(io.stdout, {
          valid: true,
          revision: revision.label,
          ...(revision.commit ? { commit: revision.commit } : {}),
          name: manifest.name,
          environments: manifest.environments.map((e) => e.name),
          services: [...manifest.services.keys()],
          resources: [...manifest.resources.keys()],
          findings: [],
        });
      } else {
        const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
        io.stdout.write(
          `tranche.yaml is valid (${revision.label}): fleet ${manifest.name}, ${count(manifest.services.size, 'service')}, ` +
            `${count(manifest.environments.length, 'environment')} (${manifest.environments.map((e) => e.name).join(', ')}), ${count(manifest.resources.size, 'resource')}\n`,
        );
      }
      return EXIT.ok;
    }),
};
