import { spawn } from 'node:child_process';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';

/** How many trailing lines of output a message quotes. */
const LINES_SHOWN = 5;
/** Output kept in memory: enough for the last lines, whatever the command prints. */
const TAIL_BYTES = 16 * 1024;

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

/**
 * Runs an argv (never through a shell) in `cwd` with exactly `env`; ok on exit 0 within the
 * timeout. The command gets its own process group so that a timeout or an abort kills everything
 * it started, not only the direct child.
 */
export function runCommandCheck(check: RunnableCheck, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<Outcome> {
  const argv = Array.isArray(check.spec) ? check.spec.map(String) : [];
  const [program, ...args] = argv;
  if (program === undefined || program === '') return Promise.resolve({ ok: false, message: 'a command check needs an argv with at least the program' });

  return new Promise((resolve) => {
    const child = spawn(program, args, {
      ...(check.cwd !== undefined ? { cwd: check.cwd } : {}),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let tail = Buffer.alloc(0);
    const keep = (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);

    let stopped: string | undefined;
    const stop = (why: string) => {
      const failed = killGroup(child.pid);
      stopped ??= failed === undefined ? why : `${why} (but killing it failed: ${failed})`;
    };
    const onAbort = () => stop('was cancelled and killed');
    const timer = setTimeout(() => stop(`did not finish within ${check.timeoutMs}ms and was killed`), check.timeoutMs);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };

    // Emitted when the program cannot be started (not found, not executable, no such cwd).
    child.once('error', (error) => done({ ok: false, message: `could not run ${program}: ${error.message}` }));
    child.once('close', (code, exitSignal) => {
      const output = lastLines(tail.toString('utf8'));
      const shown = output === '' ? '' : `; last output:\n${output}`;
      if (stopped !== undefined) return done({ ok: false, message: `${program} ${stopped}${shown}` });
      const status = code !== null ? `exit ${code}` : `killed by ${exitSignal}`;
      done({ ok: code === 0, message: `${program} ended with ${status}${shown}` });
    });
  });
}

/**
 * Kills the process group the child leads (it was spawned detached), grandchildren included.
 * Returns why that failed, if it did; a group that has already gone (ESRCH) is not a failure.
 */
function killGroup(pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    process.kill(-pid, 'SIGKILL');
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ESRCH' ? undefined : (code ?? String(error));
  }
}

function lastLines(text: string): string {
  return text.replace(/\s+$/, '').split(/\r?\n/).slice(-LINES_SHOWN).join('\n');
}
