import { basename } from 'node:path';
import type { CheckResult, CheckRunner, RunnableCheck } from '../../../src/ports/check-runner.js';

/** What a check answers, given what the test knows: the service it belongs to and how often it ran. */
export type CheckScript = (run: { service: string; name: string; attempt: number }) => boolean | CheckResult;

/** One run of a check, in order. */
export interface CheckRun {
  service: string;
  name: string;
  kind: RunnableCheck['kind'];
}

/**
 * The CheckRunner port without endpoints, for the engine suite: each check answers as scripted
 * per service and check name (the health check is `health`; a sanity check goes by its name), by
 * default `answers` (which the harness wires to "the service's process is up in the FakeDriver").
 * A lying health check is a health check scripted to pass beside a sanity check scripted to fail.
 * Every run is recorded (`runs`). The service a check belongs to is the last folder of its `cwd`
 * (the service's path), as the harness lays services out.
 */
export class FakeCheckRunner implements CheckRunner {
  readonly runs: CheckRun[] = [];
  private readonly scripts = new Map<string, CheckScript>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly answers: (service: string, name: string) => boolean = () => true) {}

  /** What `name` of `service` answers from now on. */
  script(service: string, name: string, answer: CheckScript | boolean): this {
    this.scripts.set(keyOf(service, name), typeof answer === 'boolean' ? () => answer : answer);
    return this;
  }

  /** Back to the default answer. */
  unscript(service: string, name: string): this {
    this.scripts.delete(keyOf(service, name));
    return this;
  }

  async run(check: RunnableCheck, signal?: AbortSignal): Promise<CheckResult> {
    const service = basename(check.cwd ?? '');
    this.runs.push({ service, name: check.name, kind: check.kind });
    if (signal?.aborted) return { ok: false, message: 'aborted', durationMs: 0 };
    const key = keyOf(service, check.name);
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const script = this.scripts.get(key);
    const answer = script ? script({ service, name: check.name, attempt }) : this.answers(service, check.name);
    if (typeof answer !== 'boolean') return answer;
    return answer ? { ok: true, message: '200 OK', durationMs: 1 } : { ok: false, message: 'HTTP 500', durationMs: 1 };
  }

  /** The runs of `service`'s checks, as `name` in order. */
  ran(service: string): string[] {
    return this.runs.filter((r) => r.service === service).map((r) => r.name);
  }
}

const keyOf = (service: string, name: string) => `${service}\u0000${name}`;
