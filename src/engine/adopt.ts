import { withCleanup } from '../core/cleanup.js';
import type { Fingerprinter } from '../core/config/fingerprint.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { runsIn, type Manifest } from '../core/manifest/manifest.js';
import { selectService } from '../core/manifest/select.js';
import type { Git } from '../ports/git.js';
import { planWithoutBatches } from '../core/plan/plan-without-batches.js';
import type { VersionRef } from '../core/plan/plan.js';
import { isUnfinished, type DeployedService, type LockHolder } from '../core/state/records.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { newReleaseId } from './apply-release.js';
import { acquireEnvLock, type Operator } from './env-lock.js';
import { resolveService, type ResolvedService } from './resolve-service.js';
import { appendTo } from '../core/append-to.js';
import type { ParseMemo } from './gather.js';
import { InvalidFleetError, loadRevision } from './load-revision.js';
import { borrowedNotes } from './read-release.js';

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
  return withCleanup(
    async () => {
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
        await store.updateRelease(previous.id, {
          status: 'failed',
          finishedAt: clock.now().toISOString(),
          summary: `interrupted before it finished; adoption ${id} records what runs`,
        });
        superseded = previous.id;
      }
      if (!record.length) return { nothing: true, kept };

      const at = () => clock.now().toISOString();
      const before: Record<string, VersionRef> = {};
      for (const d of [...deployed.values()].sort((a, b) => a.service.localeCompare(b.service)))
        before[d.service] = { commit: d.commit, contentId: d.contentId, configHash: d.configHash };
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
          {
            releaseId: id,
            at: at(),
            batch: 0,
            service: name,
            kind: 'adopt',
            event: 'succeeded',
            detail: { ...target.version, ...(replaced ? { replaced: replaced.commit } : {}) },
          },
          name,
          state,
        );
      }
      const summary = adoptionSummary(record, kept);
      await store.appendJournal({ releaseId: id, at: at(), batch: 0, kind: 'release', event: 'succeeded', detail: { status: 'succeeded', summary } });
      await store.updateRelease(id, { status: 'succeeded', finishedAt: at(), summary });
      return { releaseId: id, recorded: record.map((s) => s.service.name), kept, ...(superseded ? { superseded } : {}) };
    },
    () => lock.release(),
  );
}

/** What `tranche adopt` is told runs: a commit for every service (`at`), and commits for some (`pins`: service → ref). */
export interface AdoptionInput {
  /** The fleet at HEAD: the services of the environment that exist now. */
  head: FleetRevision;
  env: string;
  at?: string;
  pins: ReadonlyMap<string, string>;
  /** The store's fingerprints (or the key the store will take): config hashes are made with them. */
  fingerprints: Fingerprinter;
}

/** What an adoption would record, read before anything is: each service resolved at the commit it runs. */
export interface Adoption {
  adopted: (ResolvedService & { ref: string })[];
  /** Services not at `at` (new in the next release): not recorded. */
  absent: string[];
  notes: string[];
  /** The commit the record names as its target: `at`, else the one most services run. */
  to: { commit: string; label: string };
}

/**
 * Reads every ref an adoption names and resolves each service of `env` (as HEAD lists them) at
 * the one it runs. A commit from before the fleet had a tranche.yaml is read with HEAD's.
 * Unusable input (InputError) when a pinned service does not run in `env` or does not exist at
 * its ref, or when no service exists at `at`.
 */
export async function readAdoption(fleet: { git: Git; cache: ParseMemo }, input: AdoptionInput): Promise<Adoption> {
  const { head, env, at, pins } = input;
  for (const name of pins.keys()) {
    if (!runsIn(selectService(head.manifest, name), env))
      throw new InputError(`adopt: service ${name} does not run in ${env} (its environments: in tranche.yaml)`);
  }
  const revisions = new Map<string, FleetRevision & { commit: string }>();
  for (const ref of new Set([...(at !== undefined ? [at] : []), ...pins.values()])) {
    const flag = ref === at ? `--at ${ref}` : `--service ${[...pins].find(([, r]) => r === ref)![0]}=${ref}`;
    const revision = await loadRevision(fleet.git, fleet.cache, ref, undefined, head.manifest).catch((error: unknown) => {
      throw error instanceof InvalidFleetError ? new InvalidFleetError(error.findings, flag) : error;
    });
    revisions.set(ref, revision as FleetRevision & { commit: string });
  }
  const adopted: (ResolvedService & { ref: string })[] = [];
  const absent: string[] = [];
  for (const service of head.manifest.services.values()) {
    const ref = pins.get(service.name) ?? at;
    if (ref === undefined || !runsIn(service, env)) continue;
    const revision = revisions.get(ref)!;
    if (!revision.manifest.services.has(service.name)) {
      if (pins.has(service.name)) throw new InputError(`adopt: service ${service.name} does not exist at ${revision.label}`);
      absent.push(service.name);
      continue;
    }
    adopted.push({ ...resolveService(revision, service.name, env, input.fingerprints), ref });
  }
  if (!adopted.length) throw new InputError(`adopt: no service of ${env} exists at ${at}`);
  const notes = [
    ...borrowedNotes([...revisions.values()]),
    ...(absent.length ? [`${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not at ${at}: not recorded (new in the next release)`] : []),
  ];
  const main =
    at !== undefined ? revisions.get(at)! : revisions.get(adopted.find((s) => s.version.commit === mostCommon(adopted.map((a) => a.version.commit)))!.ref)!;
  return { adopted, absent, notes, to: { commit: main.commit, label: main.label } };
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** Whether what is recorded is `target`, whatever form its config hash was recorded in. */
function sameVersion(recorded: DeployedService, target: ResolvedService, fingerprints: Fingerprinter): boolean {
  return (
    recorded.commit === target.version.commit &&
    recorded.contentId === target.version.contentId &&
    fingerprints.isConfigOf(recorded.configHash, target.environment)
  );
}

/** `adopted 3 services as they run (nothing deployed): a, b at 3f2a1c9; c at 9e8d7c6`. */
function adoptionSummary(recorded: ResolvedService[], kept: string[]): string {
  const byCommit = new Map<string, string[]>();
  for (const s of recorded) appendTo(byCommit, s.version.commit, s.service.name);
  const where = [...byCommit].map(([commit, names]) => `${names.join(', ')} at ${commit.slice(0, 7)}`).join('; ');
  const also = kept.length ? `; ${kept.length} already recorded so` : '';
  return `adopted ${recorded.length} service${recorded.length === 1 ? '' : 's'} as they run (nothing deployed): ${where}${also}`;
}
