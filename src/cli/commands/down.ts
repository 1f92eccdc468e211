import { withCleanup } from '../../core/cleanup.js';
import { newReleaseId } from '../../engine/apply-release.js';
import { acquireEnvLock } from '../../engine/env-lock.js';
import { ServiceResolver } from '../../engine/resolve-service.js';
import { planWithoutBatches } from '../../core/plan/plan-without-batches.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withEnvScope } from '../runtime.js';
import { writeJson } from '../views/json.js';
import { lockOptions, stateOptions } from './state-options.js';

export const downCommand: Command = {
  name: 'down',
  summary: 'Stop every service tranche runs in an environment, and record it.',
  usage: 'down --env E [--break-lock]',
  details: `
Stops each service recorded as deployed in E (for the local driver: its process group) and
records it as a release of its own, so the journal explains why nothing runs. The next apply
deploys every service anew.

Exit codes: 0 stopped; 1 locked or a stop failed; 2 unusable input.`,
  options: { ...stateOptions, ...lockOptions },
  positionals: [],
  run: (args, io) =>
    withEnvScope(args, io, async ({ fleet, runtime, head, env }) => {
      const { clock } = runtime;
      const deployed = await runtime.store.deployed(env);
      const id = newReleaseId(env, clock.now());
      const lock = await acquireEnvLock(runtime.store, env, runtime.who, clock, { breakLock: args.values['break-lock'] === true, isAlive: runtime.isAlive, releaseId: id });
      const stopped: string[] = [];
      const failed: string[] = [];
      const store = lock.store;
      return withCleanup(async () => {
        const at = () => clock.now().toISOString();
        const plan = planWithoutBatches({ manifest: head.manifest, env, createdAt: at(), intent: 'tranche down', to: { commit: head.commit!, label: head.label } });
        await store.createRelease({ id, kind: 'release', env, status: 'running', intent: 'tranche down', toCommit: head.commit!, by: runtime.who, startedAt: at(), plan });
        const driver = runtime.driverFor(head.manifest, env);
        const resolver = new ServiceResolver(fleet.git, fleet.cache, env, runtime.fingerprints);
        for (const state of deployed.values()) {
          const entry = { releaseId: id, batch: 0, service: state.service, kind: 'rollback' as const, detail: { stop: true, reason: 'down' } };
          await store.appendJournal({ ...entry, at: at(), event: 'started' });
          try {
            const service = (await resolver.at(state.service, state.commit).catch(() => undefined))?.service ?? head.manifest.services.get(state.service);
            if (service) await driver.stop(env, service, fleet.root);
            await store.completeStep({ ...entry, at: at(), event: 'succeeded' }, state.service, null);
            stopped.push(state.service);
          } catch (error) {
            await store.appendJournal({ ...entry, at: at(), event: 'failed', detail: { error: error instanceof Error ? error.message : String(error) } });
            failed.push(state.service);
          }
        }
        const summary = `stopped ${stopped.length} service${stopped.length === 1 ? '' : 's'}${failed.length ? `; could not stop ${failed.join(', ')}` : ''}`;
        await store.updateRelease(id, { status: failed.length ? 'rollback-failed' : 'succeeded', summary, finishedAt: at() });
        if (args.json) writeJson(io.stdout, { releaseId: id, stopped, failed });
        else io.stdout.write(`${env}: ${summary}\n`);
        return failed.length ? EXIT.findings : EXIT.ok;
      }, () => lock.release());
    }),
};
