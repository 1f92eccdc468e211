import type { ChangeManifest, ServiceChanges } from '../../src/core/changes/change-manifest.js';
import type { ContractEdge } from '../../src/core/contracts/contract-edges.js';
import type { FleetRevision } from '../../src/core/fleet-revision.js';
import { buildPlan } from '../../src/core/plan/build-plan.js';
import type { Plan } from '../../src/core/plan/plan.js';
import type { Release } from '../../src/core/state/records.js';
import { applyRelease, type ApplyContext } from '../../src/engine/apply-release.js';
import { ParseMemo } from '../../src/engine/gather.js';
import { resolveService, ServiceResolver, type ResolvedService } from '../../src/engine/resolve-service.js';
import { Rollout, type RolloutDeps, type RolloutOutcome } from '../../src/engine/rollout.js';
import { fenceStore, type FencedStore } from '../../src/engine/fenced-store.js';
import type { RolloutEvent } from '../../src/engine/rollout-events.js';
import type { Git } from '../../src/ports/git.js';
import { FakeCheckRunner } from './fakes/fake-check-runner.js';
import { FakeDriver, type FakeProcess } from './fakes/fake-driver.js';
import { ManualClock, runOnClock } from './fakes/manual-clock.js';
import { MemoryStore, type StoreWrite } from './fakes/memory-store.js';
import { revision } from './fleet-builder.js';
import { testFingerprints } from './fingerprints.js';
import { holdLock } from './held-store.js';
import { emptyPlan } from '../core/plan/plan-fixture.js';

// Everything the engine suite builds a rollout from, in one place: the fleet, its two revisions,
// the plan (made by the real planner), the fakes and the engine's dependencies. When the engine's
// API changes, this file adapts and the tests stay as they are.

export const ENV = 'prod';
export const FLEET_ROOT = '/fleet';
/** The commit every service runs before the release, and the release's target. */
export const V1 = '1'.repeat(40);
export const V2 = '2'.repeat(40);

/** What a release does to one service. */
export type Change = 'code' | 'config' | 'code+config' | 'new' | 'none';

export interface ServiceSpec {
  name: string;
  change?: Change;
  dependsOn?: string[];
  /** Without a health check, the process alone says when it is up. */
  health?: boolean;
  /** Sanity checks, by name (default: one, `<name> works`). */
  sanity?: string[];
  contracts?: object;
}

export interface FleetSpec {
  services: ServiceSpec[];
  batchSize?: number;
  bake?: string;
  onFailure?: Plan['policy']['on_failure'];
  separateConfig?: boolean;
  /** Consumer → provider edges whose contract changes. */
  contracts?: ContractEdge[];
}

/** Revisions already read, by spec: they are plain data nothing changes, and reading them is most of an engine's making. */
const read = new Map<string, { v1: FleetRevision; v2: FleetRevision }>();

/** The fleet of `spec` at V1 (what runs) and V2 (the target), in memory. */
export function fleetRevisions(spec: FleetSpec): { v1: FleetRevision; v2: FleetRevision } {
  const key = JSON.stringify(spec);
  const known = read.get(key);
  if (known) return known;
  const made = readRevisions(spec);
  read.set(key, made);
  return made;
}

function readRevisions(spec: FleetSpec): { v1: FleetRevision; v2: FleetRevision } {
  const at = (which: 1 | 2): FleetRevision => {
    const services: Record<string, object> = {};
    spec.services.forEach((s, i) => {
      if (which === 1 && changeOf(s) === 'new') return;
      const configChanges = which === 2 && ['config', 'code+config', 'new'].includes(changeOf(s));
      services[s.name] = {
        path: `services/${s.name}`,
        depends_on: s.dependsOn ?? [],
        address: { [ENV]: `http://127.0.0.1:${7000 + i}` },
        config: { schema: { GREETING: { type: 'string', default: configChanges ? 'hello v2' : 'hello v1' } } },
        checks: {
          ...(s.health === false ? {} : { health: { http: { path: '/health' } } }),
          sanity: (s.sanity ?? [`${s.name} works`]).map((name) => ({ name, http: { path: '/work' } })),
        },
        ...(s.contracts ? { contracts: s.contracts } : {}),
      };
    });
    const fleet = revision({
      version: 1,
      name: 'shop',
      environments: { [ENV]: { driver: 'local' } },
      policy: {
        batch_size: spec.batchSize ?? 1,
        separate_config: spec.separateConfig ?? true,
        bake: spec.bake ?? '0s',
        on_failure: spec.onFailure ?? 'rollback-batch',
      },
      services,
    });
    const codeChanges = (s: ServiceSpec) => which === 2 && ['code', 'code+config', 'new'].includes(changeOf(s));
    const contents = new Map(spec.services.map((s) => [s.name, `${s.name}-tree-${codeChanges(s) ? 2 : 1}`]));
    return { ...fleet, commit: which === 1 ? V1 : V2, label: which === 1 ? 'v1' : 'v2', contents };
  };
  return { v1: at(1), v2: at(2) };
}

const changeOf = (s: ServiceSpec): Change => s.change ?? 'code';

/** A Git port the suite never reaches: every revision it needs is remembered by the resolver. */
const NO_GIT = new Proxy({}, { get: (_, name) => () => Promise.reject(new Error(`the engine suite reads no git (${String(name)})`)) }) as Git;

export interface Engine {
  spec: FleetSpec;
  clock: ManualClock;
  /** The store and driver the engine runs on: `crashed` replaces both. */
  store: MemoryStore;
  driver: FakeDriver;
  checks: FakeCheckRunner;
  resolver: ServiceResolver;
  events: RolloutEvent[];
  plan: Plan;
  targets: Map<string, ResolvedService>;
  v1: FleetRevision;
  v2: FleetRevision;
  /** Applies the plan as `tranche apply` does (lock, pre-flight, rollout), time driven by the ManualClock. */
  apply(): Promise<RolloutOutcome>;
  /** The same, with whatever `applyRelease` answers (a refusal too); `saved` as the approved plan of `apply PLAN`. */
  attempt(saved?: Plan): ReturnType<typeof applyRelease>;
  /** Resumes the environment's latest release as `tranche resume --break-lock` does. */
  resume(): Promise<RolloutOutcome>;
  /** Rolls the environment's latest release back as `tranche rollback` does. */
  rollback(reason?: string): Promise<RolloutOutcome>;
  /**
   * Goes on from a crash of tranche: the store as `writes` leave it, the services as `world` has
   * them (they outlive tranche), the lock still held by the dead process.
   */
  crashed(writes: readonly StoreWrite[], world: Map<string, FakeProcess>): Promise<void>;
  /** The latest release of the environment. */
  latest(): Promise<Release>;
  /** Service → deployed commit, as the store records it. */
  recorded(): Promise<Record<string, string>>;
}

/**
 * A fleet where every service runs V1 (recorded in the store by an adoption, running in the
 * FakeDriver), and the plan of moving it to V2. Checks pass while the service's process is up in
 * the FakeDriver, unless scripted otherwise.
 */
export async function engineFor(spec: FleetSpec): Promise<Engine> {
  const clock = new ManualClock();
  const { v1, v2 } = fleetRevisions(spec);
  const resolver = new ServiceResolver(NO_GIT, new ParseMemo(), ENV, testFingerprints);
  resolver.remember(v1);
  resolver.remember(v2);
  const who = { user: 'tester', host: 'suite', pid: 4242 };
  const world = () => ({
    driver: e.driver,
    checks: e.checks,
    clock,
    fleetRoot: FLEET_ROOT,
    env: ENV,
    who,
    resolver,
    emit: (ev: RolloutEvent) => e.events.push(ev),
    healthTimeoutMs: 1_000,
  });
  const deps = (store: FencedStore): RolloutDeps => ({ ...world(), store });
  const context = (): ApplyContext => ({ ...world(), store: e.store, isAlive: () => false, breakLock: true });
  // As the CLI does: under the environment's lock (a dead holder's broken), then the rollout.
  const underLock = async <T>(work: (release: Release, store: FencedStore) => Promise<T>): Promise<T> => {
    await e.store.breakLock(ENV);
    const token = `suite-${Math.random()}`;
    await e.store.acquireLock({ env: ENV, token, ...who });
    try {
      return await work(await e.latest(), fenceStore(e.store, { env: ENV, token }));
    } finally {
      await e.store.releaseLock(ENV, token);
    }
  };

  const e: Engine = {
    spec,
    clock,
    resolver,
    v1,
    v2,
    store: new MemoryStore(clock),
    driver: new FakeDriver(clock),
    checks: new FakeCheckRunner((service) => e.driver.versions(ENV)[service] !== undefined),
    events: [],
    plan: planOf(spec, v1, v2),
    targets: new Map([...v2.manifest.services.keys()].map((name) => [name, resolveService(v2, name, ENV, testFingerprints)])),
    attempt: (saved) => runOnClock(clock, applyRelease(e.plan, e.targets, context(), saved)),
    apply: async () => {
      const outcome = await e.attempt();
      if (!('status' in outcome)) throw new Error(`the apply did not start: ${JSON.stringify(outcome)}`);
      return outcome;
    },
    resume: () =>
      runOnClock(
        clock,
        underLock((release, store) => new Rollout(deps(store)).resume(release)),
      ),
    rollback: (reason = 'rolled back on request') =>
      runOnClock(
        clock,
        underLock((release, store) => new Rollout(deps(store)).rollback(release, reason)),
      ),
    crashed: async (writes, world) => {
      e.store = await MemoryStore.replay(writes, clock);
      e.driver = FakeDriver.restore(world, clock);
    },
    latest: async () => (await e.store.listReleases({ env: ENV, limit: 1 }))[0]!,
    recorded: async () => Object.fromEntries([...(await e.store.deployed(ENV))].map(([name, d]) => [name, d.commit])),
  };
  await seed(e.store, e.driver, v1);
  return e;
}

/** Records V1 of every service as deployed (an adoption) and starts it in the driver, then forgets those calls. */
async function seed(memory: MemoryStore, driver: FakeDriver, v1: FleetRevision): Promise<void> {
  const at = '2026-11-30T10:00:00.000Z';
  const { fence, fenced: store } = await holdLock(memory, ENV);
  await store.createRelease({
    id: 'seed',
    kind: 'adoption',
    env: ENV,
    status: 'succeeded',
    toCommit: V1,
    by: { user: 'seed', host: 'suite', pid: 1 },
    startedAt: at,
    finishedAt: at,
    plan: emptyPlan({ env: ENV }),
  });
  for (const name of v1.manifest.services.keys()) {
    const s = resolveService(v1, name, ENV, testFingerprints);
    await store.completeStep({ releaseId: 'seed', at, batch: 0, service: name, kind: 'adopt', event: 'succeeded' }, name, {
      env: ENV,
      service: name,
      ...s.version,
      config: s.shown,
      releaseId: 'seed',
      deployedAt: at,
    });
    await driver.deploy({
      env: ENV,
      service: s.service,
      action: 'deploy',
      target: s.version,
      config: s.environment,
      fleetRoot: FLEET_ROOT,
      log: () => undefined,
    });
  }
  await memory.releaseLock(ENV, fence.token);
  driver.calls.length = 0;
}

/** The plan of moving the fleet from V1 to V2, by the real planner. */
function planOf(spec: FleetSpec, v1: FleetRevision, v2: FleetRevision): Plan {
  const state = (rev: FleetRevision, name: string) => {
    const s = resolveService(rev, name, ENV, testFingerprints);
    return { version: s.version, shown: s.shown };
  };
  const deployed = new Map([...v1.manifest.services.keys()].map((name) => [name, state(v1, name)]));
  const targets = new Map([...v2.manifest.services.keys()].map((name) => [name, state(v2, name)]));
  const services = spec.services.flatMap((s): ServiceChanges[] => {
    const change = changeOf(s);
    if (change === 'none') return [];
    const kinds: ServiceChanges['kinds'] = change === 'new' || change === 'code+config' ? ['code', 'config'] : [change];
    return [{ service: s.name, ...(change === 'new' ? {} : { from: { commit: V1, label: 'v1' } }), kinds, files: [], commits: [], configKeys: [], deps: [] }];
  });
  const changes: ChangeManifest = { env: ENV, from: { commit: V1, label: 'v1' }, to: { commit: V2, label: 'v2' }, services, unowned: [] };
  return buildPlan({
    env: ENV,
    manifest: v2.manifest,
    to: { commit: V2, label: 'v2' },
    targets,
    deployed,
    findings: [],
    changes,
    ...(spec.contracts ? { contracts: spec.contracts } : {}),
    createdAt: '2026-12-01T09:59:00.000Z',
  });
}

/** Waits, turn by turn (no timer), until `condition` holds: for a state the engine reaches as the clock runs. */
export async function until(condition: () => boolean, what = 'the condition'): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 100_000) throw new Error(`${what} never came`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The outcome of `work`, or what it threw. */
export function settle<T>(work: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
