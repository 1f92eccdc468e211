import { access, open, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../ports/clock.js';
import { DriverError, ServiceDownError, type DeployRequest, type Driver, type Liveness, type RunningService, type ServiceDown } from '../../ports/driver.js';
import { livenessProblem } from '../../core/checks/liveness.js';
import type { Service } from '../../core/manifest/manifest.js';
import { extractRelease } from './extract-release.js';
import { readLastLines, withLastLines } from './line-tail.js';
import { portListeners } from './port-listeners.js';
import { identifyProcess, isSameProcess, processesUnder, spawnDetached, stopProcessGroup, type ProcessIdentity } from './process-group.js';
import { describeExit, runCommand } from './run-command.js';
import { readJsonFile, runtimeDir, writeJsonAtomic } from './runtime-files.js';
import { servicePort, type ServicePort } from './service-port.js';
import { registerDriver } from './registry.js';

/** What `current.json` records of the process the local driver started. Never a config value: its hash only. */
export interface LocalState extends ProcessIdentity {
  commit: string;
  contentId: string;
  configHash: string;
  startedAt: string;
  logFile: string;
  /** Where this run's output starts in `logFile` (its byte size when the process started). */
  logFrom?: number;
}

/** How a process ended. */
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LocalDriverOptions {
  /**
   * The operator's environment: services get its `PATH` (and nothing else of it), builds and git
   * get all of it.
   */
  env: NodeJS.ProcessEnv;
  /** How long a service has to exit after SIGTERM before it is killed (default 5 s). */
  stopTimeoutMs?: number;
  /**
   * How long a started service with no port of this machine to watch must stay up for its start to
   * count (default 100 ms). A service with one is watched until it listens there or exits instead.
   */
  startCheckMs?: number;
  /** How long a started service is waited for to listen on its port before the gates take over (default 10 s). */
  listenWaitMs?: number;
  clock?: Pick<Clock, 'now'>;
}

const FULL_COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** Written in a release directory once its build succeeded. */
const BUILT_MARKER = '.tranche-built';
/** How many lines of a dead service's log its diagnosis quotes. */
const TAIL_LINES = 20;
/** How long to wait for the exit status of a process seen dead before it was reaped. */
const EXIT_STATUS_WAIT_MS = 1000;
/**
 * How long a listening socket no process can be found holding is given to go away before it is
 * taken for another program's: a process just stopped may still be closing it (its main thread is
 * gone, the last of its threads not yet), and the socket is listed with no holder meanwhile.
 */
const CLOSING_SOCKET_MS = 2000;
const POLL_MS = 20;

/**
 * Runs each service as a local process, detached from tranche so that it outlives it. Every
 * version gets its own release directory, `.tranche/runtime/<env>/<service>/<commit>/`, extracted
 * from git and built once, which a rollback reuses as it is. The service's output goes to
 * `service.log` in that directory; `current.json` beside it says which process runs which version.
 * A service gets exactly its resolved config plus `PATH`, never the operator's environment;
 * builds get the operator's environment and no config, since one build serves every config.
 * `run.command` must stay in the foreground: a command that exits at once (even one that forked a
 * daemon first) is a failed start.
 *
 * Liveness: a service is up while the process it started (or one of its process group, or one it
 * started) is alive and, when its `address` is a port of this machine, holds every socket listening
 * there; on Linux both are read from /proc (`port-listeners.ts`), elsewhere only whether the
 * process is alive. A port another process holds is refused before the start. How a process
 * ended is known for the processes this driver object started (their exit status); for one an
 * earlier run started, only that it is gone.
 */
export class LocalDriver implements Driver {
  readonly name = 'local' as const;
  private readonly env: NodeJS.ProcessEnv;
  private readonly stopTimeoutMs: number;
  private readonly startCheckMs: number;
  private readonly listenWaitMs: number;
  private readonly clock: Pick<Clock, 'now'>;
  /** The exit of every process this driver started, by pid: how a dead service ended. */
  private readonly exits = new Map<number, Promise<Exit>>();

  constructor(options: LocalDriverOptions) {
    this.env = options.env;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.startCheckMs = options.startCheckMs ?? 100;
    this.listenWaitMs = options.listenWaitMs ?? 10_000;
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async deploy(request: DeployRequest): Promise<void> {
    const { service, target } = request;
    await this.wrap(service, request.env, request.action, async () => {
      const command = service.run?.command;
      if (!command?.length) throw new Error('the service has no run.command, which the local driver needs');
      if (!FULL_COMMIT.test(target.commit)) throw new Error(`${JSON.stringify(target.commit)} is not a full commit id`);
      const dir = runtimeDir(request.fleetRoot, request.env, service.name);
      const current = await readState(dir);
      const runs = current !== undefined && (await isSameProcess(current));
      if (runs && current.commit === target.commit && current.configHash === target.configHash) {
        request.log(`${service.name} already runs ${short(target.commit)} with this config (pid ${current.pid})`);
        return;
      }
      const release = join(dir, target.commit);
      await this.prepareRelease(request, release);
      request.signal?.throwIfAborted();
      if (runs) {
        request.log(`stopping ${service.name} ${short(current.commit)} (pid ${current.pid})`);
        await stopProcessGroup(current.pid, this.stopTimeoutMs);
      }
      await this.stopStrays(dir, request.log);
      // What runs of the service is stopped: whatever listens on its port now is another program's.
      const port = servicePort(request.address);
      const taken = await portTaken(port);
      if (taken) throw new ServiceDownError(service.name, request.env, request.action, taken, livenessProblem(service.name, taken, []).headline);
      await this.start(request, command, dir, release, port);
    });
  }

  async prepare(request: DeployRequest): Promise<void> {
    const { service, target } = request;
    await this.wrap(service, request.env, 'prepare', async () => {
      if (!FULL_COMMIT.test(target.commit)) throw new Error(`${JSON.stringify(target.commit)} is not a full commit id`);
      await this.prepareRelease(request, join(runtimeDir(request.fleetRoot, request.env, service.name), target.commit));
    });
  }

  async stop(env: string, service: Service, fleetRoot: string): Promise<void> {
    await this.wrap(service, env, 'stop', async () => {
      const dir = runtimeDir(fleetRoot, env, service.name);
      const current = await readState(dir);
      if (current && (await isSameProcess(current))) await stopProcessGroup(current.pid, this.stopTimeoutMs);
      await this.stopStrays(dir, () => undefined);
      await rm(join(dir, 'current.json'), { force: true });
    });
  }

  async liveness(env: string, service: Service, fleetRoot: string, address?: string): Promise<Liveness> {
    return this.wrap(service, env, 'liveness', async () => {
      const current = await readState(runtimeDir(fleetRoot, env, service.name));
      if (!current) return { state: 'exited', lastLines: [] };
      if (!(await isSameProcess(current))) return this.exited(current);
      const port = servicePort(address);
      const listeners = port && (await portListeners(port, current.pid));
      if (!port || !listeners) return { state: 'up', pid: current.pid };
      if (listeners.foreign) return portInUse(port, listeners.foreign, current.pid);
      return listeners.ours ? { state: 'up', pid: current.pid, port: port.port } : { state: 'not-listening', pid: current.pid, port: port.port };
    });
  }

  async inspect(env: string, service: Service, fleetRoot: string): Promise<RunningService | undefined> {
    return this.wrap(service, env, 'inspect', async () => {
      const dir = runtimeDir(fleetRoot, env, service.name);
      const current = await readState(dir);
      if (current && (await isSameProcess(current))) {
        const { pid, commit, configHash, logFile } = current;
        return { running: true, commit, configHash, pid, logFile };
      }
      // Something runs from a release directory that no record names (tranche died while starting it).
      const stray = (await processesUnder(dir))[0];
      if (stray) return { running: true, pid: stray.pid, commit: relative(dir, stray.cwd).split(sep)[0]! };
      return current ? { running: false, commit: current.commit, configHash: current.configHash, logFile: current.logFile } : { running: false };
    });
  }

  /** Extracts the release directory when it is missing, and builds it unless it was built. */
  private async prepareRelease(request: DeployRequest, release: string): Promise<void> {
    const { service, target, signal } = request;
    if (!(await exists(release))) {
      request.log(`extracting ${service.name} at ${short(target.commit)}`);
      const source = { fleetRoot: request.fleetRoot, env: this.env, commit: target.commit, servicePath: service.path, watch: service.watch };
      await extractRelease(source, release, signal);
    }
    const build = service.run?.build;
    const marker = join(release, BUILT_MARKER);
    if (!build?.length || (await exists(marker))) return;
    const logFile = join(release, 'build.log');
    request.log(`building ${service.name} at ${short(target.commit)}: ${build.join(' ')}`);
    const log = await open(logFile, 'a', 0o600);
    try {
      await log.write(`--- build ${this.clock.now().toISOString()} ---\n`);
      const result = await runCommand(build, { cwd: join(release, service.path), env: this.env, output: log.fd, signal });
      if (result.aborted) throw new Error('aborted during the build');
      if (result.code !== 0) throw new Error(withLastLines(`build \`${build.join(' ')}\` ${describeExit(result)} (output in ${logFile})`, result.lastLines));
    } finally {
      await log.close();
    }
    await writeFile(marker, `${this.clock.now().toISOString()}\n`);
  }

  /** Starts the release, records it, and checks that it did not exit at once. */
  private async start(request: DeployRequest, command: string[], dir: string, release: string, port: ServicePort | undefined): Promise<void> {
    const { service, target } = request;
    const logFile = join(release, 'service.log');
    const stateFile = join(dir, 'current.json');
    const startedAt = this.clock.now().toISOString();
    const path = this.env.PATH;
    const env: Record<string, string> = { ...(path === undefined ? {} : { PATH: path }), ...request.config };
    const log = await open(logFile, 'a', 0o600);
    let child: Awaited<ReturnType<typeof spawnDetached>>;
    let offset: number;
    try {
      await log.write(`--- started ${startedAt} (config ${target.configHash}) ---\n`);
      offset = (await log.stat()).size;
      child = await spawnDetached(command, { cwd: join(release, service.path), env, output: log.fd }).catch((error: Error) => {
        throw new Error(`cannot start \`${command.join(' ')}\`: ${error.message}`, { cause: error });
      });
    } finally {
      await log.close();
    }
    const pid = child.pid!;
    let exit: Exit | undefined;
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal }))));
    this.exits.set(pid, exited);
    const state: LocalState = {
      ...(await identifyProcess(pid, command)),
      commit: target.commit,
      contentId: target.contentId,
      configHash: target.configHash,
      startedAt,
      logFile,
      logFrom: offset,
    };
    await writeJsonAtomic(stateFile, state);
    await this.startSettled(pid, port, exited, request.signal);
    // Stopped at once while waiting: the start is left as it stands (a step in doubt).
    request.signal?.throwIfAborted();
    if (exit || !(await isSameProcess(state))) {
      await rm(stateFile, { force: true });
      const how = exit ? describeExit(exit) : 'is gone';
      const message = `\`${command.join(' ')}\` ${how} right after it started (log: ${logFile})`;
      // A service that dies at once because another process took its port in the meantime: that is the cause.
      const taken = await portTaken(port, pid);
      if (taken)
        throw new ServiceDownError(service.name, request.env, request.action, taken, `${message}: ${livenessProblem(service.name, taken, []).headline}`);
      const down = await this.exited(state);
      throw new ServiceDownError(service.name, request.env, request.action, down, withLastLines(message, down.lastLines));
    }
    request.log(`started ${service.name} ${short(target.commit)} as pid ${pid} (log: ${logFile})`);
  }

  /**
   * Waits until a start has settled one way or the other: the process exited, or — when the
   * service has a port of this machine and the OS tells who listens — it (or another process)
   * listens there; at most `listenWaitMs`, after which the gates judge it. A service with no port
   * to watch is given `startCheckMs` to exit. Events, not a fixed window, wherever there are events
   * to wait for, so that a loaded machine changes nothing but how long this takes. `signal` (a stop
   * at once) ends the wait.
   */
  private async startSettled(pid: number, port: ServicePort | undefined, exited: Promise<Exit>, signal: AbortSignal | undefined): Promise<void> {
    const done = new AbortController();
    signal?.addEventListener('abort', () => done.abort(), { once: true, signal: done.signal });
    const ended = exited.then(() => undefined);
    try {
      const watched = port && (await portListeners(port, pid));
      if (!port || !watched) {
        await Promise.race([ended, delay(this.startCheckMs, undefined, { signal: done.signal }).catch(() => undefined)]);
        return;
      }
      const listening = async () => {
        const deadline = performance.now() + this.listenWaitMs;
        while (!done.signal.aborted && performance.now() < deadline) {
          const seen = await portListeners(port, pid);
          if (!seen || seen.ours || seen.foreign) return;
          await delay(POLL_MS, undefined, { signal: done.signal }).catch(() => undefined);
        }
      };
      await Promise.race([ended, listening()]);
    } finally {
      done.abort();
    }
  }

  /** A dead service: how it ended, when this driver started it, and the end of its log. */
  private async exited(state: LocalState): Promise<Extract<ServiceDown, { state: 'exited' }>> {
    const exit = await this.exitOf(state.pid);
    return {
      state: 'exited',
      pid: state.pid,
      ...(exit?.signal ? { signal: exit.signal } : exit?.code !== null && exit?.code !== undefined ? { code: exit.code } : {}),
      lastLines: await readLastLines(state.logFile, TAIL_LINES, state.logFrom ?? 0),
      logFile: state.logFile,
    };
  }

  /** The exit status of `pid`, if this driver started it; a process seen dead may not be reaped yet, so it waits a moment. */
  private async exitOf(pid: number): Promise<Exit | undefined> {
    const exit = this.exits.get(pid);
    if (!exit) return undefined;
    const timeout = new AbortController();
    try {
      return await Promise.race([exit, delay(EXIT_STATUS_WAIT_MS, undefined, { signal: timeout.signal })]);
    } finally {
      timeout.abort();
    }
  }

  /**
   * Stops every process still running from one of the service's release directories: after the
   * recorded one is stopped, anything left was started by a tranche that died before recording it.
   */
  private async stopStrays(dir: string, log: (line: string) => void): Promise<void> {
    for (const stray of await processesUnder(dir)) {
      log(`stopping pid ${stray.pid}, left running from ${stray.cwd} by an interrupted start`);
      await stopProcessGroup(stray.pid, this.stopTimeoutMs);
    }
  }

  /** Runs `work`, turning whatever it throws into a DriverError for this service. */
  private async wrap<T>(service: Service, env: string, action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DriverError) throw error;
      const message = error instanceof Error && error.name === 'AbortError' ? 'aborted' : error instanceof Error ? error.message : String(error);
      throw new DriverError(service.name, env, action, message, { cause: error });
    }
  }
}

async function readState(dir: string): Promise<LocalState | undefined> {
  const file = join(dir, 'current.json');
  const value = await readJsonFile(file);
  if (value === undefined) return undefined;
  const state = value as Partial<LocalState>;
  const strings = [state.commit, state.contentId, state.configHash, state.startedAt, state.logFile];
  if (typeof state.pid !== 'number' || !Array.isArray(state.command) || strings.some((s) => typeof s !== 'string')) {
    throw new Error(`${file} is not a state file of the local driver; remove it once nothing it started runs`);
  }
  return state as LocalState;
}

/**
 * The port's state when a process that is not the service (`pid`, its group and what it started)
 * listens on it; undefined when none does, there is no port, or the OS does not tell.
 */
async function portTaken(port: ServicePort | undefined, pid?: number): Promise<Extract<ServiceDown, { state: 'port-in-use' }> | undefined> {
  if (!port) return undefined;
  const deadline = performance.now() + CLOSING_SOCKET_MS;
  for (;;) {
    const foreign = (await portListeners(port, pid))?.foreign;
    if (!foreign) return undefined;
    if (foreign.pid !== undefined || performance.now() >= deadline) {
      return portInUse(port, foreign, pid);
    }
    await delay(POLL_MS);
  }
}

/** `port` held by `foreign` (its pid and name where the OS tells them), not by the service's process `pid`. */
function portInUse(port: ServicePort, foreign: { pid?: number; name?: string }, pid?: number): Extract<ServiceDown, { state: 'port-in-use' }> {
  return {
    state: 'port-in-use',
    port: port.port,
    ...(pid !== undefined ? { pid } : {}),
    ...(foreign.pid !== undefined ? { holder: foreign.pid } : {}),
    ...(foreign.name ? { holderName: foreign.name } : {}),
  };
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function short(commit: string): string {
  return commit.slice(0, 12);
}

registerDriver('local', (settings) => new LocalDriver(settings));
