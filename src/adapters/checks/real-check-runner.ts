import { redactSecrets } from '../../core/config/redact-secrets.js';
import { performance } from 'node:perf_hooks';
import type { CheckResult, CheckRunner, RunnableCheck } from '../../ports/check-runner.js';
import { runCommandCheck } from './command-check.js';
import { httpTimeoutMs, runHttpCheck } from './http-check.js';
import { runTcpCheck } from './tcp-check.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

/**
 * How long past its timeout, or past an abort, a check may take to report before the runner
 * answers for it. Every check stops itself on both; this only bounds a check that fails to.
 */
const GRACE_MS = 1000;

/** How the runner is set up; every field is optional. */
export interface RealCheckRunnerOptions {
  /**
   * The environment command checks run with. Default: only `PATH`, the way services are started
   * (PRODUCT §4), so that a check does not pass on the operator's machine for a reason of its shell.
   */
  commandEnv?: NodeJS.ProcessEnv;
}

/** Runs every kind of check against real endpoints, processes and databases. */
export class RealCheckRunner implements CheckRunner {
  private readonly commandEnv: NodeJS.ProcessEnv;

  /** `commandEnv`: the environment of command checks (the CLI gives it `PATH` only). */
  constructor(options: RealCheckRunnerOptions = {}) {
    this.commandEnv = options.commandEnv ?? {};
  }

  async run(check: RunnableCheck, signal?: AbortSignal): Promise<CheckResult> {
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await this.runWithinBounds(check, signal);
    } catch (error) {
      // A check reports its failures as outcomes; a throw is unexpected, but still a failed check.
      outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    return { ok: outcome.ok, message: redactSecrets(outcome.message, check.secrets), durationMs: Math.round(performance.now() - started) };
  }

  private async runWithinBounds(check: RunnableCheck, signal: AbortSignal | undefined): Promise<Outcome> {
    if (!Number.isFinite(check.timeoutMs) || check.timeoutMs <= 0) {
      return { ok: false, message: `the timeout of ${check.name} must be a positive number of milliseconds (got ${check.timeoutMs})` };
    }
    if (signal?.aborted) return { ok: false, message: 'cancelled before it started' };
    const limitMs = (check.kind === 'http' ? httpTimeoutMs(check) : undefined) ?? check.timeoutMs;
    let release = (): void => undefined;
    const overrun = new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, message: `did not report within ${limitMs}ms` }), limitMs + GRACE_MS);
      let abortTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        abortTimer = setTimeout(() => resolve({ ok: false, message: 'cancelled' }), GRACE_MS);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      release = () => {
        clearTimeout(timer);
        clearTimeout(abortTimer);
        signal?.removeEventListener('abort', onAbort);
      };
    });
    try {
      return await Promise.race([this.dispatch(check, signal), overrun]);
    } finally {
      release();
    }
  }

  private dispatch(check: RunnableCheck, signal: AbortSignal | undefined): Promise<Outcome> {
    switch (check.kind) {
      case 'http':
        return runHttpCheck(check, signal);
      case 'tcp':
        return runTcpCheck(check, signal);
      // Each database's client is loaded by the first check of its kind, not by every command that runs checks.
      case 'postgres':
        return import('./postgres-check.js').then(({ runPostgresCheck }) => runPostgresCheck(check, signal));
      case 'redis':
        return import('./redis-check.js').then(({ runRedisCheck }) => runRedisCheck(check, signal));
      // Each broker's client is loaded by the first check of its kind.
      case 'kafka':
        return import('./kafka-check.js').then(({ runKafkaCheck }) => runKafkaCheck(check, signal));
      case 'amqp':
        return import('./amqp-check.js').then(({ runAmqpCheck }) => runAmqpCheck(check, signal));
      case 'nats':
        return import('./nats-check.js').then(({ runNatsCheck }) => runNatsCheck(check, signal));
      case 'command':
        return runCommandCheck(check, this.commandEnv, signal);
      default: {
        const kind: never = check.kind;
        return Promise.resolve({ ok: false, message: `unknown check kind ${JSON.stringify(kind)}` });
      }
    }
  }
}
