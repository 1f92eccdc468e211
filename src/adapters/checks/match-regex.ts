import { Worker } from 'node:worker_threads';

/**
 * How long one regular expression of a check may run (`expect.json.<path>.matches`). JavaScript
 * regular expressions backtrack: `(a+)+$` against forty `a`s and a `b` runs for minutes. A match
 * runs on a worker thread, which is terminated past this bound, and the check fails.
 */
export const MATCH_LIMIT_MS = 1000;

/** What the main thread asks a regex worker. */
export interface RegexQuestion {
  pattern: string;
  text: string;
}

/** What a regex worker answers. */
export type RegexAnswer = { matched: boolean } | { invalid: string };

/** How a bounded match ended. */
export type RegexOutcome = RegexAnswer | { timedOut: true } | { cancelled: true } | { failed: string };

/** Idle workers kept for the next match (starting one takes tens of milliseconds); unreferenced, so they never keep tranche running. */
const idle: Worker[] = [];
const MAX_IDLE = 2;

/**
 * Tests `pattern` (a JavaScript regular expression, no flags) against `text` on a worker thread,
 * within `limitMs`: past it, or when `signal` aborts, the worker is terminated. The main thread
 * keeps running meanwhile.
 */
export function matchRegex(pattern: string, text: string, limitMs = MATCH_LIMIT_MS, signal?: AbortSignal): Promise<RegexOutcome> {
  if (signal?.aborted) return Promise.resolve({ cancelled: true });
  const worker = idle.pop() ?? startWorker();
  return new Promise((resolve) => {
    const finish = (outcome: RegexOutcome, reusable: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onAnswer).off('error', onError).off('exit', onExit);
      if (reusable && idle.length < MAX_IDLE) idle.push(worker);
      else void worker.terminate();
      resolve(outcome);
    };
    const onAnswer = (answer: RegexAnswer) => finish(answer, true);
    const onError = (error: Error) => finish({ failed: error.message }, false);
    const onExit = (code: number) => finish({ failed: `the regular expression's worker exited with code ${code}` }, false);
    const onAbort = () => finish({ cancelled: true }, false);
    const timer = setTimeout(() => finish({ timedOut: true }, false), limitMs);
    worker.on('message', onAnswer).on('error', onError).on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ pattern, text } satisfies RegexQuestion);
  });
}

function startWorker(): Worker {
  const worker = new Worker(new URL('./regex-worker.js', import.meta.url));
  worker.unref();
  return worker;
}
