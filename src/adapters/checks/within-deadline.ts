import { redactSecrets } from '../../core/config/redact-secrets.js';
import type { CheckResult } from '../../ports/check-runner.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

/**
 * The attempt's outcome, or a failure when the timeout passes or the signal aborts first, saying
 * how far the attempt got (`stage` is asked only then). The message never holds one of `secrets`
 * (a broker may quote credentials back; a url's password is no secret key of the service, so the
 * runner would not know to hide it). The caller still closes what the attempt opened: giving up
 * on a promise does not close its socket.
 */
export async function withinDeadline(
  attempt: Promise<Outcome>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  stage: () => string,
  secrets: readonly (string | undefined)[],
): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${timeoutMs}ms ${stage()}` }), timeoutMs);
    onAbort = () => resolve({ ok: false, message: `${stage()}: cancelled` });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([attempt, cut]);
    const hidden = secrets.filter((s): s is string => s !== undefined);
    return hidden.length ? { ok: outcome.ok, message: redactSecrets(outcome.message, hidden) } : outcome;
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
