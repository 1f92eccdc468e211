import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';
import { readPort } from './tcp-check.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

interface Target {
  host: string;
  port: number;
  tls: boolean;
  /** `AUTH` arguments from the url's user info (`redis://:password@host` or `redis://user:password@host`). */
  auth: string[];
}

/**
 * Connects to Redis (`url` `redis://host:port`, `rediss://` for TLS, or `host`/`port`) and sends
 * PING, preceded by AUTH when the url carries a password; ok when the server answers `+PONG`.
 */
export function runRedisCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const target = readTarget(Array.isArray(check.spec) ? {} : check.spec);
  if (typeof target === 'string') return Promise.resolve({ ok: false, message: target });
  const where = `${target.host}:${target.port}`;
  const commands = [...(target.auth.length > 0 ? [['AUTH', ...target.auth]] : []), ['PING']];

  return new Promise((resolve) => {
    const socket: Socket = target.tls ? connectTls({ host: target.host, port: target.port, servername: target.host }) : connectTcp({ host: target.host, port: target.port });
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ ok: false, message: `pinging ${where}: cancelled` });
    const timer = setTimeout(() => finish({ ok: false, message: `no answer from ${where} within ${check.timeoutMs}ms` }), check.timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.once(target.tls ? 'secureConnect' : 'connect', () => socket.write(commands.map(encode).join('')));
    socket.once('error', (error) => finish({ ok: false, message: `could not reach ${where}: ${error.message}` }));
    socket.once('end', () => finish({ ok: false, message: `${where} closed the connection without answering PING` }));
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      // Each command answers with one line here (+OK, +PONG or -ERROR); anything else is not Redis.
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const reply = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const command = commands.shift()?.[0] ?? 'PING';
        if (reply.startsWith('-')) return finish({ ok: false, message: `${where} refused ${command}: ${reply.slice(1)}` });
        if (command === 'PING') {
          if (reply === '+PONG') return finish({ ok: true, message: `${where} answered PONG` });
          return finish({ ok: false, message: `${where} answered PING with ${JSON.stringify(reply.slice(0, 80))}, not +PONG` });
        }
      }
    });
  });
}

function readTarget(spec: Record<string, unknown>): Target | string {
  if (typeof spec.url === 'string') {
    if (!URL.canParse(spec.url)) return 'the redis url is not a URL';
    const url = new URL(spec.url);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `the redis url must start with redis:// or rediss:// (not ${url.protocol}//)`;
    const port = url.port === '' ? 6379 : readPort(url.port);
    if (port === undefined) return `the redis url has an invalid port`;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const auth = password === '' ? [] : user === '' ? [password] : [user, password];
    // URL keeps IPv6 hosts in brackets; net wants them bare.
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, tls: url.protocol === 'rediss:', auth };
  }
  const host = typeof spec.host === 'string' && spec.host !== '' ? spec.host : '127.0.0.1';
  const port = spec.port === undefined ? 6379 : readPort(spec.port);
  if (port === undefined) return `the port ${JSON.stringify(spec.port)} is not a port (1-65535)`;
  return { host, port, tls: false, auth: [] };
}

/** A command as a RESP array of bulk strings. */
function encode(args: string[]): string {
  return `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('');
}
