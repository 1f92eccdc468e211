import { connect } from 'node:net';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

/** Opens a TCP connection to `host:port` within the timeout, then closes it. */
export function runTcpCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const spec = Array.isArray(check.spec) ? {} : check.spec;
  const host = typeof spec.host === 'string' && spec.host !== '' ? spec.host : undefined;
  const port = readPort(spec.port);
  if (host === undefined) return Promise.resolve({ ok: false, message: 'a tcp check needs a host' });
  if (port === undefined) return Promise.resolve({ ok: false, message: `the port ${JSON.stringify(spec.port)} is not a port (1-65535)` });
  const where = `${host}:${port}`;

  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ ok: false, message: `connecting to ${where}: cancelled` });
    const timer = setTimeout(() => finish({ ok: false, message: `no connection to ${where} within ${check.timeoutMs}ms` }), check.timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true, message: `connected to ${where}` }));
    socket.once('error', (error) => finish({ ok: false, message: `could not connect to ${where}: ${error.message}` }));
  });
}

/** A port from the manifest: an integer, or its text after interpolation (`"${DB_PORT}"` → `"5432"`). */
export function readPort(value: unknown): number | undefined {
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}
