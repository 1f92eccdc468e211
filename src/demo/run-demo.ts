import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, type CliIO } from '../cli/io.js';
import { stopCause, StopRequest } from '../engine/stop.js';
import { DemoRepo } from './demo-repo.js';
import { EmbeddedPostgres, EmbeddedPostgresError } from './embedded-postgres.js';
import { DEMO_SERVICES } from './fleet/demo-services.js';
import { seedDatabase } from './fleet/seed-database.js';
import { freePorts } from './free-ports.js';
import { Narrator } from './narrator.js';
import { actOne } from './story/act-1-today.js';
import { actTwo } from './story/act-2-migration.js';
import { actThree } from './story/act-3-rollout.js';
import { actFour } from './story/act-4-record.js';
import { DemoInterrupted, DemoError, type DemoContext, type DemoResources } from './story/demo-context.js';
import { stopFleet } from './stop-fleet.js';
import { TrancheRunner } from './tranche-runner.js';

export interface DemoOptions {
  /** Where to create the fleet (an existing empty directory), kept afterwards; a temp directory, removed, when undefined. */
  dir?: string;
}

/**
 * Tells the demo's story and stops everything it started — at the end, on the operator's stop
 * (SIGINT, SIGTERM, SIGHUP, its reader gone), and on failure: the services (tranche down, then the
 * local driver for anything left), the relay, Postgres. Returns the exit code: 0 when the story was
 * told, 1 when it could not be, 130/143/129/141 when stopped. A bug is re-thrown, after the cleanup.
 */
export async function runDemo(options: DemoOptions, io: CliIO): Promise<number> {
  const started = Date.now();
  const controller = new AbortController();
  // The demo owns processes that outlive it unless it stops them: a stop must not end it before it has.
  const { stop } = io;
  const unhold = stop?.hold();
  const onStop = () => {
    const by = stopCause(stop) ?? 'SIGTERM';
    io.stderr.write(`\n${by}: stopping everything the demo started\n`);
    controller.abort(new DemoInterrupted(by));
  };
  const onAgain = () => {
    const again: unknown = stop?.now.reason;
    io.stderr.write(
      `${again instanceof StopRequest ? again.by : 'SIGTERM'}: still stopping what the demo started (once more ends tranche now, leaving them)\n`,
    );
  };
  stop?.graceful.addEventListener('abort', onStop, { once: true });
  stop?.now.addEventListener('abort', onAgain, { once: true });
  const resources: DemoResources = {};
  let code: number = EXIT.internal;
  try {
    await tellStory(options, io, resources, controller.signal);
    code = EXIT.ok;
  } catch (error) {
    if (error instanceof DemoInterrupted) code = error.exitCode;
    else if (error instanceof DemoError || error instanceof EmbeddedPostgresError) {
      io.stderr.write(`error: ${error.message}\n`);
      code = EXIT.findings;
    } else throw error;
  } finally {
    const { stopped, problems } = await stopEverything(resources, io, options.dir === undefined);
    for (const problem of problems) io.stderr.write(`error: could not stop ${problem}\n`);
    if (problems.length && code === EXIT.ok) code = EXIT.findings;
    stop?.graceful.removeEventListener('abort', onStop);
    stop?.now.removeEventListener('abort', onAgain);
    unhold?.();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const report = code === EXIT.ok ? io.stdout : io.stderr;
    if (stopped.length) report.write(`Cleaned up: ${stopped.join('; ')}.\n`);
    if (!problems.length) report.write(`Nothing the demo started is running any more (${seconds} s).\n`);
    if (code === EXIT.ok && options.dir !== undefined) io.stdout.write(keptFleet(options.dir));
  }
  return code;
}

async function tellStory(options: DemoOptions, io: CliIO, resources: DemoResources, signal: AbortSignal): Promise<void> {
  const root = options.dir ?? (await mkdtemp(join(tmpdir(), 'tranche-demo-')));
  resources.fleetRoot = root;
  const narrator = new Narrator(io.stdout, terminalInput(io), signal);
  narrator.say(
    `tranche demo: a database moves to a new port under ${DEMO_SERVICES.length} services — the migration that usually ends in an ` +
      'outage, caught before deploy, then rolled out in batches. Real processes, a real Postgres, the real tranche commands.',
  );
  const [oldDb, newDb, ...servicePorts] = await freePorts(2 + DEMO_SERVICES.length);
  const ports = { oldDb: oldDb!, newDb: newDb!, services: new Map(DEMO_SERVICES.map((s, i) => [s.name, servicePorts[i]!])) };
  const database = await EmbeddedPostgres.create();
  resources.database = database;
  await database.start(ports.oldDb, signal);
  await seedDatabase(ports.oldDb);
  signal.throwIfAborted();
  const repo = await DemoRepo.init(root, io.env);
  const ctx: DemoContext = {
    out: io.stdout,
    env: io.env,
    narrator,
    tranche: new TrancheRunner(root, io.env, io.stdout, signal),
    repo,
    ports,
    database,
    resources,
    signal,
  };
  await actOne(ctx);
  await narrator.pause('act 2, the migration');
  await actTwo(ctx);
  await narrator.pause('act 3, the rollout');
  const releaseId = await actThree(ctx);
  await narrator.pause('act 4, the record');
  await actFour(ctx, releaseId);
}

/** Stops, in order, what the demo started; never throws. What it stopped, and what it could not. */
async function stopEverything(resources: DemoResources, io: CliIO, removeFleet: boolean): Promise<{ stopped: string[]; problems: string[] }> {
  const stopped: string[] = [];
  const problems: string[] = [];
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
      stopped.push(what);
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  };
  const root = resources.fleetRoot;
  if (root && existsSync(join(root, '.git'))) {
    await attempt('every service of the fleet', async () => {
      const failures = await stopFleet(root, io);
      if (failures.length) throw new Error(failures.join('; '));
    });
  }
  const relay = resources.relay;
  if (relay) await attempt(`the relay on port ${relay.from}`, () => relay.close());
  const database = resources.database;
  if (database) await attempt(`Postgres${database.pid ? ` (pid ${database.pid})` : ''} and its data`, () => database.dispose());
  if (root && removeFleet) await attempt(`the fleet in ${root}`, () => rm(root, { recursive: true, force: true }));
  return { stopped, problems };
}

/** Standard input, when it is a terminal to pause on. */
function terminalInput(io: CliIO): NodeJS.ReadableStream | undefined {
  const stdin = io.stdin as (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined;
  return stdin?.isTTY && typeof stdin.on === 'function' && typeof stdin.read === 'function' ? stdin : undefined;
}

function keptFleet(dir: string): string {
  return [
    `The fleet is kept in ${dir} (its services are stopped, and the database is gone). Look around:`,
    `  tranche --fleet ${dir} history`,
    `  tranche --fleet ${dir} check --env prod --from v1`,
    `  tranche --fleet ${dir} config ledger --env prod --explain DB_NAME`,
    '',
  ].join('\n');
}
