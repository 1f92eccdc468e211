import { selectEnv } from '../../core/manifest/select.js';
import { envStatus } from '../../engine/env-status.js';
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

export const statusCommand: Command = {
  name: 'status',
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
        const status = await envStatus(
          {
            store: runtime.store,
            driver: runtime.driverFor(head.manifest, env),
            resolver: new ServiceResolver(fleet.git, fleet.cache, env, runtime.fingerprints),
            fleetRoot: fleet.root,
            manifest: head.manifest,
            isAlive: runtime.isAlive,
          },
          env,
        );
        if (args.json) {
          writeJson(io.stdout, status);
          return EXIT.ok;
        }
        const { lock, release, services, next } = status;
        const runs = baselineLabel(services, new Map(services.map((d) => [d.commit, d.commit.slice(0, 7)])));
        const lines = [`${env}: ${services.length} service${services.length === 1 ? '' : 's'} recorded as deployed${runs ? `, at ${runs}` : ''}`];
        if (release)
          lines.push(
            `latest ${release.kind === 'adoption' ? 'record (adoption)' : 'release'} ${release.id}: ${release.status}${release.summary ? ` — ${release.summary}` : ''}`,
          );
        lines.push(
          lock
            ? `lock: held by ${lock.user}@${lock.host} (pid ${lock.pid}) since ${lock.acquiredAt}${lock.alive === false ? ' — that process is no longer running' : ''}`
            : 'lock: free',
        );
        for (const step of release?.inDoubt ?? []) lines.push(`in doubt: ${step.service} (batch ${step.batch}): ${step.action} started and never finished`);
        for (const s of services)
          if (s.unreadable)
            lines.push(`note: ${s.service}'s recorded commit ${s.commit.slice(0, 7)} cannot be read (${s.unreadable}): inspected as HEAD defines it`);
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
