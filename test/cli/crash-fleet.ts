/**
 * A fleet of six tiny node HTTP services in a real git repository, run by the real bin/tranche
 * with the local driver, and the tools a crash-consistency test needs around it: the SQLite journal
 * read as it is written (read-only, WAL), fault-injection "pins" that stall the tranche process
 * at one exact store write so that `kill -9` lands there, and a view of the fleet's processes
 * from /proc. Every process it reports or kills is one whose working directory is inside the
 * fleet's temp directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { GitRepo } from '../support/git-repo.js';
import { BIN } from '../support/paths.js';

/** Manifest order. Batches of 2 with the depends_on below: [auth, catalog] [orders, payments] [shipping, notify]. */
export const SERVICES = ['auth', 'catalog', 'orders', 'payments', 'shipping', 'notify'] as const;
export type ServiceName = (typeof SERVICES)[number];
/** The service that v1 does not have: the release adds it, and a rollback stops it. */
export const NEW_IN_V2: ServiceName = 'notify';
export const V1_SERVICES = SERVICES.filter((s) => s !== NEW_IN_V2);
const DEPENDS_ON: Partial<Record<ServiceName, ServiceName[]>> = {
  orders: ['auth'],
  payments: ['catalog'],
  shipping: ['orders'],
  notify: ['payments'],
};

export interface JournalRow {
  release_id: string;
  seq: number;
  at: string;
  batch: number;
  service: string | null;
  kind: string;
  event: string;
  detail: string | null;
}

export interface ReleaseRow {
  id: string;
  status: string;
  journal_seq: number;
  to_commit: string;
  started_at: string;
}

export interface LockRow {
  env: string;
  token: string;
  pid: number;
  release_id: string | null;
}

export interface DeployedRow {
  service: string;
  commit_id: string;
  release_id: string;
}

/** A live `node server.js` of the fleet, read from /proc: which service and which commit's release directory it runs in. */
export interface FleetProcess {
  pid: number;
  service: string;
  commit: string;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Ports nobody listens on now (the OS picks them). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function serverJs(service: string, version: string, broken: boolean): string {
  return `// ${service} ${version}: a tiny service for tranche's crash-consistency test
const http = require('node:http');
const NAME = ${JSON.stringify(service)};
const VERSION = ${JSON.stringify(version)};
const BROKEN = ${broken};
http
  .createServer((req, res) => {
    if (req.url === '/health') return res.end('ok');
    if (req.url === '/version') {
      res.statusCode = BROKEN ? 500 : 200;
      return res.end(NAME + ' ' + VERSION + (BROKEN ? ' broken' : ''));
    }
    res.statusCode = 404;
    res.end('not found');
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;
}

function manifest(ports: Record<string, number>, services: readonly string[], versions: Record<string, string>): string {
  const lines = [
    'version: 1',
    'name: crash',
    'environments:',
    '  dev: { driver: local }',
    'policy:',
    '  batch_size: 2',
    '  bake: 0s',
    '  on_failure: rollback-release',
    'services:',
  ];
  for (const name of services) {
    const deps = DEPENDS_ON[name as ServiceName]?.filter((d) => services.includes(d)) ?? [];
    lines.push(
      `  ${name}:`,
      `    path: services/${name}`,
      ...(deps.length ? [`    depends_on: [${deps.join(', ')}]`] : []),
      '    run: { command: [node, server.js] }',
      '    address: { dev: "http://127.0.0.1:${PORT}" }',
      '    config:',
      '      schema:',
      `        PORT: { type: port, default: ${ports[name]} }`,
      '    checks:',
      '      health: { http: { path: /health } }',
      '      sanity:',
      '        - name: answers its version',
      `          http: { path: /version, expect: { status: 200, contains: "${name} ${versions[name]}" } }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The fleet's repository and the commits of its versions. */
export class CrashFleet {
  readonly repo: GitRepo;
  /** Five services answering v1. */
  readonly v1: string;
  /** HEAD of main: the six services answering v2 (notify is new). */
  readonly v2: string;
  /** On a side branch: v2, except that payments answers its /version with a 500 (its sanity check fails). */
  readonly bad: string;
  /** What each service answers on /version at each commit. */
  readonly versions: Map<string, Record<string, string>>;
  private readonly children = new Set<ChildProcess>();
  private roDb: Database.Database | undefined;
  private rwDb: Database.Database | undefined;

  private constructor(readonly ports: Record<string, number>) {
    this.repo = new GitRepo();
    const v1Versions = Object.fromEntries(V1_SERVICES.map((s) => [s, 'v1']));
    const v2Versions = Object.fromEntries(SERVICES.map((s) => [s, 'v2']));
    const badVersions = { ...v2Versions, payments: 'v3' };
    this.repo.write({ '.gitignore': '.tranche/\n', 'tranche.yaml': manifest(ports, V1_SERVICES, v1Versions) });
    for (const s of V1_SERVICES) this.repo.write({ [`services/${s}/server.js`]: serverJs(s, 'v1', false) });
    this.v1 = this.repo.commit('v1: five services');
    this.repo.write({ 'tranche.yaml': manifest(ports, SERVICES, v2Versions) });
    for (const s of SERVICES) this.repo.write({ [`services/${s}/server.js`]: serverJs(s, 'v2', false) });
    this.v2 = this.repo.commit('v2: six services');
    this.repo.git('checkout', '-q', '-b', 'bad');
    this.repo.write({ 'tranche.yaml': manifest(ports, SERVICES, badVersions), 'services/payments/server.js': serverJs('payments', 'v3', true) });
    this.bad = this.repo.commit('v3 of payments, whose /version fails');
    this.repo.git('checkout', '-q', 'main');
    this.versions = new Map([
      [this.v1, v1Versions],
      [this.v2, v2Versions],
      [this.bad, badVersions],
    ]);
  }

  static async create(): Promise<CrashFleet> {
    const ports = await freePorts(SERVICES.length);
    return new CrashFleet(Object.fromEntries(SERVICES.map((s, i) => [s, ports[i]!])));
  }

  get dir(): string {
    return this.repo.dir;
  }

  get dbPath(): string {
    return join(this.dir, '.tranche', 'state.db');
  }

  get runtimeRoot(): string {
    return join(this.dir, '.tranche', 'runtime', 'dev');
  }

  /** Runs bin/tranche to its end (for status, resume, rollback and the resets). */
  cli(args: string[]): CliRun {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd: this.dir, encoding: 'utf8', env: cliEnv(), timeout: 120_000 });
    if (result.error) throw result.error;
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** `cli` with --json, parsed; the raw run is attached for messages. */
  cliJson<T>(args: string[]): { code: number; json: T; run: CliRun } {
    const run = this.cli([...args, '--json']);
    let json: T;
    try {
      json = JSON.parse(run.stdout) as T;
    } catch {
      throw new Error(`tranche ${args.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
    return { code: run.code, json, run };
  }

  /** Starts bin/tranche as a child process (node's spawn, no shell), to be killed. */
  start(args: string[]): Started {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: this.dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    const started = new Started(child);
    child.once('exit', () => this.children.delete(child));
    return started;
  }

  // --- the state store, read as tranche writes it -------------------------------------------------

  /** A read-only connection (the store is in WAL mode: reading never blocks tranche). */
  get ro(): Database.Database {
    this.roDb ??= new Database(this.dbPath, { readonly: true, fileMustExist: true });
    return this.roDb;
  }

  /** A read-write connection that never waits: for the fault-injection triggers and the write-lock probe only. */
  private get rw(): Database.Database {
    this.rwDb ??= new Database(this.dbPath, { fileMustExist: true, timeout: 0 });
    return this.rwDb;
  }

  releases(): ReleaseRow[] {
    return this.ro.prepare('SELECT id, status, journal_seq, to_commit, started_at FROM releases ORDER BY started_at, rowid').all() as ReleaseRow[];
  }

  release(id: string): ReleaseRow | undefined {
    return this.ro.prepare('SELECT id, status, journal_seq, to_commit, started_at FROM releases WHERE id = ?').get(id) as ReleaseRow | undefined;
  }

  journal(releaseId: string): JournalRow[] {
    return this.ro
      .prepare('SELECT release_id, seq, at, batch, service, kind, event, detail FROM journal WHERE release_id = ? ORDER BY seq')
      .all(releaseId) as JournalRow[];
  }

  journalCount(releaseId: string): number {
    return (this.ro.prepare('SELECT count(*) AS n FROM journal WHERE release_id = ?').get(releaseId) as { n: number }).n;
  }

  lock(): LockRow | undefined {
    return this.ro.prepare("SELECT env, token, holder_pid AS pid, release_id FROM locks WHERE env = 'dev'").get() as LockRow | undefined;
  }

  deployed(): Map<string, string> {
    const rows = this.ro.prepare("SELECT service, commit_id, release_id FROM deployed WHERE env = 'dev' ORDER BY service").all() as DeployedRow[];
    return new Map(rows.map((r) => [r.service, r.commit_id]));
  }

  /**
   * Whether some connection holds the database's write lock right now. tranche holds it for a
   * fraction of a millisecond per write, except while a pin stalls it inside a write.
   */
  writeLockHeld(): boolean {
    try {
      this.rw.prepare('BEGIN IMMEDIATE').run();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
      throw error;
    }
    this.rw.prepare('ROLLBACK').run();
    return false;
  }

  /** Whether the write lock stays held over ~40 ms: a process stalled by a pin. */
  async stalled(): Promise<boolean> {
    for (let i = 0; i < 4; i++) {
      if (!this.writeLockHeld()) return false;
      await sleep(10);
    }
    return true;
  }

  /**
   * Fault injection: a trigger that makes the statement it fires on spin for many seconds, inside
   * tranche's own transaction. tranche then stalls exactly there, with every earlier write
   * committed and this one not; `kill -9` at that moment rolls the statement back, as if the
   * process had died right before it. `on` is a trigger's event and table, `when` its condition.
   */
  pin(on: string, when: string): void {
    this.rw.exec(`CREATE TABLE IF NOT EXISTS crash_spin (n INTEGER)`);
    if ((this.rw.prepare('SELECT count(*) AS n FROM crash_spin').get() as { n: number }).n === 0) {
      const insert = this.rw.prepare('INSERT INTO crash_spin (n) VALUES (?)');
      this.rw.transaction(() => {
        for (let i = 0; i < 1500; i++) insert.run(i);
      })();
    }
    this.rw.exec(`CREATE TRIGGER crash_pin ${on} WHEN ${when} BEGIN SELECT count(*) FROM crash_spin a, crash_spin b, crash_spin c; END`);
  }

  /** Removes the pin (once the stalled process is dead, nothing holds the write lock). */
  unpin(): void {
    this.rw.exec('DROP TRIGGER IF EXISTS crash_pin');
  }

  /** SQL list of the release ids recorded now, to pin only a release that does not exist yet. */
  knownReleases(): string {
    const ids = this.releases().map((r) => `'${r.id.replace(/'/g, "''")}'`);
    return `(${ids.length ? ids.join(', ') : "''"})`;
  }

  // --- the fleet's processes and answers ----------------------------------------------------------

  /** Every live `node server.js` whose working directory is a release directory of this fleet. */
  fleetProcesses(): FleetProcess[] {
    const found: FleetProcess[] = [];
    for (const { pid, cwd } of processesUnder(this.runtimeRoot)) {
      const cmdline = readProc(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean);
      if (cmdline?.at(-1) !== 'server.js') continue;
      const [service, commit] = cwd.slice(this.runtimeRoot.length + 1).split('/');
      if (service && commit) found.push({ pid, service, commit });
    }
    return found;
  }

  /** What the service answers on /version, or undefined when nothing answers on its port. */
  async answer(service: string): Promise<string | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.ports[service]}/version`, { signal: AbortSignal.timeout(2000) });
      return await response.text();
    } catch {
      return undefined;
    }
  }

  /** The local driver's record of what runs for `service` (`current.json`), if any. */
  currentJson(service: string): { pid?: number; commit?: string } | undefined {
    const text = readProc(join(this.runtimeRoot, service, 'current.json'));
    return text === undefined ? undefined : (JSON.parse(text) as { pid?: number; commit?: string });
  }

  /** Kills (SIGKILL) every tranche started with `start` that still runs, and waits until they are gone. */
  async killTranches(): Promise<void> {
    const running = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      running.map(
        (c) =>
          new Promise((resolve) => {
            c.once('exit', resolve);
            c.kill('SIGKILL');
          }),
      ),
    );
  }

  /** Kills (SIGKILL) every tranche child still running and every process whose cwd is in the fleet's directory. */
  killEverything(): void {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const { pid } of processesUnder(this.dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Closes the test's connections to the store (before the state is rebuilt from nothing). */
  closeStore(): void {
    this.roDb?.close();
    this.rwDb?.close();
    this.roDb = undefined;
    this.rwDb = undefined;
  }

  dispose(): void {
    this.killEverything();
    this.closeStore();
    this.repo.dispose();
  }
}

/** A bin/tranche run in the background, with its output kept for messages. */
export class Started {
  stdout = '';
  stderr = '';
  /** The server pids seen spawned by this process (filled by whoever watches for them). */
  spawned: number[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `kill -9`, and waits until the process is gone. Notes first which servers it had spawned (they outlive it). */
  async kill9(): Promise<void> {
    if (this.running && this.spawned.length === 0) this.spawned = this.spawnedServers();
    if (this.running) this.child.kill('SIGKILL');
    const { signal } = await this.exited;
    if (signal !== 'SIGKILL') throw new Error(`tranche (pid ${this.pid}) ended by itself before the kill:\n${this.stdout}\n${this.stderr}`);
  }

  /** The `node server.js` processes this tranche started and that run now (its direct children). */
  spawnedServers(): number[] {
    const text = readProc(`/proc/${this.pid}/task/${this.pid}/children`) ?? '';
    return text
      .split(' ')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => readProc(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean).at(-1) === 'server.js');
  }
}

/** Waits until `condition` holds, polling every `everyMs`; throws `describe()` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string, everyMs = 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await sleep(everyMs);
  }
}

function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TRANCHE_STATE;
  return env;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Live processes (zombies excluded) whose working directory is `dir` or inside it. */
function processesUnder(dir: string): { pid: number; cwd: string }[] {
  const found: { pid: number; cwd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
    const stat = readProc(`/proc/${pid}/stat`);
    if (!stat || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
    found.push({ pid, cwd });
  }
  return found;
}
