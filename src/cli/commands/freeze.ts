import { InputError } from '../../core/input-error.js';
import { selectEnv, selectService } from '../../core/manifest/select.js';
import { frozenChanges } from '../../core/state/frozen-changes.js';
import { loadRevision } from '../../engine/load-revision.js';
import { resolveService } from '../../engine/resolve-service.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { withEnvScope, withRuntime } from '../runtime.js';
import { groupedFindings } from '../views/findings.js';
import { findingJson, writeJson } from '../views/json.js';
import { stateOptions } from './state-options.js';

const SCOPES = ['config', 'code', 'deps', 'contract'];

export const freezeCommand: Command = {
  name: 'freeze',
  summary: 'Freeze an environment (or one service in it), or check a change against the freezes (for CI).',
  usage: 'freeze --env E --reason TEXT [--service S] [--allow-scope config] [--until TIME] | freeze check --from REF --to REF',
  details: `
While a freeze holds, apply refuses any release that changes the frozen environment (or service)
outside --allow-scope (config, code, deps, contract), with change/frozen findings. --until ends it
by itself (an ISO time, e.g. 2026-12-01T09:00:00Z).
freeze check --from REF --to REF: for CI on a merge request — fails (exit 1) when the change
between the two commits touches a frozen environment or service outside its allowed scope.

Exit codes: 0 done / no frozen change; 1 a frozen change; 2 unusable input.`,
  options: {
    ...stateOptions,
    reason: { type: 'string', value: 'TEXT', description: 'why (shown to whoever is refused)' },
    service: { type: 'string', value: 'S', description: 'freeze only this service' },
    'allow-scope': { type: 'string', value: 'LIST', description: 'what may still change: config, code, deps, contract' },
    until: { type: 'string', value: 'TIME', description: 'when the freeze ends by itself (ISO 8601)' },
    from: { type: 'string', value: 'REF', description: 'freeze check: the base of the change' },
    to: { type: 'string', value: 'REF', description: 'freeze check: the head of the change (default HEAD)' },
  },
  positionals: ['check?'],
  run: (args, io) =>
    withFleet(args, io, (fleet) =>
      withRuntime(fleet, args, io, async (runtime) => {
        const sub = args.positionals[0];
        if (sub !== undefined && sub !== 'check') throw new InputError(`freeze: unknown subcommand ${JSON.stringify(sub)} (did you mean check?)`);
        if (sub === 'check') {
          if (args.values.from === undefined) throw new InputError('freeze check needs --from REF');
          const [from, to] = await Promise.all([loadRevision(fleet.git, fleet.cache, args.values.from as string), loadRevision(fleet.git, fleet.cache, (args.values.to as string | undefined) ?? 'HEAD')]);
          const freezes = await runtime.store.freezes();
          const findings = frozenChanges(freezes, runtime.clock.now().toISOString(), (env, service) => {
            if (!to.manifest.services.has(service)) return [];
            const after = resolveService(to, service, env).version;
            const before = from.manifest.services.has(service) ? resolveService(from, service, env).version : undefined;
            const kinds: string[] = [];
            if (!before || before.contentId !== after.contentId) kinds.push('code');
            if (!before || before.configHash !== after.configHash) kinds.push('config');
            return kinds;
          }, [...to.manifest.services.keys()]);
          if (args.json) writeJson(io.stdout, { findings: findings.map(findingJson) });
          else io.stdout.write(findings.length ? `${groupedFindings(findings)}\n` : `no frozen environment or service is changed (${freezes.length} freeze${freezes.length === 1 ? '' : 's'} in force)\n`);
          return findings.length ? EXIT.findings : EXIT.ok;
        }
        const head = await loadRevision(fleet.git, fleet.cache, 'HEAD');
        const env = selectEnv(head.manifest, args.values.env as string | undefined);
        const reason = args.values.reason as string | undefined;
        if (!reason) throw new InputError('freeze needs --reason TEXT: whoever is refused deserves to know why');
        const service = args.values.service === undefined ? undefined : selectService(head.manifest, args.values.service as string).name;
        const allow = ((args.values['allow-scope'] as string | undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const bad = allow.find((s) => !SCOPES.includes(s));
        if (bad) throw new InputError(`--allow-scope: ${JSON.stringify(bad)} is not one of ${SCOPES.join(', ')}`);
        const until = args.values.until as string | undefined;
        if (until !== undefined && Number.isNaN(Date.parse(until))) throw new InputError(`--until: ${JSON.stringify(until)} is not a time (use ISO 8601, e.g. 2026-12-01T09:00:00Z)`);
        const freeze = {
          env,
          ...(service ? { service } : {}),
          reason,
          allowScope: allow,
          ...(until ? { until: new Date(until).toISOString() } : {}),
          by: `${runtime.who.user}@${runtime.who.host}`,
          createdAt: runtime.clock.now().toISOString(),
        };
        await runtime.store.freeze(freeze);
        if (args.json) writeJson(io.stdout, { freeze });
        else io.stdout.write(`${service ?? env} is frozen${allow.length ? ` (allowed: ${allow.join(', ')})` : ''}${freeze.until ? ` until ${freeze.until}` : ''}: ${reason}\n`);
        return EXIT.ok;
      }),
    ),
};

export const unfreezeCommand: Command = {
  name: 'unfreeze',
  summary: 'Lift the freeze of an environment (or of one service in it).',
  usage: 'unfreeze --env E [--service S]',
  details: `
Exit codes: 0 lifted; 1 there was no such freeze; 2 unusable input.`,
  options: { ...stateOptions, service: { type: 'string', value: 'S', description: 'the frozen service' } },
  positionals: [],
  run: (args, io) =>
    withEnvScope(args, io, async ({ runtime, env }) => {
      const service = args.values.service as string | undefined;
      const lifted = await runtime.store.unfreeze(env, service);
      if (args.json) writeJson(io.stdout, { lifted });
      else io.stdout.write(lifted ? `${service ?? env} is no longer frozen\n` : `${service ?? env} was not frozen\n`);
      return lifted ? EXIT.ok : EXIT.findings;
    }),
};
