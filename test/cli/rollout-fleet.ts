import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { manifestYaml } from '../support/fleet-builder.js';
import { GitRepo } from '../support/git-repo.js';
import { BIN } from '../support/paths.js';
import { runCli, type CliResult } from '../support/run-cli.js';

/**
 * Fleets of tiny real HTTP services for the end-to-end rollout tests: a git repository whose
 * services are node processes the local driver starts, each answering `/health` and `/work`.
 */

export type OnFailure = 'rollback-batch' | 'rollback-release' | 'pause';

export interface ServiceSpec {
  name: string;
  dependsOn?: string[];
  /** Declares TOKEN (`secret: true`, required), to be set from the git-ignored `deploy/{env}.env`. */
  secret?: boolean;
  /** Declares REQUIRED_URL (`required: true`) that no source sets. */
  missingRequired?: boolean;
}

export interface FleetSpec {
  services: ServiceSpec[];
  batchSize?: number;
  bake?: string;
  onFailure?: OnFailure;
}

/** How a version of a service behaves on `/work`. */
export type Behaviour =
  | { kind: 'ok' }
  /** Always 500, with an error page that dumps the service's TOKEN (as careless services do). */
  | { kind: 'broken' }
  /** 500 until `file` exists: the cause can be fixed without a new release. */
  | { kind: 'broken-until'; file: string }
  /** 500 with `pad` characters before the TOKEN in the body. */
  | { kind: 'broken-padded'; pad: number }
  /**
   * Never listens: prints its TOKEN in a fatal line, leaves an heir (`HEIR_JS`) and exits with
   * `code` `ms` after it started.
   */
  | { kind: 'exits-before-listening'; code: number; ms: number }
  /** Serves like `ok` until its first `/work`, then, `ms` later, prints a fatal line, leaves an heir and exits with `code`. */
  | { kind: 'exits-after-work'; code: number; ms: number }
  /** Works, but listens (so answers its health check) only `ms` after it started. */
  | { kind: 'slow-start'; ms: number };

/**
 * What a dead service leaves behind in these fleets: a detached process that, once its parent is
 * gone, listens on the service's port and answers 200 to everything — something else answering
 * the checks of a service whose process died.
 */
const HEIR_JS = `const parent = process.ppid;
const serve = () => require('node:http').createServer((req, res) => res.end(JSON.stringify({ version: 'heir' }))).listen(Number(process.env.PORT), '127.0.0.1');
const wait = () => (process.ppid === parent ? setTimeout(wait, 10) : serve());
wait();`;

/** What `/work` answers. */
/** A journal record as `tranche show --json` prints it. */
export interface JournalJson {
  seq: number;
  batch: number;
  service?: string;
  kind: string;
  event: string;
  detail?: { by?: string; atOnce?: boolean };
}

export interface WorkAnswer {
  version: string;
  greeting: string | null;
  port: string;
  tokenSha256: string | null;
  envKeys: string[];
}

/** A port that was free a moment ago, found by listening on port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** Another program holding a port: a node HTTP server answering 200 to everything, in a process of its own. */
export interface PortHolder {
  pid: number;
  close(): Promise<void>;
}

/** Starts a `PortHolder` on 127.0.0.1:`port` and resolves once it listens. */
export async function holdPort(port: number): Promise<PortHolder> {
  const code = `require('node:http').createServer((req, res) => res.end('ok')).listen(${port}, '127.0.0.1', () => console.log('holding'))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void exited.then(() => reject(new Error(`the holder of port ${port} exited before it listened`)));
  });
  return {
    pid: child.pid!,
    close: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The source of one version of a service: a node http server on `process.env.PORT`. */
export function serverJs(version: string, behaviour: Behaviour = { kind: 'ok' }): string {
  const failing =
    behaviour.kind === 'broken-until'
      ? `!require('node:fs').existsSync(${JSON.stringify(behaviour.file)})`
      : behaviour.kind === 'broken' || behaviour.kind === 'broken-padded'
        ? 'true'
        : 'false';
  const pad = behaviour.kind === 'broken-padded' ? behaviour.pad : 0;
  const dies = behaviour.kind === 'exits-before-listening' || behaviour.kind === 'exits-after-work' ? behaviour : undefined;
  const exit = dies ? `() => { leaveHeir(); process.exit(${dies.code}); }` : '() => undefined';
  const start =
    behaviour.kind === 'exits-before-listening'
      ? `console.log('starting ' + VERSION);
console.error('fatal: the ledger refused TOKEN=' + (process.env.TOKEN ?? ''));
setTimeout(exit, ${behaviour.ms});`
      : behaviour.kind === 'slow-start'
        ? `setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('serving ' + VERSION + ' on port ' + process.env.PORT)), ${behaviour.ms});`
        : `server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('serving ' + VERSION + ' on port ' + process.env.PORT));`;
  return `const http = require('node:http');
const { createHash } = require('node:crypto');
const VERSION = ${JSON.stringify(version)};
const failing = () => ${failing};
const sha = (v) => (v === undefined ? null : createHash('sha256').update(v).digest('hex'));
const leaveHeir = () => require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(HEIR_JS)}], { detached: true, stdio: 'ignore', env: { PORT: process.env.PORT } }).unref();
const exit = ${exit};
let worked = false;
const server = http.createServer((req, res) => {
  if (req.url === '/health') return void res.end('ok');
  if (req.url === '/work') {
    if (${behaviour.kind === 'exits-after-work'} && !worked) setTimeout(() => { console.error('fatal: lost the ledger'); exit(); }, ${dies?.ms ?? 0});
    worked = true;
    if (failing()) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return void res.end('e'.repeat(${pad}) + 'TOKEN=' + (process.env.TOKEN ?? '') + ' version ' + VERSION + ' is broken');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({
      version: VERSION,
      greeting: process.env.GREETING ?? null,
      port: process.env.PORT,
      tokenSha256: sha(process.env.TOKEN),
      envKeys: Object.keys(process.env).sort(),
    }));
  }
  res.writeHead(404).end();
});
${start}
`;
}

function manifest(spec: FleetSpec, ports: Map<string, number>): object {
  const services: Record<string, object> = {};
  for (const s of spec.services) {
    services[s.name] = {
      path: `services/${s.name}`,
      ...(s.dependsOn ? { depends_on: s.dependsOn } : {}),
      run: { command: ['node', 'server.js'] },
      address: { dev: 'http://127.0.0.1:${PORT}' },
      config: {
        schema: {
          PORT: { type: 'port', default: ports.get(s.name) },
          GREETING: { type: 'string', default: `hello from ${s.name}` },
          ...(s.secret ? { TOKEN: { type: 'string', secret: true, required: true } } : {}),
          ...(s.missingRequired ? { REQUIRED_URL: { type: 'url', required: true } } : {}),
        },
        sources: [
          { file: 'config/{env}.yaml', optional: true },
          { dotenv: 'deploy/{env}.env', optional: true },
        ],
      },
      checks: {
        health: { http: { path: '/health' } },
        sanity: [{ name: 'work answers', http: { path: '/work', expect: { status: 200 } } }],
      },
    };
  }
  return {
    version: 1,
    name: 'e2e',
    environments: { dev: { driver: 'local' } },
    policy: { batch_size: spec.batchSize ?? 1, bake: spec.bake ?? '0s', on_failure: spec.onFailure ?? 'rollback-batch' },
    services,
  };
}

/** A fleet in a temp git repository, with helpers to run tranche on it and talk to its services. */
/** A fleet whose processes are killed and whose repository is removed when the test ends, pass or fail. */
export async function rolloutFleet(t: TestContext, spec: FleetSpec): Promise<RolloutFleet> {
  const f = await RolloutFleet.create(spec);
  t.after(() => f.dispose());
  return f;
}

export class RolloutFleet {
  readonly repo: GitRepo;

  private constructor(
    readonly spec: FleetSpec,
    readonly ports: Map<string, number>,
  ) {
    this.repo = new GitRepo({
      'tranche.yaml': manifestYaml(manifest(spec, ports)),
      // Operator files stay out of git: state, runtime and dotenv sources (secrets).
      '.gitignore': '.tranche/\n*.env\n',
    });
    for (const s of spec.services) this.setVersion(s.name, 'v1');
  }

  /** The fleet at v1, not committed yet; every service gets a port free right now. */
  static async create(spec: FleetSpec): Promise<RolloutFleet> {
    const ports = new Map<string, number>();
    const taken = new Set<number>();
    for (const s of spec.services) {
      // The system may hand out a port it just gave back: each service gets one of its own.
      let port = await freePort();
      while (taken.has(port)) port = await freePort();
      taken.add(port);
      ports.set(s.name, port);
    }
    return new RolloutFleet(spec, ports);
  }

  get dir(): string {
    return this.repo.dir;
  }

  /** Rewrites tranche.yaml with another policy (to be committed). */
  setPolicy(policy: Pick<FleetSpec, 'batchSize' | 'bake' | 'onFailure'>): this {
    this.repo.write({ 'tranche.yaml': manifestYaml(manifest({ ...this.spec, ...policy }, this.ports)) });
    return this;
  }

  setVersion(service: string, version: string, behaviour: Behaviour = { kind: 'ok' }): this {
    this.repo.write({ [`services/${service}/server.js`]: serverJs(version, behaviour) });
    return this;
  }

  write(files: Record<string, string>): this {
    this.repo.write(files);
    return this;
  }

  commit(message: string): string {
    return this.repo.commit(message);
  }

  /** Runs bin/tranche in the fleet. */
  run(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
    return runCli(args, this.dir, env);
  }

  /** Runs bin/tranche with --json and parses its stdout (saying what it printed when that is not JSON). */
  json<T = any>(args: string[], env: NodeJS.ProcessEnv = {}): CliResult & { json: T } {
    const result = runCli([...args, '--json'], this.dir, env);
    try {
      return { ...result, json: JSON.parse(result.stdout) as T };
    } catch {
      throw new Error(`tranche ${args.join(' ')} --json printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  }

  /** Starts bin/tranche without waiting for it. */
  start(args: string[]): RunningCli {
    return new RunningCli(args, this.dir);
  }

  url(service: string, path = '/work'): string {
    return `http://127.0.0.1:${this.ports.get(service)}${path}`;
  }

  /**
   * What the running service answers on /work. A new connection each time: a pooled keep-alive
   * socket to a process the driver has since replaced would fail for reasons of the test's own.
   */
  work(service: string): Promise<{ status: number; body: WorkAnswer | string }> {
    return new Promise((resolve, reject) => {
      const request = get(this.url(service), { agent: false, timeout: 3000 }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('error', reject).on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as WorkAnswer });
          } catch {
            resolve({ status: response.statusCode ?? 0, body: text });
          }
        });
      });
      request.on('timeout', () => request.destroy(new Error('no answer within 3s'))).on('error', reject);
    });
  }

  /** The version the service answers with, or a description of what it answered instead. */
  async version(service: string): Promise<string> {
    try {
      const { status, body } = await this.work(service);
      return status === 200 && typeof body === 'object' ? body.version : `status ${status}`;
    } catch (error) {
      return `unreachable (${(error as Error).message})`;
    }
  }

  /** The pid the local driver recorded for the service. */
  currentPid(service: string, env = 'dev'): number | undefined {
    const file = join(this.dir, '.tranche', 'runtime', env, service, 'current.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid : undefined;
  }

  /** Kills every process this fleet runs (services, and a tranche left running), then removes the repository. */
  async dispose(): Promise<void> {
    try {
      await killFleetProcesses(this.dir);
    } finally {
      this.repo.dispose();
    }
  }
}

/** A tranche process running in the background, with its output as it comes. */
export class RunningCli {
  readonly pid: number;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error('tranche did not start');
    this.child = child;
    this.pid = child.pid;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code: code ?? -1, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Sends `signal` to tranche (to it alone, as `kill` does). */
  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /** Closes the reading end of tranche's stdout and/or stderr, as a reader that goes away (`| head`) does. */
  closeOutput(...streams: ('stdout' | 'stderr')[]): void {
    for (const stream of streams) this.child[stream].destroy();
  }

  /** Resolves once stderr matches `pattern`; rejects after `ms` or when the process ends first. */
  async waitFor(pattern: RegExp, ms = 15_000): Promise<void> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    const deadline = Date.now() + ms;
    while (!pattern.test(this.stderr)) {
      if (ended) throw new Error(`tranche ended before its output matched ${pattern}:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`tranche's output did not match ${pattern} within ${ms}ms:\n${this.stderr}`);
      await delay(25);
    }
  }
}

/**
 * Kills what runs for the fleet in `dir`: the pids recorded in `.tranche/runtime/<env>/<service>/current.json`
 * and any other process whose working directory is inside `dir` (a service a failed test left
 * behind, a tranche still running). Each is killed with its process group when it leads one.
 */
export async function killFleetProcesses(dir: string): Promise<void> {
  const pids = new Set<number>();
  const runtime = join(dir, '.tranche', 'runtime');
  if (existsSync(runtime)) {
    for (const env of readdirSync(runtime)) {
      for (const service of readdirSync(join(runtime, env))) {
        const file = join(runtime, env, service, 'current.json');
        if (!existsSync(file)) continue;
        const pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid;
        if (typeof pid === 'number' && pid > 1 && isInside(cwdOf(pid), dir)) pids.add(pid);
      }
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== process.pid && isInside(cwdOf(pid), dir)) pids.add(pid);
  }
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Not a group leader, or already gone.
      }
    }
  }
  const deadline = Date.now() + 3000;
  while ([...pids].some(isRunning) && Date.now() < deadline) await delay(20);
}

function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

function isInside(path: string | undefined, dir: string): boolean {
  return path !== undefined && (path === dir || path.startsWith(`${dir}/`));
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every file under `dir`, recursively (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile());
}
