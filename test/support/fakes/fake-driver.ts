import type { Liveness } from '../../../src/core/checks/liveness.js';
import type { Service } from '../../../src/core/manifest/manifest.js';
import type { Clock } from '../../../src/ports/clock.js';
import { DriverError, ServiceDownError, type DeployRequest, type Driver, type RunningService } from '../../../src/ports/driver.js';

/** How one service behaves when deployed, as a test scripts it. */
export type Behaviour =
  /** Starts and stays up (the default). */
  | { kind: 'starts' }
  /** The deploy fails: the driver's error, or a process that exits right after it started (`check/exited`). */
  | { kind: 'fails'; message?: string; exits?: { code: number; lastLines: string[] } }
  /** Starts, then its process exits: once the test calls `crash`, or `afterMs` after the start on the driver's clock. */
  | { kind: 'crashes'; afterMs?: number; code?: number; lastLines?: string[] }
  /** The deploy waits until the test calls `finishStart` (an event, not a timer); `untilStarting` tells the test it waits. */
  | { kind: 'slow' }
  /** Another process holds the service's port: the deploy fails and starts nothing (`check/port-in-use`). */
  | { kind: 'port-held'; holder: number; holderName?: string };

/** Which deploys a behaviour applies to: a service, and optionally one commit or one action. */
export interface Match {
  service: string;
  commit?: string;
  action?: DeployRequest['action'];
}

/** One call the driver took, in order. */
export interface DriverCall {
  op: 'deploy' | 'prepare' | 'stop' | 'inspect' | 'liveness';
  env: string;
  service: string;
  action?: DeployRequest['action'];
  commit?: string;
}

/** What runs of one service in one environment, in the fake world. */
export interface FakeProcess {
  commit: string;
  contentId: string;
  configHash: string;
  pid: number;
  /** When it started, on the driver's clock (monotonic). */
  startedAt: number;
  exited?: { code: number; lastLines: string[] };
  /** When it will exit by itself (monotonic), if its behaviour says so. */
  exitsAt?: { at: number; code: number; lastLines: string[] };
}

/**
 * The Driver port without processes, for the engine suite: each service does what the test
 * scripted (`script`), deploys are idempotent (what already runs with that config is left as it
 * is), and every call is recorded in order (`calls`). Liveness is what the fake world says: up,
 * exited (with its code and last lines), or the port another process holds. `world` and
 * `FakeDriver.restore` copy what runs, to simulate a crash of tranche (not of the services).
 */
export class FakeDriver implements Driver {
  readonly name = 'local' as const;
  readonly calls: DriverCall[] = [];
  private readonly scripts: { match: Match; behaviour: Behaviour }[] = [];
  private readonly running = new Map<string, FakeProcess>();
  private readonly starting = new Map<string, () => void>();
  private readonly startWaiters = new Map<string, (() => void)[]>();
  private nextPid = 1000;

  constructor(private readonly clock?: Pick<Clock, 'monotonic'>) {}

  /** What `match` does when deployed from now on (the latest script that matches wins). */
  script(match: Match | string, behaviour: Behaviour): this {
    this.scripts.push({ match: typeof match === 'string' ? { service: match } : match, behaviour });
    return this;
  }

  async deploy(request: DeployRequest): Promise<void> {
    const { env, service, action, target } = request;
    this.calls.push({ op: 'deploy', env, service: service.name, action, commit: target.commit });
    const behaviour = this.behaviour(service.name, target.commit, action);
    const key = keyOf(env, service.name);
    const current = this.running.get(key);
    if (behaviour.kind === 'port-held') {
      const down = {
        state: 'port-in-use' as const,
        port: portOf(request.address) ?? 0,
        holder: behaviour.holder,
        ...(behaviour.holderName ? { holderName: behaviour.holderName } : {}),
      };
      throw new ServiceDownError(
        service.name,
        env,
        action,
        down,
        `port ${down.port} of ${service.name} is held by another process: pid ${behaviour.holder}, so ${service.name} was not started`,
      );
    }
    if (current && !this.exitedNow(current) && current.commit === target.commit && current.configHash === target.configHash) {
      request.log(`${service.name} already runs ${target.commit.slice(0, 7)} with this config`);
      return;
    }
    if (behaviour.kind === 'slow') await this.slowStart(key, request.signal);
    if (behaviour.kind === 'fails') {
      if (!behaviour.exits) throw new DriverError(service.name, env, action, behaviour.message ?? 'the fake driver was told to fail');
      this.running.delete(key);
      const pid = this.nextPid++;
      const down = { state: 'exited' as const, pid, code: behaviour.exits.code, lastLines: behaviour.exits.lastLines };
      throw new ServiceDownError(service.name, env, action, down, `the service exited with code ${behaviour.exits.code} right after it started`);
    }
    const now = this.clock?.monotonic() ?? 0;
    this.running.set(key, {
      commit: target.commit,
      contentId: target.contentId,
      configHash: target.configHash,
      pid: this.nextPid++,
      startedAt: now,
      ...(behaviour.kind === 'crashes' && behaviour.afterMs !== undefined
        ? { exitsAt: { at: now + behaviour.afterMs, code: behaviour.code ?? 1, lastLines: behaviour.lastLines ?? [] } }
        : {}),
    });
  }

  async prepare(request: DeployRequest): Promise<void> {
    this.calls.push({ op: 'prepare', env: request.env, service: request.service.name, action: request.action, commit: request.target.commit });
  }

  async stop(env: string, service: Service): Promise<void> {
    this.calls.push({ op: 'stop', env, service: service.name });
    this.running.delete(keyOf(env, service.name));
  }

  async inspect(env: string, service: Service): Promise<RunningService | undefined> {
    this.calls.push({ op: 'inspect', env, service: service.name });
    const current = this.running.get(keyOf(env, service.name));
    if (!current) return { running: false };
    const base = { commit: current.commit, configHash: current.configHash };
    return this.exitedNow(current) ? { running: false, ...base } : { running: true, ...base, pid: current.pid };
  }

  async liveness(env: string, service: Service, _fleetRoot: string, address?: string): Promise<Liveness> {
    this.calls.push({ op: 'liveness', env, service: service.name });
    const current = this.running.get(keyOf(env, service.name));
    if (!current) return { state: 'exited', lastLines: [] };
    const exited = this.exitedNow(current);
    if (exited) return { state: 'exited', pid: current.pid, code: exited.code, lastLines: exited.lastLines };
    const port = portOf(address);
    return port === undefined ? { state: 'up', pid: current.pid } : { state: 'up', pid: current.pid, port };
  }

  /** Makes the process of `service` exit now, as a crash would. */
  crash(env: string, service: string, code = 1, lastLines: string[] = []): void {
    const current = this.running.get(keyOf(env, service));
    if (!current) throw new Error(`${service} does not run in ${env}`);
    current.exited = { code, lastLines };
  }

  /** Resolves once a slow start of `service` waits for `finishStart`. */
  untilStarting(env: string, service: string): Promise<void> {
    const key = keyOf(env, service);
    if (this.starting.has(key)) return Promise.resolve();
    return new Promise((resolve) => this.startWaiters.set(key, [...(this.startWaiters.get(key) ?? []), resolve]));
  }

  /** Lets the slow start of `service` finish. */
  finishStart(env: string, service: string): void {
    const start = this.starting.get(keyOf(env, service));
    if (!start) throw new Error(`no start of ${service} in ${env} is waiting`);
    start();
  }

  /** What runs, by environment and service: a copy. */
  world(): Map<string, FakeProcess> {
    return new Map([...this.running].map(([key, p]) => [key, structuredClone(p)]));
  }

  /** A driver whose world is `world` (what a crash of tranche leaves running), with no calls recorded. */
  static restore(world: Map<string, FakeProcess>, clock?: Pick<Clock, 'monotonic'>): FakeDriver {
    const driver = new FakeDriver(clock);
    for (const [key, p] of world) driver.running.set(key, structuredClone(p));
    driver.nextPid = Math.max(1000, ...[...world.values()].map((p) => p.pid + 1));
    return driver;
  }

  /** Which commit runs (and is up) for each service of `env`. */
  versions(env: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, p] of [...this.running].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [e, service] = key.split('\u0000') as [string, string];
      if (e === env && !this.exitedNow(p)) out[service] = p.commit;
    }
    return out;
  }

  /** The deploys taken, as `service@commit` (`↩` for a rollback), in order. */
  deploys(): string[] {
    return this.calls.filter((c) => c.op === 'deploy').map((c) => `${c.action === 'rollback' ? '↩' : ''}${c.service}@${c.commit}`);
  }

  private behaviour(service: string, commit: string, action: DeployRequest['action']): Behaviour {
    const found = this.scripts.findLast(
      ({ match }) =>
        match.service === service && (match.commit === undefined || match.commit === commit) && (match.action === undefined || match.action === action),
    );
    return found?.behaviour ?? { kind: 'starts' };
  }

  private exitedNow(p: FakeProcess): { code: number; lastLines: string[] } | undefined {
    if (p.exited) return p.exited;
    if (p.exitsAt && this.clock && this.clock.monotonic() >= p.exitsAt.at) return (p.exited = { code: p.exitsAt.code, lastLines: p.exitsAt.lastLines });
    return undefined;
  }

  private slowStart(key: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.starting.delete(key);
        signal?.removeEventListener('abort', aborted);
      };
      const aborted = () => {
        done();
        reject(new DriverError(key.split('\u0000')[1]!, key.split('\u0000')[0]!, 'deploy', 'aborted'));
      };
      this.starting.set(key, () => {
        done();
        resolve();
      });
      signal?.addEventListener('abort', aborted, { once: true });
      for (const wake of this.startWaiters.get(key) ?? []) wake();
      this.startWaiters.delete(key);
    });
  }
}

const keyOf = (env: string, service: string) => `${env}\u0000${service}`;

function portOf(address: string | undefined): number | undefined {
  if (address === undefined) return undefined;
  const port = Number(new URL(address).port);
  return port > 0 ? port : undefined;
}
