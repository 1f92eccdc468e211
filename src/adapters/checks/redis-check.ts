import { createClient, ErrorReply } from 'redis';
import { redactSecrets } from '../../core/config/redact-secrets.js';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';
import { readPort } from './tcp-check.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

interface Target {
  host: string;
  port: number;
  tls: boolean;
  /** From the url's user info (`redis://:password@host` or `redis://user:password@host`). */
  username?: string;
  password?: string;
}

/**
 * Connects to Redis (`url` `redis://host:port`, `rediss://` for TLS, or `host`/`port`) with the
 * official client and sends PING, after AUTH when the url carries a password; ok when the server
 * answers PONG. One connection, never retried: a check that fails says why, and the gate decides.
 * The whole check — connecting, AUTH, PING — has `timeoutMs`, after which the connection is
 * dropped, whether the server never answered or never accepted.
 */
export async function runRedisCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const target = readTarget(Array.isArray(check.spec) ? {} : check.spec);
  if (typeof target === 'string') return { ok: false, message: target };
  const where = `${target.host}:${target.port}`;
  if (signal?.aborted) return { ok: false, message: `pinging ${where}: cancelled` };
  const client = createClient({
    socket: {
      host: target.host,
      port: target.port,
      ...(target.tls ? { tls: true as const, servername: target.host } : {}),
      connectTimeout: check.timeoutMs,
      reconnectStrategy: false,
    },
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    disableClientInfo: true,
    disableOfflineQueue: true,
  });
  // The client also reports a failure as an event; the promises below say it, so the event only has to be heard.
  client.on('error', () => undefined);
  const socketOpen = new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const connecting = client.connect();
  const pinging = (async (): Promise<Outcome> => {
    try {
      await connecting;
    } catch (error) {
      return { ok: false, message: error instanceof ErrorReply ? `${where} refused AUTH: ${error.message}` : `could not reach ${where}: ${messageOf(error)}` };
    }
    try {
      const reply = await client.ping();
      return reply === 'PONG'
        ? { ok: true, message: `${where} answered PONG` }
        : { ok: false, message: `${where} answered PING with ${JSON.stringify(String(reply).slice(0, 80))}, not PONG` };
    } catch (error) {
      return {
        ok: false,
        message: error instanceof ErrorReply ? `${where} refused PING: ${error.message}` : `${where} did not answer PING: ${messageOf(error)}`,
      };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `no answer from ${where} within ${check.timeoutMs}ms` }), check.timeoutMs);
    onAbort = () => resolve({ ok: false, message: `pinging ${where}: cancelled` });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([pinging, cut]);
    // A server may quote what it was sent: the password of the url is no secret key of the service, so the runner would not know it.
    return target.password === undefined ? outcome : { ...outcome, message: redactSecrets(outcome.message, [target.password]) };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // A connection the client is still opening it cannot drop (it would open it after all and keep
    // it): wait until it is open or has failed, which its connect timeout bounds, then drop it.
    await Promise.race([socketOpen, connecting.then(ignore, ignore)]);
    if (client.isOpen) client.destroy();
    await pinging;
  }
}

function ignore(): void {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readTarget(spec: Record<string, unknown>): Target | string {
  if (typeof spec.url === 'string') {
    if (!URL.canParse(spec.url)) return 'the redis url is not a URL';
    const url = new URL(spec.url);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `the redis url must start with redis:// or rediss:// (not ${url.protocol}//)`;
    const port = url.port === '' ? 6379 : readPort(url.port);
    if (port === undefined) return `the redis url has an invalid port`;
    const username = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    // URL keeps IPv6 hosts in brackets; net wants them bare.
    const target: Target = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, tls: url.protocol === 'rediss:' };
    if (password !== '') Object.assign(target, { password }, username === '' ? {} : { username });
    return target;
  }
  const host = typeof spec.host === 'string' && spec.host !== '' ? spec.host : '127.0.0.1';
  const port = spec.port === undefined ? 6379 : readPort(spec.port);
  if (port === undefined) return `the port ${JSON.stringify(spec.port)} is not a port (1-65535)`;
  return { host, port, tls: false };
}
