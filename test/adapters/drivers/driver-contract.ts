import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../../../src/core/manifest/manifest.js';
import { DriverError, ServiceDownError, type DeployRequest, type Driver, type Liveness, type ServiceVersion } from '../../../src/ports/driver.js';
import { GitRepo } from '../../support/git-repo.js';

/** A driver under test, and how to make it deploy the tiny service of `TinyFleet`. */
export interface DriverUnderTest {
  driver: Driver;
  /** Files the driver needs in the fleet (repo-relative), committed with the tiny service. */
  files?: Record<string, string>;
  /** The driver's part of a service definition that deploys the tiny service. */
  deploys: Pick<Service, 'run' | 'exec'>;
  /** The same, for a deploy that fails. */
  fails: Pick<Service, 'run' | 'exec'>;
  /** Whether deploying what already runs keeps its process (the exec driver runs its command again). */
  keepsProcessOnRedeploy: boolean;
  /**
   * Why the driver cannot tell which process serves a service (its liveness is always `unknown`):
   * the cases of a process that exited and of a port held by another process then do not apply.
   */
  livenessUnknown?: string;
  /** The driver's part of a service that prints two lines, `up` and `fatal: lost the ledger`, and exits with code 3 300 ms after it started. */
  exitsLater?: Pick<Service, 'run' | 'exec'>;
}

/** What the tiny service answers. */
export interface Answer {
  version: string;
  greeting: string;
  pid: number;
}

/**
 * The tiny HTTP service of the driver tests: listens on 127.0.0.1:$PORT, answers its version,
 * $GREETING and its pid (and, on /env, the names of its environment variables), and appends its
 * pid to $PID_LOG first thing, so that tests can kill every instance they started. Loads as CommonJS
 * or as an ES module alike.
 */
export function tinyServer(version: string): string {
  return `// The tiny service of the driver tests.
const VERSION = ${JSON.stringify(version)};
Promise.all([import('node:http'), import('node:fs')]).then(([http, fs]) => {
  if (process.env.PID_LOG) fs.appendFileSync(process.env.PID_LOG, process.pid + '\\n');
  const server = http.createServer((req, res) => {
    const body = req.url === '/env' ? { keys: Object.keys(process.env) } : { version: VERSION, greeting: process.env.GREETING, pid: process.pid };
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(body));
  });
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(VERSION + ' listening'));
  process.on('SIGTERM', () => {
    console.log(VERSION + ' stopping');
    server.close(() => process.exit(0));
  });
});
`;
}

/** A fleet repository holding the tiny service (`services/web`, watching `libs/shared`) at two versions. */
export class TinyFleet {
  readonly repo: GitRepo;
  readonly v1: string;
  readonly v2: string;
  /** Every instance of the tiny service appends its pid here. */
  readonly pidLog: string;
  private readonly scratch: string;

  constructor(files: Record<string, string> = {}) {
    this.repo = new GitRepo({ 'services/web/server.js': tinyServer('v1'), 'libs/shared/banner.txt': 'shared\n', 'README.md': 'fleet\n', ...files });
    this.v1 = this.repo.commit('v1');
    this.v2 = this.repo.write({ 'services/web/server.js': tinyServer('v2') }).commit('v2');
    this.scratch = mkdtempSync(join(tmpdir(), 'tranche-driver-test-'));
    this.pidLog = join(this.scratch, 'pids.log');
  }

  get root(): string {
    return this.repo.dir;
  }

  /** A scratch path outside the repository, removed with the fleet. */
  scratchPath(name: string): string {
    return join(this.scratch, name);
  }

  service(parts: Pick<Service, 'run' | 'exec'>, name = 'web', path = 'services/web'): Service {
    return {
      name,
      path,
      watch: ['libs/shared'],
      depends_on: [],
      uses: [],
      address: new Map(),
      config: { schema: new Map(), sources: [], env: new Map() },
      ...parts,
    };
  }

  /** A config on a free port; `PID_LOG` makes the instance killable in `after`. */
  async config(values: Record<string, string> = {}): Promise<Record<string, string>> {
    return { PORT: String(await freePort()), GREETING: 'hello', PID_LOG: this.pidLog, ...values };
  }

  /** Version 1 or 2 of the service, with this config. */
  version(which: 1 | 2, config: Record<string, string>): ServiceVersion {
    const commit = which === 1 ? this.v1 : this.v2;
    return { commit, contentId: this.repo.git('rev-parse', `${commit}:services/web`), configHash: hashConfig(config) };
  }

  request(
    env: string,
    service: Service,
    target: ServiceVersion,
    config: Record<string, string>,
    more: Partial<DeployRequest> = {},
  ): DeployRequest & { lines: string[] } {
    const lines: string[] = [];
    return { env, service, action: 'deploy', target, config, fleetRoot: this.root, log: (line) => lines.push(line), lines, ...more };
  }

  /** Kills every instance of the tiny service that ever started in this fleet. */
  killAll(): void {
    if (!existsSync(this.pidLog)) return;
    for (const line of readFileSync(this.pidLog, 'utf8').split('\n')) if (line) killPid(Number(line));
  }

  dispose(): void {
    this.killAll();
    this.repo.dispose();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

export function hashConfig(config: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : 1)));
  return `sha256:${createHash('sha256').update(JSON.stringify(sorted)).digest('hex')}`;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One request to the tiny service. */
export function ask<T = Answer>(port: number, path = '/'): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

/** Asks until the service on `port` answers `version` (a service may take a moment to listen). */
export async function waitForAnswer(port: number, version: string, timeoutMs = 10_000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      last = await ask(port);
      if ((last as Answer).version === version) return last as Answer;
    } catch (error) {
      last = error;
    }
    await sleep(50);
  }
  assert.fail(`port ${port} did not answer ${version}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

/** Whether `pid` is a live process (a zombie, exited but not reaped, is not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL to `pid` and its process group, whatever they have become. */
export function killPid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Asks `ask` until its answer satisfies `done` (10 s at most), and returns that answer. */
export async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ask();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`still ${JSON.stringify(value)} after ${timeoutMs}ms`);
    await sleep(25);
  }
}

/** Asserts that `promise` rejects with a DriverError about `service` in `env` whose message matches every pattern. */
export async function assertDriverError(promise: Promise<unknown>, service: string, env: string, ...patterns: RegExp[]): Promise<DriverError> {
  let caught: unknown;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof DriverError, `expected a DriverError, got ${String(caught)}`);
  assert.equal(caught.service, service);
  assert.equal(caught.env, env);
  assert.match(caught.message, new RegExp(`\\b${service}\\b`));
  for (const pattern of patterns) assert.match(caught.message, pattern);
  return caught;
}

/**
 * The behaviour every driver must have, on a real git repository holding the tiny service: run
 * with `node --test` from a driver's test file. Each case uses its own environment and port.
 */
export function driverContract(name: string, setup: () => DriverUnderTest): void {
  const sut = setup();
  const driver = sut.driver;
  describe(`${name} driver contract`, () => {
    let fleet: TinyFleet;
    let web: Service;
    before(() => {
      fleet = new TinyFleet(sut.files);
      web = fleet.service(sut.deploys);
    });
    after(() => fleet?.dispose());

    async function deploy(env: string, which: 1 | 2, config: Record<string, string>, more: Partial<DeployRequest> = {}): Promise<Answer> {
      await driver.deploy(fleet.request(env, web, fleet.version(which, config), config, more));
      return waitForAnswer(Number(config.PORT), `v${which}`);
    }

    async function assertRuns(env: string, which: 1 | 2, config: Record<string, string>, answer: Answer): Promise<void> {
      const state = await driver.inspect(env, web, fleet.root);
      assert.ok(state);
      assert.equal(state.running, true);
      assert.equal(state.commit, which === 1 ? fleet.v1 : fleet.v2);
      assert.equal(state.configHash, hashConfig(config));
      if (state.pid !== undefined) assert.equal(state.pid, answer.pid);
    }

    test('deploys a version that then runs with the config it was given', async () => {
      const config = await fleet.config({ GREETING: 'hello from c1' });
      const answer = await deploy('c1', 1, config);
      assert.deepEqual({ version: answer.version, greeting: answer.greeting }, { version: 'v1', greeting: 'hello from c1' });
      await assertRuns('c1', 1, config, answer);
    });

    test(`deploying the version that already runs again is safe${sut.keepsProcessOnRedeploy ? ' and keeps its process' : ''}`, async () => {
      const config = await fleet.config();
      const first = await deploy('c2', 1, config);
      const second = await deploy('c2', 1, config);
      if (sut.keepsProcessOnRedeploy) assert.equal(second.pid, first.pid);
      await assertRuns('c2', 1, config, second);
    });

    test('deploying a new version replaces the old one', async () => {
      const config = await fleet.config();
      const v1 = await deploy('c3', 1, config);
      const v2 = await deploy('c3', 2, config, { previous: fleet.version(1, config) });
      assert.equal(v2.version, 'v2');
      assert.equal(isRunning(v1.pid), false, 'v1 is gone');
      await assertRuns('c3', 2, config, v2);
    });

    test('rolling back brings the previous version back', async () => {
      const config = await fleet.config();
      await deploy('c4', 1, config);
      const v2 = await deploy('c4', 2, config, { previous: fleet.version(1, config) });
      const back = await deploy('c4', 1, config, { action: 'rollback', previous: fleet.version(2, config) });
      assert.equal(back.version, 'v1');
      assert.equal(isRunning(v2.pid), false, 'v2 is gone');
      await assertRuns('c4', 1, config, back);
    });

    test('after stop the driver reports nothing running, and stopping again is harmless', async () => {
      const config = await fleet.config();
      await deploy('c5', 1, config);
      await driver.stop('c5', web, fleet.root);
      assert.notEqual((await driver.inspect('c5', web, fleet.root))?.running, true);
      assert.notEqual((await driver.liveness('c5', web, fleet.root)).state, 'up');
      await driver.stop('c5', web, fleet.root);
    });

    test('stop ends the service: its process is gone and its port closed', async () => {
      const config = await fleet.config();
      const answer = await deploy('c6', 1, config);
      await driver.stop('c6', web, fleet.root);
      assert.equal(isRunning(answer.pid), false);
      await assert.rejects(ask(Number(config.PORT)), /ECONNREFUSED/);
    });

    test(`liveness: a deployed service ${sut.livenessUnknown ? 'is unknown to this driver' : 'is up, and it is what listens on the port of its address'}`, async () => {
      const config = await fleet.config();
      const address = `http://127.0.0.1:${config.PORT}`;
      const answer = await deploy('l1', 1, config, { address });
      const liveness = await driver.liveness('l1', web, fleet.root, address);
      const expected: Liveness = sut.livenessUnknown ? { state: 'unknown' } : { state: 'up', pid: answer.pid, port: Number(config.PORT) };
      assert.deepEqual(liveness, expected);
    });

    // Which process serves, a driver that runs a command cannot tell: for it these cases do not exist (see livenessUnknown).
    if (!sut.livenessUnknown) {
      test('liveness: a service whose process exited is exited, with its exit code and the last lines of its log', async () => {
        const dying = fleet.service(sut.exitsLater!, 'dying');
        const config = await fleet.config();
        await driver.deploy(fleet.request('l2', dying, fleet.version(1, config), config));
        const seen = await until(
          () => driver.liveness('l2', dying, fleet.root),
          (l) => l.state === 'exited',
        );
        assert.ok(seen.state === 'exited');
        assert.deepEqual(
          { code: seen.code, signal: seen.signal, lastLines: seen.lastLines },
          { code: 3, signal: undefined, lastLines: ['up', 'fatal: lost the ledger'] },
        );
        assert.equal(typeof seen.pid, 'number');
      });

      test('deploying onto a port another process holds fails with port-in-use naming that process, and starts nothing', async () => {
        const config = await fleet.config();
        const holder = createServer();
        await new Promise<void>((resolve) => holder.listen(Number(config.PORT), '127.0.0.1', resolve));
        try {
          const address = `http://127.0.0.1:${config.PORT}`;
          const error = await assertDriverError(
            driver.deploy(fleet.request('l3', web, fleet.version(1, config), config, { address })),
            'web',
            'l3',
            new RegExp(`port ${config.PORT} of web is held by another process: pid ${process.pid}\\b`),
          );
          assert.ok(error instanceof ServiceDownError);
          assert.deepEqual(
            { ...error.down, holderName: undefined },
            { state: 'port-in-use', port: Number(config.PORT), holder: process.pid, holderName: undefined },
          );
          assert.notEqual((await driver.inspect('l3', web, fleet.root))?.running, true);
        } finally {
          await new Promise((resolve) => holder.close(resolve));
        }
      });
    }

    test('a service never deployed is reported as not running, and stopping it does nothing', async () => {
      assert.notEqual((await driver.inspect('c7', web, fleet.root))?.running, true);
      await driver.stop('c7', web, fleet.root);
    });

    test('a deploy that fails is a DriverError naming the service', async () => {
      const broken = fleet.service(sut.fails, 'broken');
      const config = await fleet.config();
      // Its address gives a driver that watches processes a port to wait on: it sees the exit, however long the start takes.
      const address = `http://127.0.0.1:${config.PORT}`;
      await assertDriverError(driver.deploy(fleet.request('c8', broken, fleet.version(1, config), config, { address })), 'broken', 'c8');
      assert.notEqual((await driver.inspect('c8', broken, fleet.root))?.running, true);
    });
  });
}
