import { selectEnv } from '../../core/manifest/select.js';
import { inDoubtSteps, releaseProgress } from '../../core/state/release-progress.js';
import { loadRevision } from '../../engine/load-revision.js';
import { ServiceResolver } from '../../engine/resolve-service.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { hasState, withReadRuntime } from '../runtime.js';
import { writeJson } from '../views/json.js';
import { renderTable } from '../views/table.js';
import { stateOptions } from './state-options.js';
import { baselineLabel } from '../views/baseline-label.js';
import type { DeployedService } from '../../core/state/records.js';
import { appendTo } from '../../core/append-to.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'What runs in an environment, the state of its latest release, and who holds its lock.',
  usage: 'status --env E',
  details: `
For every service recorded as deployed in E: its commit, config hash, when and by which release,
and whether the driver sees it running that version. After a partial release (a batch rolled
back, a paused release) services run different commits: the header says which, and how many. The latest release with its status; when
tranche died during it, which steps are in doubt (started, never finished) and what to run next.
The lock holder, and whether that process still runs.

Exit codes: 0 shown; 2 unusable input.`,
  options: { ...stateOptions },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const head = await loadRevision(fleet.git, fleet.cache, 'HEAD');
      const env = selectEnv(head.manifest, args.values.env as string | undefined);
      if (!hasState(fleet, args, io)) {
        // Reading must not create a state store in a fleet that has none.
        if (args.json) writeJson(io.stdout, { env, lock: null, release: null, services: [] });
        else io.stdout.write(`${env}: nothing is recorded yet (no release has been applied)\n`);
        return EXIT.ok;
      }
      return withReadRuntime(fleet, args, io, async (runtime) => {
        const deployed = await runtime.store.deployed(env);
        const lock = await runtime.store.currentLock(env);
        const release = (await runtime.store.listReleases({ env, limit: 1 }))[0];
        const driver = runtime.driverFor(head.manifest, env);
        const resolver = new ServiceResolver(fleet.git, fleet.cache, env, runtime.fingerprints);
        const services = await Promise.all(
          [...deployed.values()].map(async (d) => {
            const service = (await resolver.at(d.service, d.commit).catch(() => undefined))?.service ?? head.manifest.services.get(d.service);
            const live = service ? await driver.inspect(env, service, fleet.root) : undefined;
            const drift = live?.running && (live.commit !== d.commit || (live.configHash !== undefined && live.configHash !== d.configHash));
            return { ...d, running: live?.running ?? null, ...(live?.pid !== undefined ? { pid: live.pid } : {}), drift: Boolean(drift) };
          }),
        );
        const progress = release ? releaseProgress(release.plan, await runtime.store.journal(release.id)) : undefined;
        const inDoubt = progress ? inDoubtSteps(progress) : [];
        const holderAlive = lock ? runtime.isAlive(lock) : undefined;
        const next =
          release?.kind === 'adoption' && release.status === 'running' && lock && holderAlive === false
            ? `tranche died during adoption ${release.id}: run the same tranche adopt again with --break-lock (what it recorded is kept)`
          : release?.status === 'running' && lock && holderAlive === false
            ? `tranche died during release ${release.id}: run tranche resume --env ${env} --break-lock, or tranche rollback --env ${env} --yes --break-lock`
            : lock && holderAlive === false
              ? `the lock is held by a tranche that is no longer running (pid ${lock.pid}): tranche resume --env ${env} --break-lock clears it`
            : release?.status === 'paused'
              ? `release ${release.id} is paused: tranche resume --env ${env}, or tranche rollback --env ${env}`
              : release?.status === 'rollback-failed'
                ? `the rollback of ${release.id} did not complete: look at the services, then tranche rollback --env ${env}`
                : undefined;
        if (args.json) {
          writeJson(io.stdout, {
            env,
            lock: lock ? { ...lock, alive: holderAlive ?? null } : null,
            release: release
              ? { id: release.id, kind: release.kind, status: release.status, summary: release.summary ?? null, startedAt: release.startedAt, inDoubt }
              : null,
            services,
            revisions: revisionsOf(deployed.values()),
            ...(next ? { next } : {}),
          });
          return EXIT.ok;
        }
        const runs = baselineLabel([...deployed.values()], new Map([...deployed.values()].map((d) => [d.commit, d.commit.slice(0, 7)])));
        const lines = [`${env}: ${services.length} service${services.length === 1 ? '' : 's'} recorded as deployed${runs ? `, at ${runs}` : ''}`];
        if (release) lines.push(`latest ${release.kind === 'adoption' ? 'record (adoption)' : 'release'} ${release.id}: ${release.status}${release.summary ? ` — ${release.summary}` : ''}`);
        lines.push(lock ? `lock: held by ${lock.user}@${lock.host} (pid ${lock.pid}) since ${lock.acquiredAt}${holderAlive === false ? ' — that process is no longer running' : ''}` : 'lock: free');
        for (const step of inDoubt) lines.push(`in doubt: ${step.service} (batch ${step.batch}): ${step.action} started and never finished`);
        if (next) lines.push(`next: ${next}`);
        lines.push('');
        const rows = services.map((s) => [
          s.service,
          s.commit.slice(0, 7),
          s.configHash.slice(0, 15),
          s.deployedAt,
          s.releaseId,
          s.running === null ? 'unknown' : s.running ? `yes${s.pid ? ` (pid ${s.pid})` : ''}${s.drift ? ', but not what tranche deployed' : ''}` : 'no',
        ]);
        if (rows.length) lines.push(renderTable(['SERVICE', 'COMMIT', 'CONFIG', 'DEPLOYED', 'RELEASE', 'RUNNING'], rows), '');
        io.stdout.write(lines.join('\n'));
        return EXIT.ok;
      });
    }),
};

/** The commits the services run, each with its services: one after a whole release, several after a partial one. */
function revisionsOf(deployed: Iterable<DeployedService>): { commit: string; services: string[] }[] {
  const byCommit = new Map<string, string[]>();
  for (const d of deployed) appendTo(byCommit, d.commit, d.service);
  return [...byCommit].map(([commit, services]) => ({ commit, services }));
}
