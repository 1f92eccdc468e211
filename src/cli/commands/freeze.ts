import { InputError } from '../../core/input-error.js';
import { selectEnv, selectService } from '../../core/manifest/select.js';
import { frozenChanges } from '../../core/state/frozen-changes.js';
import { isUnfinished } from '../../core/state/records.js';
import { resolveFleet } from '../../core/config/resolve-fleet.js';
import type { Finding } from '../../core/finding.js';
import { readReleaseRevisions } from '../../engine/read-release.js';
import { releaseContent } from '../../engine/release-content.js';
import type { ParsedArgs } from '../command.js';
import type { CliIO } from '../io.js';
import { loadRevision } from '../../engine/load-revision.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet, type Fleet } from '../open-fleet.js';
import { hasState, withEnvScope, withReadRuntime, withRuntime } from '../runtime.js';
import { groupedFindings } from '../views/findings.js';
import { findingJson, writeJson } from '../views/json.js';
import { stateOptions } from './state-options.js';
import { changeKinds } from './release-options.js';

export const freezeCommand: Command = {
  name: 'freeze',
  usage: 'freeze --env E --reason TEXT [--service S] [--allow-scope config] [--until TIME] | freeze check --from REF --to REF',
  details: `
While a freeze holds, apply refuses any release that changes the frozen environment (or service)
outside --allow-scope (config, code, deps, contract), with change/frozen findings. --until ends it
by itself (an ISO time, e.g. 2026-12-01T09:00:00Z).
A release that is running when a freeze is set pauses before its next batch if the freeze covers
what it still has to deploy.
freeze check --from REF --to REF: for CI on a merge request — fails (exit 1) when the change
between the two commits touches a frozen environment or service outside its allowed scope, each
file classified as a release would (a config file is config, a lockfile deps). It reads the
freezes of the store --state or TRANCHE_STATE names (the team's Postgres, in CI) and never
creates one; with no store configured it says so (exit 2).

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
    withFleet(args, io, async (fleet) => {
      const sub = args.positionals[0];
      if (sub !== undefined && sub !== 'check') throw new InputError(`freeze: unknown subcommand ${JSON.stringify(sub)} (did you mean check?)`);
      if (sub === 'check') return freezeCheck(fleet, args, io);
      return withRuntime(fleet, args, io, async (runtime) => {
        const head = await loadRevision(fleet.git, fleet.cache, 'HEAD');
        const env = selectEnv(head.manifest, args.values.env as string | undefined);
        const reason = args.values.reason as string | undefined;
        if (!reason) throw new InputError('freeze needs --reason TEXT: whoever is refused deserves to know why');
        const service = args.values.service === undefined ? undefined : selectService(head.manifest, args.values.service as string).name;
        const allow = changeKinds(
          '--allow-scope',
          ((args.values['allow-scope'] as string | undefined) ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
        const until = args.values.until as string | undefined;
        if (until !== undefined && Number.isNaN(Date.parse(until)))
          throw new InputError(`--until: ${JSON.stringify(until)} is not a time (use ISO 8601, e.g. 2026-12-01T09:00:00Z)`);
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
        const latest = (await runtime.store.listReleases({ env, limit: 1 }))[0];
        const running =
          latest && isUnfinished(latest.status)
            ? `release ${latest.id} is ${latest.status} in ${env}: it pauses before its next batch if the freeze covers what it still has to deploy`
            : undefined;
        if (args.json) writeJson(io.stdout, { freeze, ...(running ? { running: { releaseId: latest!.id, status: latest!.status, note: running } } : {}) });
        else
          io.stdout.write(
            `${service ?? env} is frozen${allow.length ? ` (allowed: ${allow.join(', ')})` : ''}${freeze.until ? ` until ${freeze.until}` : ''}: ${reason}\n${running ? `note: ${running}\n` : ''}`,
          );
        return EXIT.ok;
      });
    }),
};

/**
 * `freeze check --from A --to B`, for CI: the change between two commits, as a release of it
 * would see it in each frozen environment (every service as if it ran A), against the freezes of
 * the team's store. It reads a store and never creates one: with none configured it says where
 * freezes live.
 */
async function freezeCheck(fleet: Fleet, args: ParsedArgs, io: CliIO): Promise<number> {
  if (args.values.from === undefined) throw new InputError('freeze check needs --from REF');
  if (!hasState(fleet, args, io)) {
    throw new InputError(
      "freeze check reads the freezes from the state store where tranche freeze recorded them, and none is configured here: pass --state postgres://… (or set TRANCHE_STATE) to name the team's store",
    );
  }
  return withReadRuntime(fleet, args, io, async (runtime) => {
    const freezes = await runtime.store.freezes();
    const now = runtime.clock.now().toISOString();
    const query = { toRef: (args.values.to as string | undefined) ?? 'HEAD', fromRef: args.values.from as string };
    // Both ends are read first: a --from or --to that cannot be used is exit 2, whatever the freezes.
    const [, to] = await Promise.all([loadRevision(fleet.git, fleet.cache, query.fromRef), loadRevision(fleet.git, fleet.cache, query.toRef)]);
    const envs = [...new Set(freezes.filter((f) => !f.until || f.until > now).map((f) => f.env))].filter((env) =>
      to.manifest.environments.some((e) => e.name === env),
    );
    const findings: Finding[] = [];
    for (const env of envs) {
      const revisions = await readReleaseRevisions(fleet.git, fleet.cache, { ...query, env, fingerprints: async () => runtime.fingerprints });
      const { changes } = await releaseContent(fleet.git, revisions, resolveFleet(revisions.to), { dependencies: false });
      const kinds = new Map(changes.services.map((s) => [s.service, s.kinds]));
      findings.push(
        ...frozenChanges(
          freezes.filter((f) => f.env === env),
          now,
          (_env, service) => kinds.get(service) ?? [],
          [...kinds.keys()],
        ),
      );
    }
    if (args.json) writeJson(io.stdout, { findings: findings.map(findingJson) });
    else
      io.stdout.write(
        findings.length
          ? `${groupedFindings(findings)}\n`
          : `no frozen environment or service is changed (${freezes.length} freeze${freezes.length === 1 ? '' : 's'} in force)\n`,
      );
    return findings.length ? EXIT.findings : EXIT.ok;
  });
}

export const unfreezeCommand: Command = {
  name: 'unfreeze',
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
