import type { CheckResult } from '../../ports/check-runner.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

/**
 * The attempt's outcome, or a failure when the timeout passes or the signal aborts first. `late`
 * is asked only then, so that it can say how far the attempt got. The caller still closes what
 * the attempt opened: giving up on a promise does not close its socket.
 */
export async function withinDeadline(
  attempt: Promise<Outcome>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  late: () => string,
  cancelled: () => string,
): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: late() }), timeoutMs);
    onAbort = () => resolve({ ok: false, message: cancelled() });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([attempt, cut]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** The text of a thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
