import type { Liveness, ServiceDown } from '../core/checks/liveness.js';
import type { DriverName, Service } from '../core/manifest/manifest.js';

export type { Liveness, ServiceDown };

/** One version of one service: the fleet commit, the content of its paths, the config it runs with. */
export interface ServiceVersion {
  commit: string;
  /** Content id of the service's paths at `commit` (git tree ids), the same for commits that leave them untouched. */
  contentId: string;
  /** Hash of the resolved config, secrets included (never in clear). */
  configHash: string;
}

/** What a driver is asked to do for one step. */
export interface DeployRequest {
  env: string;
  service: Service;
  /** `rollback` when restoring a previous version; drivers may treat both the same. */
  action: 'deploy' | 'rollback';
  target: ServiceVersion;
  /** What ran before, when anything did. */
  previous?: ServiceVersion;
  /**
   * Exactly the environment the service gets: every resolved key as text, secrets in clear.
   * Held in memory only; a driver that must write it (exec's config file) writes it 0600.
   */
  config: Record<string, string>;
  /**
   * The secret values among `config`: a driver keeps them out of what it reports (log lines,
   * errors), before it cuts a line short, so that no part of one is left either.
   */
  secrets?: readonly string[];
  /** The fleet repository (its git top level). */
  fleetRoot: string;
  /**
   * The service's base URL in this environment (its `address`), when the manifest gives one: a
   * driver that knows processes refuses to start the service on a port another process holds.
   */
  address?: string;
  /** Progress lines for the operator (never secret values). */
  log(line: string): void;
  signal?: AbortSignal;
}

/** What a driver reports of a service in an environment. */
export interface RunningService {
  running: boolean;
  commit?: string;
  configHash?: string;
  pid?: number;
  /** Where its output goes, when the driver keeps it (the local driver's log file). */
  logFile?: string;
}

/**
 * Deploys services to one kind of target (local processes, an exec command, Kubernetes). Every
 * implementation passes `test/adapters/drivers/driver-contract.ts`.
 */
export interface Driver {
  readonly name: DriverName;
  /**
   * Makes `service` run `target` with `config`. Idempotent: asking again for what already runs is
   * safe, so a step left in doubt by a crash can simply be run again. Throws `DriverError`.
   */
  deploy(request: DeployRequest): Promise<void>;
  /**
   * Gets `target` ready to start without touching what runs (extract, build), so that a batch
   * only has to restart services. Optional; `deploy` prepares whatever is not ready.
   */
  prepare?(request: DeployRequest): Promise<void>;
  /** Stops the service in `env` (nothing to do when nothing runs). */
  stop(env: string, service: Service, fleetRoot: string): Promise<void>;
  /** What runs now as far as the driver can tell; undefined when it cannot tell. */
  inspect(env: string, service: Service, fleetRoot: string): Promise<RunningService | undefined>;
  /**
   * Whether the process the driver started for `service` is alive and, when `address` names a
   * port of this machine, the one listening on it; `unknown` from a driver that cannot tell. The
   * gates ask it as they run: a batch passes only while its services are up. Log lines it returns
   * are as the service wrote them (secrets included): the caller redacts them.
   */
  liveness(env: string, service: Service, fleetRoot: string, address?: string): Promise<Liveness>;
}

/** A driver failed: which service, in which environment, doing what, and why. */
export class DriverError extends Error {
  constructor(
    readonly service: string,
    readonly env: string,
    readonly action: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${action} of ${service} in ${env} failed: ${message}`, options);
    this.name = 'DriverError';
  }
}

/**
 * A deploy failed because the service cannot be the one serving its port: its process exited
 * right after it started, or another process holds the port (then it was not started).
 */
export class ServiceDownError extends DriverError {
  constructor(
    service: string,
    env: string,
    action: string,
    readonly down: ServiceDown,
    message: string,
  ) {
    super(service, env, action, message);
    this.name = 'ServiceDownError';
  }
}
