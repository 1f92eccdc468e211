import { resolveConfig } from '../../core/config/resolve-config.js';
import { resolveFleet } from '../../core/config/resolve-fleet.js';
import { checkConfig } from '../../core/rules/check-config.js';
import { suggestion } from '../../core/did-you-mean.js';
import { InputError } from '../../core/input-error.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { loadRevision, withFleet } from '../open-fleet.js';
import { selectEnv, selectService } from '../../core/manifest/select.js';
import { runsIn } from '../../core/manifest/manifest.js';
import { configJson, renderConfig, renderExplain } from '../views/config-view.js';
import { writeJson } from '../views/json.js';
import { fingerprintsFor } from '../runtime.js';
import { stateOptions } from './state-options.js';

export const configCommand: Command = {
  name: 'config',
  usage: 'config SERVICE --env E [--explain KEY] [--ref REF]',
  details: `
Resolves every declared key of SERVICE in environment E, lowest precedence first: the schema
default, the bound resource value, each config source in order, then the deployment's own
variables (config.env). The table shows each key's value, the file:line it comes from and the
values it overrides, then the problems the config rules find in it (as tranche check does, with
policy.rules applied). Secret values are shown as a fingerprint (hmac:…, keyed by the state
store's key, or .tranche/fingerprint.key when there is no store), never in clear.
--explain KEY prints the whole chain for one key, from the winner down to the lowest layer.
Reads the working tree unless --ref is given.

Exit codes: 0 shown; 2 unusable input (unknown service, environment or key; invalid manifest).`,
  options: {
    ...stateOptions,
    explain: { type: 'string', value: 'KEY', description: 'the whole override chain of one key' },
    ref: { type: 'string', value: 'REF', description: 'read the fleet at this commit instead of the working tree' },
  },
  positionals: ['SERVICE'],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const revision = await loadRevision(fleet, args.values.ref as string | undefined);
      const { manifest } = revision;
      const service = selectService(manifest, args.positionals[0]!);
      const env = selectEnv(manifest, args.values.env as string | undefined);
      if (!runsIn(service, env))
        throw new InputError(`${service.name} does not run in ${env}: its environments leave it out (services.${service.name}.environments)`);
      const config = resolveConfig(manifest, service, env, revision.files, revision.manifestTracked);
      const fingerprints = await fingerprintsFor(fleet, args, io);
      // The same rules as check, with the fleet's policy, for this service alone.
      const alone = { ...revision, manifest: { ...manifest, services: new Map([[service.name, service]]) } };
      const findings = checkConfig({ env, to: alone, toConfigs: resolveFleet(alone), deployed: [], fingerprints }).findings;
      const explain = args.values.explain as string | undefined;
      const key = explain === undefined ? undefined : config.keys.get(explain);
      if (explain !== undefined && !key) {
        throw new InputError(`${service.name} declares no key ${explain}${suggestion(explain, config.keys.keys())}`);
      }
      if (args.json) writeJson(io.stdout, configJson(config, revision.label, findings, fingerprints, key));
      else io.stdout.write(key ? renderExplain(config, key, fingerprints) : renderConfig(config, revision.label, findings, fingerprints));
      return EXIT.ok;
    }),
};
