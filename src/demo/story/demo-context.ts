import { stoppedExit, type Output } from '../../cli/io.js';
import type { StopCause } from '../../engine/stop.js';
import type { DemoRepo } from '../demo-repo.js';
import type { EmbeddedPostgres } from '../embedded-postgres.js';
import type { DemoPorts } from '../fleet/demo-ports.js';
import type { Narrator } from '../narrator.js';
import type { PortRelay } from '../port-relay.js';
import type { TrancheResult, TrancheRunner } from '../tranche-runner.js';

/**
 * Everything the demo started, so that it can all be stopped at the end, on a signal and on
 * failure. Each act records what it starts here before it does anything else.
 */
export interface DemoResources {
  database?: EmbeddedPostgres;
  relay?: PortRelay;
  /** The fleet repository, once created. */
  fleetRoot?: string;
}

/** What the acts work with. */
export interface DemoContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  narrator: Narrator;
  tranche: TrancheRunner;
  repo: DemoRepo;
  ports: DemoPorts;
  database: EmbeddedPostgres;
  resources: DemoResources;
  signal: AbortSignal;
}

/**
 * The demo cannot go on: something it needs is missing (git), or a command gave another outcome
 * than the one the story relies on. The message says which.
 */
export class DemoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoError';
  }
}

/** The demo was stopped by the operator (Ctrl-C, SIGTERM, SIGHUP, its reader gone). */
export class DemoInterrupted extends Error {
  constructor(readonly by: StopCause) {
    super(`interrupted by ${by}`);
    this.name = 'DemoInterrupted';
  }

  /** The shell's convention: 128 + the signal's number. */
  get exitCode(): number {
    return stoppedExit(this.by);
  }
}

/** Checks a command's exit code against the one the story needs; otherwise stops the demo, saying what happened. */
export function expectExit(result: TrancheResult, code: number, what: string): TrancheResult {
  if (result.code !== code) {
    throw new DemoError(`${what}: tranche exited ${result.code}, where the story expects ${code}`);
  }
  return result;
}

/** Checks that a command printed each of `needles`. */
export function expectOutput(result: TrancheResult, needles: string[], what: string): void {
  const text = result.stdout + result.stderr;
  const missing = needles.filter((n) => !text.includes(n));
  if (missing.length) throw new DemoError(`${what}: the output lacks ${missing.join(', ')}`);
}
