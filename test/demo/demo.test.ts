import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { BIN } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { killFleetProcesses } from '../cli/rollout-fleet.js';

// End to end: the real bin/tranche demo, with its real Postgres, services and tranche commands.

const NO_STACK = /^\s+at /m;

interface DemoRun {
  pid: number;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly ended: boolean;
  /** Interrupts the demo if it still runs (SIGINT, then SIGKILL), and waits for it to end. */
  stop(): Promise<void>;
}

/** Starts `tranche demo` without a terminal (so it runs straight through), collecting its output. */
function startDemo(args: string[], env: NodeJS.ProcessEnv = {}): DemoRun {
  const child = spawn(process.execPath, [BIN, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let ended = false;
  const run: DemoRun = {
    pid: child.pid!,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        ended = true;
        resolve({ code, signal });
      });
    }),
    get ended() {
      return ended;
    },
    async stop() {
      if (ended) return;
      child.kill('SIGINT');
      if (await Promise.race([run.exited.then(() => true), delay(30_000, false, { ref: false })])) return;
      child.kill('SIGKILL');
      await run.exited;
    },
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  return run;
}

/** The demo's exit, which must come within `ms`: a demo that hangs holds something it did not stop. */
async function exitWithin(run: DemoRun, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const exit = await Promise.race([run.exited, delay(ms, undefined, { ref: false })]);
  assert.ok(exit, `the demo did not exit within ${ms / 1000} s:\n${run.stdout.slice(-2000)}\n${run.stderr}`);
  return exit;
}

/** Waits until the demo's output matches `pattern`; fails when it ends first or takes longer than `ms`. */
async function waitForOutput(run: DemoRun, pattern: RegExp, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(run.stdout)) {
    assert.ok(!run.ended, `the demo ended before its output matched ${pattern}:\n${run.stdout.slice(-2000)}\n${run.stderr}`);
    assert.ok(Date.now() < deadline, `the demo's output did not match ${pattern} within ${ms / 1000} s:\n${run.stdout.slice(-2000)}\n${run.stderr}`);
    await delay(20);
  }
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-demo-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A temp directory for one demo's fleet, and the demo run in it. Should a test fail while the demo
 * runs, or the demo leave anything behind (the failure these tests look for), it is all stopped
 * afterwards, so that one failing test does not leak into others: the demo, processes working in
 * the fleet, and the Postgres of any cluster that was not there before.
 */
function demoSandbox(t: TestContext): { dir: string; clustersBefore: string[]; start(args: string[], env?: NodeJS.ProcessEnv): DemoRun } {
  const base = mkdtempSync(join(tmpdir(), 'tranche-demo-test-'));
  const clustersBefore = clusterDirs();
  const runs: DemoRun[] = [];
  t.after(async () => {
    for (const run of runs) await run.stop();
    await killFleetProcesses(base);
    for (const cluster of clusterDirs().filter((d) => !clustersBefore.includes(d))) {
      for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
        if (liveProcess(Number(entry))?.includes(join(tmpdir(), cluster))) killGroup(Number(entry));
      }
      rmSync(join(tmpdir(), cluster), { recursive: true, force: true });
    }
    rmSync(base, { recursive: true, force: true });
  });
  const dir = join(base, 'fleet');
  return {
    dir,
    clustersBefore,
    start(args, env = {}) {
      const run = startDemo(args, env);
      runs.push(run);
      return run;
    },
  };
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Not a group leader, or gone.
    }
  }
}

/** The entries of the temp directory that are embedded Postgres clusters of the demo. */
function clusterDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('tranche-demo-db-'));
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
}

/** Every port the demo's fleet uses: fleet-db's old and new ports, and each service's. */
function fleetPorts(dir: string): number[] {
  const portOf = (manifest: string) => Number(/fleet-db:\n\s+kind: postgres\n\s+values:\n\s+prod: \{ host: 127\.0\.0\.1, port: (\d+)/.exec(manifest)?.[1]);
  const ports = [portOf(git(dir, 'show', 'v1:tranche.yaml')), portOf(git(dir, 'show', 'HEAD:tranche.yaml'))];
  for (const service of readdirSync(join(dir, 'services'))) {
    ports.push(Number(/^PORT: (\d+)$/m.exec(readFileSync(join(dir, 'services', service, 'config', 'defaults.yaml'), 'utf8'))?.[1]));
  }
  assert.ok(
    ports.every((p) => Number.isInteger(p) && p > 0),
    `every port is read from the fleet: ${ports.join(', ')}`,
  );
  return ports;
}

/** Resolves with whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The live process `pid`, as its command line, or undefined when there is none (a zombie has exited). */
function liveProcess(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return undefined;
  }
}

/** Processes whose working directory is inside `dir`: a service, a tranche, anything the demo left there. */
function processesInside(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue;
    }
    if ((cwd === dir || cwd.startsWith(`${dir}/`)) && liveProcess(Number(entry)) !== undefined) found.push(`${entry} in ${cwd}: ${liveProcess(Number(entry))}`);
  }
  return found;
}

/**
 * Asserts that nothing the demo started runs: no listener on any of the fleet's ports, no
 * process it named (services, Postgres) alive as that program, none working inside the fleet,
 * and no Postgres cluster left in the temp directory.
 */
async function assertNothingRunning(dir: string, output: string, clustersBefore: string[]): Promise<void> {
  for (const port of fleetPorts(dir)) assert.equal(await listening(port), false, `nothing listens on port ${port} any more`);
  const pids = [...output.matchAll(/\bpid (\d+)/g)].map((m) => Number(m[1]));
  assert.ok(pids.length > 0, 'the demo named the processes it started');
  for (const pid of new Set(pids)) {
    const command = liveProcess(pid);
    // A pid could be reused by an unrelated process since: only one running the demo's programs counts.
    assert.ok(command === undefined || !/server\.js|postgres/.test(command), `pid ${pid} is still running: ${command}`);
  }
  assert.deepEqual(processesInside(dir), [], 'no process works inside the fleet');
  assert.deepEqual(
    clusterDirs().filter((d) => !clustersBefore.includes(d)),
    [],
    'the Postgres cluster is removed',
  );
}

describe('tranche demo', () => {
  test('tells the whole migration story with real processes and a real Postgres, and leaves nothing running', { timeout: 180_000 }, async (t) => {
    const sandbox = demoSandbox(t);
    const { dir, clustersBefore } = sandbox;
    const started = Date.now();
    const demo = sandbox.start(['--dir', dir]);
    const { code } = await exitWithin(demo, 150_000);
    const seconds = (Date.now() - started) / 1000;
    const out = demo.stdout;
    assert.equal(code, 0, `the demo exited ${code}:\n${out.slice(-3000)}\n${demo.stderr}`);
    assert.doesNotMatch(demo.stderr, NO_STACK);
    assert.ok(seconds < 90, `the demo took ${seconds.toFixed(1)} s, more than 90 s`);

    // Act 1: every service deployed by the real apply, batch after batch.
    assert.match(out, /^\$ tranche apply --env prod --intent 'first deploy of the shop' --yes$/m);
    assert.match(out, /release \S+: succeeded — 5 batches deployed and checked/);

    // Act 2: each mistake as a finding with its rule and its place, which must be the right one.
    const oldPort = /^\s+prod: \{ host: 127\.0\.0\.1, port: (\d+)/m.exec(git(dir, 'show', 'v1:tranche.yaml'))?.[1];
    const cartLine = /error {2}config\/shadowed-change {2}DB_PORT {2}\[prod\] {2}tranche\.yaml:(\d+):\d+/.exec(out)?.[1];
    assert.ok(cartLine, 'cart: config/shadowed-change at tranche.yaml:LINE:COL');
    assert.match(git(dir, 'show', 'v1:tranche.yaml').split('\n')[Number(cartLine) - 1]!, new RegExp(`DB_PORT: "${oldPort}"`), 'that line sets the old port');
    assert.match(out, /error {2}config\/shadowed-change {2}DB_PORT {2}\[prod\] {2}services\/checkout\/deploy\/prod\.env:2:1/);
    assert.equal(git(dir, 'show', 'v1:services/checkout/deploy/prod.env').split('\n')[1], `DB_PORT=${oldPort}`);
    assert.match(out, /error {2}config\/stale-value {2}DB_PORT {2}\[prod\] {2}services\/inventory\/config\/prod\.yaml:1:1/);
    assert.equal(git(dir, 'show', 'v1:services/inventory/config/prod.yaml'), `DB_PORT: ${oldPort}\n`);
    assert.match(out, /error {2}change\/unrelated {2}\[prod\] {2}services\/search\/server\.js\n.*"search: misc fixes"/);
    const lockLine = /warn {3}deps\/transitive-change {2}supports-color {2}\[prod\] {2}services\/payments\/package-lock\.json:(\d+)/.exec(out)?.[1];
    assert.ok(lockLine, 'payments: deps/transitive-change at package-lock.json:LINE');
    const bump = git(dir, 'log', '--format=%H', '--grep=^payments: regenerate', '-n', '1').trim();
    const lockfile = git(dir, 'show', `${bump}:services/payments/package-lock.json`).split('\n');
    // The package's entry in the lockfile, or its version line within it.
    const entry = lockfile.indexOf('    "node_modules/supports-color": {');
    assert.ok([entry + 1, entry + 2].includes(Number(lockLine)), `package-lock.json:${lockLine} is supports-color's entry (line ${entry + 1})`);
    assert.equal(lockfile[entry + 1], '      "version": "7.2.0",');
    assert.match(out, /5 errors, 1 warning in 5 services/);

    // Act 3: the corrected release; ledger's batch fails its sanity checks and is rolled back by itself.
    assert.match(out, /^\$ tranche apply --env prod --scope config --intent 'move fleet-db to port \d+' --yes$/m);
    for (const batch of [1, 2, 3, 4]) assert.match(out, new RegExp(`batch ${batch}/5 \\(\\w+\\) passed`));
    const failedBatch = /batch 5\/5 \(\w+\) failed: (.+)/.exec(out)?.[1]?.split(', ') ?? [];
    assert.ok(failedBatch.includes('ledger'), `ledger's batch failed: ${failedBatch}`);
    assert.deepEqual([...out.matchAll(/ rollback (\S+) done/g)].map((m) => m[1]).sort(), [...failedBatch].sort(), 'exactly the failing batch is rolled back');
    assert.match(
      out,
      /release \S+: failed — batch 5 failed \(ledger: sanity check "query through the service" failed: .*database \\"ledger\\" does not exist.*\); batch 5 was rolled back/,
    );
    assert.match(out, /^ {2}check\/lying-health +ledger: ledger's health check passed while its sanity check "query through the service" failed/m);
    assert.match(out, /^ {2}check\/failed +ledger: sanity check "query through the service" failed/m);

    // Act 4: the status and the record, then down.
    assert.match(out, /^\$ tranche status --env prod\nprod: 15 services recorded as deployed/m);
    assert.match(out, /^\$ tranche show prod-\S+\nrelease prod-\S+ of prod: failed/m);
    assert.match(out, /^\$ tranche down --env prod\n(?:\[.*\n)*prod: stopped 15 services \(tranche down\) — release \S+$/m);
    assert.match(out, /Nothing the demo started is running any more/);

    // The record agrees with the story: batches 1-4 deployed, batch 5 deployed then rolled back.
    const history = JSON.parse(runCli(['history', '--json'], dir).stdout) as { releases: { id: string; status: string; intent?: string }[] };
    const migration = history.releases.find((r) => r.intent?.startsWith('move fleet-db'));
    assert.ok(migration, 'the migration release is recorded');
    assert.equal(migration.status, 'failed');
    const show = JSON.parse(runCli(['show', migration.id, '--json'], dir).stdout) as {
      journal: { batch: number; kind: string; event: string; service?: string }[];
    };
    const done = (kind: string) => show.journal.filter((e) => e.kind === kind && e.event === 'succeeded').map((e) => `${e.batch} ${e.service}`);
    assert.equal(done('deploy').length, 15);
    assert.deepEqual(done('rollback').sort(), failedBatch.map((s) => `5 ${s}`).sort());

    await assertNothingRunning(dir, out, clustersBefore);
  });

  for (const { signal, code, when, pattern } of [
    { signal: 'SIGINT', code: 130, when: 'the first rollout', pattern: /batch 3\/5 \(\w+\) started/ },
    { signal: 'SIGTERM', code: 143, when: 'the migration rollout, with the relay up', pattern: /━━━ Act 3[\s\S]*batch 2\/5 \(config\) started/ },
  ] as const) {
    test(`stops everything it started — services, Postgres, the relay, the tranche it runs — on ${signal} in the middle of ${when}`, {
      timeout: 120_000,
    }, async (t) => {
      const sandbox = demoSandbox(t);
      const { dir, clustersBefore } = sandbox;
      const demo = sandbox.start(['--dir', dir]);
      await waitForOutput(demo, pattern);
      process.kill(demo.pid, signal);
      const exit = await exitWithin(demo, 60_000);
      assert.equal(exit.code, code, `exit code after ${signal}:\n${demo.stderr}`);
      assert.match(demo.stderr, new RegExp(`${signal}: stopping everything the demo started`));
      assert.match(demo.stderr, /Nothing the demo started is running any more/);
      assert.doesNotMatch(demo.stderr, NO_STACK);
      await assertNothingRunning(dir, demo.stdout, clustersBefore);
    });
  }

  test('stops Postgres when the story cannot go on (no git on PATH), and says why', { timeout: 90_000 }, async (t) => {
    const sandbox = demoSandbox(t);
    const { dir, clustersBefore } = sandbox;
    const demo = sandbox.start(['--dir', dir], { PATH: join(dir, 'no-such-bin') });
    const exit = await exitWithin(demo, 30_000);
    assert.equal(exit.code, 1, demo.stderr);
    assert.match(demo.stderr, /^error: the demo needs git: .*ENOENT/m);
    assert.match(demo.stderr, /Cleaned up: Postgres \(pid \d+\) and its data/);
    assert.doesNotMatch(demo.stderr, NO_STACK);
    const pid = Number(/Postgres \(pid (\d+)\)/.exec(demo.stderr)?.[1]);
    assert.equal(liveProcess(pid), undefined, 'Postgres is stopped');
    assert.deepEqual(
      clusterDirs().filter((d) => !clustersBefore.includes(d)),
      [],
      'its cluster is removed',
    );
  });

  test('refuses a --dir that is a file or not empty, precisely, touching nothing', (t) => {
    const base = tempDir(t);
    const file = join(base, 'a-file');
    writeFileSync(file, 'x\n');
    const full = join(base, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine\n');
    const clustersBefore = clusterDirs();

    const onFile = runCli(['demo', '--dir', file], base);
    assert.equal(onFile.code, 2);
    assert.equal(onFile.stderr, `error: demo: --dir ${file} is a file, not a directory\n`);

    const onFull = runCli(['demo', '--dir', full], base);
    assert.equal(onFull.code, 2);
    assert.match(
      onFull.stderr,
      /^error: demo: --dir \S+\/full is not empty \(1 entry\): the demo creates a new fleet repository there; give a new or an empty directory\n$/,
    );
    assert.deepEqual(readdirSync(full), ['keep.txt']);

    const orphan = join(base, 'no', 'such');
    const onOrphan = runCli(['demo', '--dir', orphan], base);
    assert.equal(onOrphan.code, 2);
    assert.equal(onOrphan.stderr, `error: demo: --dir ${orphan}: its parent directory ${join(base, 'no')} does not exist\n`);

    for (const args of [
      ['demo', '--json'],
      ['demo', 'now'],
      ['demo', '--dir'],
    ]) {
      const result = runCli(args, base);
      assert.equal(result.code, 2, `tranche ${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, NO_STACK);
    }
    assert.ok(!existsSync(join(base, '.git')), 'no repository was created');
    assert.deepEqual(
      clusterDirs().filter((d) => !clustersBefore.includes(d)),
      [],
      'no Postgres was set up',
    );
  });

  test('--help says what the demo does and how it ends', () => {
    const help = runCli(['demo', '--help'], tmpdir());
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: tranche demo \[--dir DIR\]/);
    assert.match(help.stdout, /--dir DIR/);
    assert.match(help.stdout, /Ctrl-C/);
    assert.match(runCli(['--help'], tmpdir()).stdout, /^ {2}demo {2,}The guided demo/m);
  });
});
