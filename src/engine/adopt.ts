import { withCleanup } from '../core/cleanup.js';
import type { Fingerprinter } from '../core/config/fingerprint.js';
import type { Manifest } from '../core/manifest/manifest.js';
import { planWithoutBatches } from '../core/plan/plan-without-batches.js';
import type { VersionRef } from '../core/plan/plan.js';
import { isUnfinished, type DeployedService, type LockHolder } from '../core/state/records.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { newReleaseId } from './apply-release.js';
import { acquireEnvLock, type Operator } from './env-lock.js';
import type { ResolvedService } from './resolve-service.js';
import { appendTo } from '../core/append-to.js';

export interface AdoptContext {
  store: Store;
  clock: Clock;
  who: Operator;
  isAlive(holder: LockHolder): boolean | undefined;
  breakLock: boolean;
  /** The store's fingerprints: a recorded config hash is compared in them. */
  fingerprints: Fingerprinter;
}

export interface AdoptRequest {
  env: string;
  /** The fleet definition the adoption is recorded under (for the record's plan). */
  manifest: Manifest;
  /** Each service adopted, resolved at the commit it runs. */
  services: ResolvedService[];
  /** The commit most services run (`--at`): what the record names as its target. */
  to: { commit: string; label: string };
  intent: string;
  /** Record over what tranche recorded for a service at another version. */
  replace: boolean;
}

export type AdoptOutcome =
  /** Services recorded at other versions, not replaced: nothing was recorded. */
  | { conflicts: { service: string; recorded: string; adopted: string }[] }
  /** A release of the environment is unfinished: nothing was recorded. */
  | { unfinished: { id: string; status: string } }
  /** Every service is already recorded at the version adopted: nothing to record. */
  | { nothing: true; kept: string[] }
  | { releaseId: string; recorded: string[]; kept: string[]; superseded?: string };

/**
 * Records what already runs in an environment, deploying nothing: one record of kind `adoption`
 * whose journal has a step per service, each written with the service's deployed state
 * atomically. Under the environment's lock. A service already recorded at the same version is
 * kept as it is; at another version, it is a conflict unless `replace`. An adoption that died
 * part-way (its record still running, its process gone) is superseded by this one; any other
 * unfinished release must be finished first.
 */
export async function adoptRunning(ctx: AdoptContext, request: AdoptRequest): Promise<AdoptOutcome> {
  const { clock } = ctx;
  const { env } = request;
  const id = newReleaseId(env, clock.now());
  const lock = await acquireEnvLock(ctx.store, env, ctx.who, clock, { breakLock: ctx.breakLock, isAlive: ctx.isAlive, releaseId: id });
  const store = lock.store;
  return withCleanup(async () => {
    const deployed = await store.deployed(env);
    const kept: string[] = [];
    const conflicts: { service: string; recorded: string; adopted: string }[] = [];
    const record: ResolvedService[] = [];
    for (const target of request.services) {
      const current = deployed.get(target.service.name);
      if (current && sameVersion(current, target, ctx.fingerprints)) kept.push(target.service.name);
      else if (current && !request.replace) conflicts.push({ service: target.service.name, recorded: current.commit, adopted: target.version.commit });
      else record.push(target);
    }
    if (conflicts.length) return { conflicts };

    const previous = (await store.listReleases({ env, limit: 1 }))[0];
    let superseded: string | undefined;
    if (previous && isUnfinished(previous.status)) {
      // Holding the lock, a running adoption is one whose process died: this one takes its place.
      if (previous.kind !== 'adoption' || previous.status !== 'running') return { unfinished: { id: previous.id, status: previous.status } };
      await store.updateRelease(previous.id, { status: 'failed', finishedAt: clock.now().toISOString(), summary: `interrupted before it finished; adoption ${id} records what runs` });
      superseded = previous.id;
    }
    if (!record.length) return { nothing: true, kept };

    const at = () => clock.now().toISOString();
    const before: Record<string, VersionRef> = {};
    for (const d of [...deployed.values()].sort((a, b) => a.service.localeCompare(b.service))) before[d.service] = { commit: d.commit, contentId: d.contentId, configHash: d.configHash };
    await store.createRelease({
      id,
      kind: 'adoption',
      env,
      status: 'running',
      intent: request.intent,
      toCommit: request.to.commit,
      by: ctx.who,
      startedAt: at(),
      plan: planWithoutBatches({ manifest: request.manifest, env, createdAt: at(), intent: request.intent, to: request.to, deployed: before }),
    });
    await store.appendJournal({ releaseId: id, at: at(), batch: 0, kind: 'release', event: 'started', detail: { adoption: true, to: request.to.commit } });
    for (const target of record) {
      const name = target.service.name;
      const state: DeployedService = { env, service: name, ...target.version, config: target.shown, releaseId: id, deployedAt: at() };
      const replaced = deployed.get(name);
      await store.completeStep(
        { releaseId: id, at: at(), batch: 0, service: name, kind: 'adopt', event: 'succeeded', detail: { ...target.version, ...(replaced ? { replaced: replaced.commit } : {}) } },
        name,
        state,
      );
    }
    const summary = adoptionSummary(record, kept);
    await store.appendJournal({ releaseId: id, at: at(), batch: 0, kind: 'release', event: 'succeeded', detail: { status: 'succeeded', summary } });
    await store.updateRelease(id, { status: 'succeeded', finishedAt: at(), summary });
    return { releaseId: id, recorded: record.map((s) => s.service.name), kept, ...(superseded ? { superseded } : {}) };
  }, () => lock.release());
}

/** Whether what is recorded is `target`, whatever form its config hash was recorded in. */
function sameVersion(recorded: DeployedService, target: ResolvedService, fingerprints: Fingerprinter): boolean {
  return recorded.commit === target.version.commit && recorded.contentId === target.version.contentId && fingerprints.isConfigOf(recorded.configHash, target.environment);
}

/** `adopted 3 services as they run (nothing deployed): a, b at 3f2a1c9; c at 9e8d7c6`. */
function adoptionSummary(recorded: ResolvedService[], kept: string[]): string {
  const byCommit = new Map<string, string[]>();
  for (const s of recorded) appendTo(byCommit, s.version.commit, s.service.name);
  const where = [...byCommit].map(([commit, names]) => `${names.join(', ')} at ${commit.slice(0, 7)}`).join('; ');
  const also = kept.length ? `; ${kept.length} already recorded so` : '';
  return `adopted ${recorded.length} service${recorded.length === 1 ? '' : 's'} as they run (nothing deployed): ${where}${also}`;
}
