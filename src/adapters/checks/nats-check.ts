import { jetstreamManager } from '@nats-io/jetstream';
import { connect, createInbox, type NatsConnection, NoRespondersError, TimeoutError } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';
import { type Address, readAddresses, showAddress } from './read-addresses.js';
import { natsGreetingProblem } from './nats-greeting.js';
import { readPort } from './tcp-check.js';
import { messageOf, withinDeadline } from './within-deadline.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

interface Target {
  servers: Address[];
  user?: string;
  password?: string;
  token?: string;
}

/**
 * Connects to NATS with the official client (`servers`, `host:port` or `nats://` URLs; or `host`
 * and `port`, default 127.0.0.1:4222), with `user`/`password` or `token` when given. Then, when
 * given, the JetStream stream (and its consumer) must exist, a `request` sent to `subject` must
 * get a reply, and with `round_trip` a message published on a fresh subject must come back. One
 * connection, never reconnected, the whole check within its timeout, closed whatever happened.
 */
export async function runNatsCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const spec = Array.isArray(check.spec) ? {} : check.spec;
  const target = readTarget(spec);
  if (typeof target === 'string') return { ok: false, message: target };
  const problem = readSteps(spec);
  if (problem) return { ok: false, message: problem };
  const where = target.servers.map(showAddress).join(', ');
  const started = performance.now();
  const left = () => Math.max(1, Math.round(check.timeoutMs - (performance.now() - started)));
  let stage = `connecting to ${where}`;
  let connection: NatsConnection | undefined;
  // Set when the check has given up: the attempt opens nothing more.
  let over = false;
  const attempt = (async (): Promise<Outcome> => {
    const greeted = await firstGreeting(target.servers, left, signal);
    if (typeof greeted === 'string') return { ok: false, message: greeted };
    if (over) return { ok: false, message: 'gave up' };
    const connecting = connect({
      servers: [showAddress(greeted)],
      timeout: left(),
      reconnect: false,
      maxReconnectAttempts: 0,
      // The server the check names is the one it checks, not those the cluster gossips.
      ignoreClusterUpdates: true,
      name: 'tranche check',
      ...(target.user !== undefined ? { user: target.user, pass: target.password ?? '' } : {}),
      ...(target.token !== undefined ? { token: target.token } : {}),
    });
    try {
      connection = await connecting;
    } catch (error) {
      const text = messageOf(error);
      if (/authorization violation|authentication/i.test(text)) return { ok: false, message: `${showAddress(greeted)} refused ${login(target)}: ${text}` };
      return { ok: false, message: `could not connect to ${showAddress(greeted)}: ${text}` };
    }
    const server = connection.getServer();
    const seen = [`connected to ${server}`];
    const stream = typeof spec.stream === 'string' && spec.stream !== '' ? spec.stream : undefined;
    if (stream !== undefined) {
      stage = `looking up the JetStream stream ${stream} on ${server}`;
      try {
        const manager = await jetstreamManager(connection, { timeout: left() });
        const info = await manager.streams.info(stream);
        seen.push(`the stream ${stream} exists (${count(info.state.messages, 'message')})`);
        if (typeof spec.consumer === 'string' && spec.consumer !== '') {
          stage = `looking up the consumer ${spec.consumer} of the stream ${stream} on ${server}`;
          const consumer = await manager.consumers.info(stream, spec.consumer);
          seen.push(`its consumer ${spec.consumer} exists (${count(consumer.num_pending, 'message')} pending)`);
        }
      } catch (error) {
        return { ok: false, message: jetStreamProblem(error, stream, spec.consumer, server) };
      }
    }
    if (typeof spec.request === 'string' && typeof spec.subject === 'string') {
      const subject = spec.subject;
      stage = `waiting for a reply on ${subject} from ${server}`;
      try {
        const reply = await connection.request(subject, spec.request, { timeout: left() });
        seen.push(`a reply of ${count(reply.data.length, 'byte')} came back on ${subject}`);
      } catch (error) {
        if (hasCause(error, NoRespondersError)) return { ok: false, message: `no one answers requests on ${subject} at ${server}` };
        if (hasCause(error, TimeoutError)) return { ok: false, message: `no reply on ${subject} from ${server} within ${check.timeoutMs}ms` };
        return { ok: false, message: `the request on ${subject} to ${server} failed: ${messageOf(error)}` };
      }
    }
    if (spec.round_trip === true) {
      stage = `sending a message to itself through ${server}`;
      const subject = createInbox();
      const subscription = connection.subscribe(subject, { max: 1, timeout: left() });
      // The subscription ends by its own timeout when nothing comes back.
      const back = (async () => {
        try {
          for await (const _ of subscription) return true;
        } catch {
          return false;
        }
        return false;
      })();
      connection.publish(subject, 'tranche');
      if (!(await back)) return { ok: false, message: `a message published on ${server} did not come back within ${check.timeoutMs}ms` };
      seen.push('a message made the round trip');
    }
    return { ok: true, message: seen.join('; ') };
  })().catch((error: unknown) => ({ ok: false, message: `${stage} failed: ${messageOf(error)}` }));
  try {
    return await withinDeadline(attempt, check.timeoutMs, signal, () => stage, [target.password, target.token]);
  } finally {
    over = true;
    // Closing ends what the attempt still waits for. An attempt still connecting ends within the
    // timeout (every step is bounded); what it opened by then is closed then.
    await connection?.close().catch(ignore);
    void attempt.then(() => connection?.close()).catch(ignore);
  }
}

function ignore(): void {}

/** What the check logged in with, for a refusal: never the password or token itself. */
function login(target: Target): string {
  if (target.user !== undefined) return `the credentials of ${target.user}`;
  return target.token !== undefined ? 'the token' : 'a connection without credentials';
}

/** The first server that greets as NATS does, in the order given, or why none did. */
async function firstGreeting(servers: Address[], left: () => number, signal: AbortSignal | undefined): Promise<Address | string> {
  const problems: string[] = [];
  for (const server of servers) {
    const problem = await natsGreetingProblem(server, left(), signal);
    if (problem === undefined) return server;
    problems.push(problem);
  }
  return problems.join('; ');
}

function jetStreamProblem(error: unknown, stream: string, consumer: unknown, server: string): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'StreamNotFoundError') return `the JetStream stream ${stream} does not exist on ${server}`;
  if (name === 'ConsumerNotFoundError') return `the stream ${stream} has no consumer ${String(consumer)} on ${server}`;
  if (name === 'JetStreamNotEnabled' || /jetstream (is )?not enabled/i.test(messageOf(error))) return `JetStream is not enabled on ${server}`;
  return `looking up the stream ${stream} on ${server} failed: ${messageOf(error)}`;
}

/** Whether the error, or one it wraps, is of this class (the client wraps a request's failures). */
function hasCause(error: unknown, type: new (...args: never[]) => Error): boolean {
  let at: unknown = error;
  for (let depth = 0; depth < 5 && at instanceof Error; depth++) {
    if (at instanceof type) return true;
    at = (at as Error).cause;
  }
  return false;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What the spec asks beyond connecting, when it asks it in a way the check cannot do. */
function readSteps(spec: Record<string, unknown>): string | undefined {
  if (spec.consumer !== undefined && spec.stream === undefined) return 'a nats check with a consumer needs the stream it belongs to';
  if (spec.request !== undefined && (typeof spec.subject !== 'string' || spec.subject === ''))
    return 'a nats check with a request needs the subject to send it to';
  if (spec.subject !== undefined && spec.request === undefined) return 'a nats check sends a request on its subject: give the request too';
  return undefined;
}

function readTarget(spec: Record<string, unknown>): Target | string {
  const credentials = {
    ...(typeof spec.user === 'string' && spec.user !== '' ? { user: spec.user } : {}),
    ...(typeof spec.password === 'string' && spec.password !== '' ? { password: spec.password } : {}),
    ...(typeof spec.token === 'string' && spec.token !== '' ? { token: spec.token } : {}),
  };
  if (spec.servers === undefined) {
    const host = typeof spec.host === 'string' && spec.host !== '' ? spec.host : '127.0.0.1';
    const port = spec.port === undefined ? 4222 : readPort(spec.port);
    if (port === undefined) return `the port ${JSON.stringify(spec.port)} is not a port (1-65535)`;
    return { servers: [{ host, port }], ...credentials };
  }
  // A nats:// URL may carry user:password or a token; the servers' list keeps only where they are.
  const plain: string[] = [];
  const fromUrls: Omit<Target, 'servers'> = {};
  for (const entry of (Array.isArray(spec.servers) ? spec.servers : [spec.servers]).flatMap((s) => (typeof s === 'string' ? s.split(/[\s,]+/) : [s]))) {
    if (typeof entry !== 'string' || !entry.includes('://')) {
      plain.push(entry as string);
      continue;
    }
    if (!URL.canParse(entry)) return 'a nats server URL is not a URL';
    const url = new URL(entry);
    if (url.protocol !== 'nats:') return `a nats server URL must start with nats:// (not ${url.protocol}//)`;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    if (user !== '' && password === '') fromUrls.token = user;
    else if (user !== '') Object.assign(fromUrls, { user, password });
    plain.push(url.host);
  }
  const servers = readAddresses(plain, 4222, 'nats servers');
  if (typeof servers === 'string') return servers;
  return { servers, ...fromUrls, ...credentials };
}
