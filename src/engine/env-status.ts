import { appendTo } from '../core/append-to.js';
import type { Manifest } from '../core/manifest/manifest.js';
import type { DeployedService, LockHolder, Release } from '../core/state/records.js';
import { inDoubtSteps, releaseProgress, type InDoubtStep } from '../core/state/release-progress.js';
import type { Driver } from '../ports/driver.js';
import type { Store } from '../ports/store.js';
import type { ServiceResolver } from './resolve-service.js';

export interface StatusContext {
  store: Store;
  driver: Driver;
  resolver: ServiceResolver;
  fleetRoot: string;
  /** The fleet at HEAD: a service whose recorded commit cannot be read is inspected as HEAD defines it. */
  manifest: Manifest;
  isAlive(holder: LockHolder): boolean | undefined;
}

/** One service recorded as deployed, and what the driver sees of it. */
interface ServiceStatus extends DeployedService {
  /** Whether its process runs; null when the driver cannot tell, or the service is not in the fleet any more. */
  running: boolean | null;
  pid?: number;
  /** It runs, but not the commit or config tranche recorded. */
  drift: boolean;
  /** Why it was inspected as HEAD defines it: its recorded commit could not be read. */
  unreadable?: string;
}

/** What `tranche status` shows: recorded state, live state as the driver sees it, and what to do next. */
export interface EnvStatus {
  env: string;
  lock: (LockHolder & { alive: boolean | null }) | null;
  release: (Pick<Release, 'id' | 'kind' | 'status' | 'startedAt'> & { summary: string | null; inDoubt: InDoubtStep[] }) | null;
  services: ServiceStatus[];
  /** The commits the services run, each with its services: one after a whole release, several after a partial one. */
  revisions: { commit: string; services: string[] }[];
  /** What an operator should run next, when the environment needs one. */
  next?: string;
}

/** Reads the state of `env`: what is recorded, what the driver sees running, the lock, the latest release. */
export async function envStatus(ctx: StatusContext, env: string): Promise<EnvStatus> {
  const deployed = await ctx.store.deployed(env);
  const lock = await ctx.store.currentLock(env);
  const release = (await ctx.store.listReleases({ env, limit: 1 }))[0];
  const services = await Promise.all([...deployed.values()].map((d) => serviceStatus(ctx, env, d)));
  const inDoubt = release ? inDoubtSteps(releaseProgress(release.plan, await ctx.store.journal(release.id))) : [];
  const alive = lock ? ctx.isAlive(lock) : undefined;
  const next = nextStep(env, release, lock, alive);
  return {
    env,
    lock: lock ? { ...lock, alive: alive ?? null } : null,
    release: release
      ? { id: release.id, kind: release.kind, status: release.status, summary: release.summary ?? null, startedAt: release.startedAt, inDoubt }
      : null,
    services,
    revisions: revisionsOf(deployed.values()),
    ...(next ? { next } : {}),
  };
}

async function serviceStatus(ctx: StatusContext, env: string, d: DeployedService): Promise<ServiceStatus> {
  let service = ctx.manifest.services.get(d.service);
  let unreadable: string | undefined;
  try {
    service = (await ctx.resolver.at(d.service, d.commit)).service;
  } catch (error) {
    // The driver is still asked, with the service as HEAD defines it; the reason is shown.
    unreadable = error instanceof Error ? error.message : String(error);
  }
  const live = service ? await ctx.driver.inspect(env, service, ctx.fleetRoot) : undefined;
  const drift = live?.running === true && (live.commit !== d.commit || (live.configHash !== undefined && live.configHash !== d.configHash));
  return { ...d, running: live?.running ?? null, ...(live?.pid !== undefined ? { pid: live.pid } : {}), drift, ...(unreadable ? { unreadable } : {}) };
}

/** What to run next: after a tranche that died holding the lock, a pause, or a rollback that did not complete. */
function nextStep(env: string, release: Release | undefined, lock: LockHolder | undefined, alive: boolean | undefined): string | undefined {
  const dead = lock !== undefined && alive === false;
  if (release?.kind === 'adoption' && release.status === 'running' && dead)
    return `tranche died during adoption ${release.id}: run the same tranche adopt again with --break-lock (what it recorded is kept)`;
  if (release?.status === 'running' && dead)
    return `tranche died during release ${release.id}: run tranche resume --env ${env} --break-lock, or tranche rollback --env ${env} --yes --break-lock`;
  if (dead) return `the lock is held by a tranche that is no longer running (pid ${lock.pid}): tranche resume --env ${env} --break-lock clears it`;
  if (release?.status === 'paused') return `release ${release.id} is paused: tranche resume --env ${env}, or tranche rollback --env ${env}`;
  if (release?.status === 'rollback-failed') return `the rollback of ${release.id} did not complete: look at the services, then tranche rollback --env ${env}`;
  return undefined;
}

function revisionsOf(deployed: Iterable<DeployedService>): { commit: string; services: string[] }[] {
  const byCommit = new Map<string, string[]>();
  for (const d of deployed) appendTo(byCommit, d.commit, d.service);
  return [...byCommit].map(([commit, services]) => ({ commit, services }));
}
