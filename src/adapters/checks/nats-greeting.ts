import { connect } from 'node:net';
import { type Address, showAddress } from './read-addresses.js';

/** A NATS server's first line is its INFO; a longer first line than this is not a greeting. */
const MAX_GREETING_BYTES = 64 * 1024;

/**
 * Whether a NATS server listens at the address: it greets with `INFO {...}` within the timeout.
 * The NATS client waits for that greeting with no end of its own, and a socket it keeps open
 * keeps the process alive, so a check asks this first, on a connection it always closes.
 * Undefined when it greets, otherwise what was seen (or that the signal cancelled it).
 */
export function natsGreetingProblem(address: Address, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  const where = showAddress(address);
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    let received = Buffer.alloc(0);
    const onAbort = () => finish(`connecting to ${where}: cancelled`);
    const finish = (problem: string | undefined) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(
      () =>
        finish(
          socket.connecting
            ? `no connection to ${where} within ${timeoutMs}ms`
            : `${where} accepted the connection but sent no NATS greeting within ${timeoutMs}ms`,
        ),
      timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error) => finish(`could not connect to ${where}: ${error.message}`));
    socket.on('close', () => finish(`${where} closed the connection without a NATS greeting`));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n');
      if (end < 0 && received.length < MAX_GREETING_BYTES) return;
      const line = received.subarray(0, end < 0 ? 80 : Math.min(end, 80)).toString('latin1');
      finish(line.startsWith('INFO ') ? undefined : `${where} answered, but not as a NATS server (it said ${JSON.stringify(line)})`);
    });
  });
}
