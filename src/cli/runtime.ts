import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { RealCheckRunner } from '../adapters/checks/real-check-runner.js';
import { systemClock } from '../adapters/clock/system-clock.js';
import { driverFactory } from '../adapters/drivers/drivers.js';
import { openStore } from '../adapters/stores/open-store.js';
import { withCleanup, withCleanupError } from '../core/cleanup.js';
import { RedactingStore } from '../adapters/stores/redacting-store.js';
import { Fingerprinter } from '../core/config/fingerprint.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { selectEnv } from '../core/manifest/select.js';
import { loadRevision as loadFleetRevision } from '../engine/load-revision.js';
import type { DriverName, Manifest } from '../core/manifest/manifest.js';
import type { LockHolder } from '../core/state/records.js';
import type { Operator } from '../engine/env-lock.js';
import type { CheckRunner } from '../ports/check-runner.js';
import type { Clock } from '../ports/clock.js';
import type { Driver } from '../ports/driver.js';
import type { Store } from '../ports/store.js';
import type { ParsedArgs } from './command.js';
import type { CliIO } from './io.js';
import { LOCAL_KEY_FILE, localKey, newFingerprintKey, readLocalKey } from './fingerprint-key.js';
import { withFleet, type Fleet } from './open-fleet.js';

const driverName = (manifest: Manifest, env: string): DriverName => manifest.environments.find((e) => e.name === env)?.driver ?? 'local';

/** A new driver of the kind `env` names (the local driver by default), made with the operator's environment. */
export function environmentDriver(manifest: Manifest, env: string, processEnv: NodeJS.ProcessEnv): Driver {
  const name = driverName(manifest, env);
  const factory = driverFactory(name);
  if (!factory) throw new InputError(`environment ${env} uses the ${name} driver, which this version of tranche does not have yet`);
  return factory({ env: processEnv });
}

/** The adapters a stateful command works with, wired from the operator's settings. */
export interface Runtime {
  /** The store, clearing every secret met so far out of what it records. */
  store: Store;
  /** Fingerprints keyed by the store's key. */
  fingerprints: Fingerprinter;
  checks: CheckRunner;
  clock: Clock;
  who: Operator;
  driverFor(manifest: Manifest, env: string): Driver;
  /** Whether a lock holder's process runs; undefined when it is on another host. */
  isAlive(holder: LockHolder): boolean | undefined;
}

/** The store `--state` or TRANCHE_STATE names (SQLite in `.tranche/state.db` by default). */
function storeSpec(args: ParsedArgs, io: CliIO): string | undefined {
  return (args.values.state as string | undefined) ?? io.env.TRANCHE_STATE;
}

/**
 * Whether there is recorded state to read, without creating any: commands without side effects
 * (check, plan, status) must not leave a state file behind in a fleet that has none.
 */
export function hasState(fleet: Fleet, args: ParsedArgs, io: CliIO): boolean {
  return storeSpec(args, io) !== undefined || existsSync(join(fleet.root, '.tranche', 'state.db'));
}

/**
 * How a command uses the store: `read` never creates one (it must exist already); `write` creates
 * the default SQLite store on first use.
 */
export type StoreAccess = 'read' | 'write';

/** Opens the runtime for the length of `use`, and always closes the store (a failure to close never hides one of `use`). */
export async function withRuntime<T>(
  fleet: Fleet,
  args: ParsedArgs,
  io: CliIO,
  use: (runtime: Runtime) => Promise<T>,
  access: StoreAccess = 'write',
): Promise<T> {
  const runtime = await openRuntime(fleet, args, io, access);
  return withCleanup(
    () => use(runtime),
    () => runtime.store.close(),
  );
}

/** The same for a command that only reads the store: it never creates one. */
export function withReadRuntime<T>(fleet: Fleet, args: ParsedArgs, io: CliIO, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  return withRuntime(fleet, args, io, use, 'read');
}

/**
 * Opens the runtime only when first asked for, so that input can be checked first: a command that
 * exits 2 must not have created a state store. `close` closes it if it was opened.
 */
export function lazyRuntime(fleet: Fleet, args: ParsedArgs, io: CliIO, access: StoreAccess = 'write'): { get(): Promise<Runtime>; close(): Promise<void> } {
  let opened: Promise<Runtime> | undefined;
  return {
    get: () => (opened ??= openRuntime(fleet, args, io, access)),
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.store.close();
    },
  };
}

async function openRuntime(fleet: Fleet, args: ParsedArgs, io: CliIO, access: StoreAccess): Promise<Runtime> {
  const store = new RedactingStore(await openStore(storeSpec(args, io), fleet.root, { create: access === 'write' }), io.secrets);
  let fingerprints: Fingerprinter;
  try {
    fingerprints = new Fingerprinter(await store.fingerprintKey(proposedKey(fleet.root)), io.secrets);
  } catch (error) {
    await store.close().catch((closing: unknown) => {
      throw withCleanupError(error, closing);
    });
    throw error;
  }
  const host = hostname();
  const drivers = new Map<DriverName, Driver>();
  const runtime: Runtime = {
    store,
    fingerprints,
    checks: new RealCheckRunner({ commandEnv: { PATH: io.env.PATH ?? '' } }),
    clock: systemClock,
    who: { user: safeUser(io), host, pid: process.pid },
    driverFor(manifest, env) {
      const name = driverName(manifest, env);
      let driver = drivers.get(name);
      if (!driver) {
        driver = environmentDriver(manifest, env, io.env);
        drivers.set(name, driver);
      }
      return driver;
    },
    isAlive(holder) {
      if (holder.host !== host) return undefined;
      try {
        process.kill(holder.pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
  return runtime;
}

/**
 * The key a store that has none yet takes: the fleet's local key when it has one (fingerprints
 * already shown with it stay valid), else a new one. A local key that cannot be read is not used.
 */
function proposedKey(fleetRoot: string): string {
  try {
    return readLocalKey(fleetRoot) ?? newFingerprintKey();
  } catch {
    return newFingerprintKey();
  }
}

/** Fingerprints keyed by the fleet's local key (made when it has none), for a fleet with no state store. */
function localFingerprints(fleet: Fleet, io: CliIO): Fingerprinter {
  return new Fingerprinter(localKey(fleet.root), io.secrets);
}

/**
 * The fingerprints of a command that opens no store (config, drift): the configured store's key
 * when there is a store (an existing SQLite file, a Postgres that answers), else the fleet's
 * local key. A store that cannot be opened is said, and the local key is used.
 */
export async function fingerprintsFor(fleet: Fleet, args: ParsedArgs, io: CliIO): Promise<Fingerprinter> {
  if (hasState(fleet, args, io)) {
    try {
      return await withReadRuntime(fleet, args, io, async (runtime) => runtime.fingerprints);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      io.stderr.write(
        `note: fingerprints are keyed by ${LOCAL_KEY_FILE}, not by the state store, which cannot be read (${why}): they do not compare with what it records\n`,
      );
    }
  }
  return localFingerprints(fleet, io);
}

/** Where a release's recorded state and its fingerprints come from: a store opened when first asked, or the fleet's local key. */
export interface ReleaseState {
  /** Absent when no state store is configured. */
  store?: () => Promise<Store>;
  fingerprints: () => Promise<Fingerprinter>;
}

/** The release state of a lazily opened runtime, or of none (the local key). */
export function releaseState(fleet: Fleet, io: CliIO, lazy: { get(): Promise<Runtime> } | undefined): ReleaseState {
  if (!lazy) return { fingerprints: async () => localFingerprints(fleet, io) };
  return { store: async () => (await lazy.get()).store, fingerprints: async () => (await lazy.get()).fingerprints };
}

function safeUser(io: CliIO): string {
  try {
    return userInfo().username;
  } catch {
    return io.env.USER ?? 'unknown';
  }
}

/** What a command acting on one environment's recorded state works with. */
export interface EnvScope {
  fleet: Fleet;
  runtime: Runtime;
  /** The fleet at HEAD: the environments and services that exist now. */
  head: FleetRevision;
  env: string;
}

/** Opens the fleet and the runtime, reads HEAD and checks `--env` against it, for the length of `use`. */
export function withEnvScope<T>(args: ParsedArgs, io: CliIO, use: (scope: EnvScope) => Promise<T>): Promise<T> {
  return withFleet(args, io, (fleet) =>
    withRuntime(fleet, args, io, async (runtime) => {
      const head = await loadFleetRevision(fleet.git, fleet.cache, 'HEAD');
      const env = selectEnv(head.manifest, args.values.env as string | undefined);
      return use({ fleet, runtime, head, env });
    }),
  );
}
