import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, connect, type Options } from 'amqplib';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';
import { showAddress } from './read-addresses.js';
import { readPort } from './tcp-check.js';
import { messageOf, withinDeadline } from './within-deadline.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

/** How long a connection that is done with may take to close politely before its socket is dropped. */
const CLOSE_GRACE_MS = 500;

interface Target {
  connect: Options.Connect;
  /** `host:port`, for messages. */
  where: string;
  vhost: string;
  user: string;
  /** The password as given (RabbitMQ's default `guest` is no secret). */
  password?: string;
}

/**
 * Connects to an AMQP 0-9-1 broker (RabbitMQ) with amqplib: `url`, or `host`/`port`/`vhost`/
 * `user`/`password` (defaults 127.0.0.1, 5672, `/`, guest, guest). Then, when given, the queue
 * and the exchange must exist (a passive declare: nothing is created), and with `round_trip` a
 * message published to a temporary queue must come back. One connection, never retried, the
 * whole check within its timeout; the connection is closed whatever happened.
 */
export async function runAmqpCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const spec = Array.isArray(check.spec) ? {} : check.spec;
  const target = readTarget(spec);
  if (typeof target === 'string') return { ok: false, message: target };
  const at = `${target.where} (vhost ${target.vhost}, as ${target.user})`;
  let stage = `connecting to ${at}`;
  let model: ChannelModel | undefined;
  const connecting = connect(target.connect, { timeout: check.timeoutMs });
  const attempt = (async (): Promise<Outcome> => {
    try {
      model = await connecting;
    } catch (error) {
      return { ok: false, message: describeConnectError(error, target, at) };
    }
    // A broker that closes the connection on its own is reported by the step it interrupts.
    model.on('error', ignore);
    const seen: string[] = [`connected to ${at}`];
    if (typeof spec.queue === 'string' && spec.queue !== '') {
      const queue = spec.queue;
      stage = `checking the queue ${queue} on ${at}`;
      const found = await onChannel(model, (channel) => channel.checkQueue(queue));
      if (found instanceof Error) return { ok: false, message: missing('queue', queue, found, target) };
      seen.push(`the queue ${queue} exists (${count(found.messageCount, 'message')}, ${count(found.consumerCount, 'consumer')})`);
    }
    if (typeof spec.exchange === 'string' && spec.exchange !== '') {
      const exchange = spec.exchange;
      stage = `checking the exchange ${exchange} on ${at}`;
      const found = await onChannel(model, (channel) => channel.checkExchange(exchange));
      if (found instanceof Error) return { ok: false, message: missing('exchange', exchange, found, target) };
      seen.push(`the exchange ${exchange} exists`);
    }
    if (spec.round_trip === true) {
      stage = `sending a message through a temporary queue on ${at}`;
      const returned = await onChannel(model, roundTrip);
      if (returned instanceof Error) return { ok: false, message: `a message through a temporary queue on ${at} failed: ${serverText(returned)}` };
      seen.push('a message made the round trip through a temporary queue');
    }
    return { ok: true, message: seen.join('; ') };
  })().catch((error: unknown) => ({ ok: false, message: `${stage} failed: ${serverText(error)}` }));
  try {
    return await withinDeadline(attempt, check.timeoutMs, signal, () => stage, [target.password]);
  } finally {
    if (model) await close(model);
    // Still opening (given up on or cancelled): amqplib cannot stop a handshake, but gives it up by
    // itself within the timeout (its socket timeout); should the connection open, it is closed then.
    else void connecting.then(close, ignore);
  }
}

/** Runs one step on a channel of its own (a failed passive declare closes its channel), then closes it. */
async function onChannel<T>(model: ChannelModel, step: (channel: Channel) => Promise<T>): Promise<T | Error> {
  let channel: Channel | undefined;
  try {
    channel = await model.createChannel();
    channel.on('error', ignore);
    return await step(channel);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await channel?.close().catch(ignore);
  }
}

/** Publishes a unique message to a server-named, exclusive queue (gone with the connection) and waits for it. */
async function roundTrip(channel: Channel): Promise<void> {
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  const token = randomUUID();
  const back = new Promise<void>((resolve, reject) => {
    channel
      .consume(
        queue,
        (message) => {
          if (message?.content.toString() === token) resolve();
        },
        { noAck: true },
      )
      .catch(reject);
  });
  channel.sendToQueue(queue, Buffer.from(token));
  await back;
}

async function close(model: ChannelModel): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_GRACE_MS);
  });
  await Promise.race([model.close().catch(ignore), late]);
  clearTimeout(timer);
  // A broker that never answers the close would keep the socket, and the process, alive.
  (model.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
}

function describeConnectError(error: unknown, target: Target, at: string): string {
  const text = serverText(error);
  if (/ACCESS[-_]REFUSED/.test(text)) return `${target.where} refused the credentials of ${target.user}: ${text}`;
  // RabbitMQ refuses an unknown vhost, or one the user may not use, by closing the connection as it opens.
  if (/NOT[-_]ALLOWED|Expected ConnectionOpenOk; got <ConnectionClose/.test(text)) {
    return `${target.where} refused to open vhost ${target.vhost} for ${target.user} (it does not exist, or the user has no access to it)`;
  }
  if (/Frame size|frame|Expected ConnectionStart/i.test(text)) return `${target.where} answered, but not as an AMQP 0-9-1 broker (${text})`;
  if (/ETIMEDOUT/.test(text)) return `${at} accepted no AMQP connection (no handshake) in time`;
  return `could not connect to ${at}: ${text}`;
}

/** The broker's reason for a failed passive declare: a 404 means it is not there. */
function missing(what: 'queue' | 'exchange', name: string, error: Error, target: Target): string {
  const text = serverText(error);
  if (/\b404\b|NOT[-_]FOUND/.test(text)) return `the ${what} ${name} does not exist in vhost ${target.vhost} on ${target.where}`;
  if (/\b403\b|ACCESS[-_]REFUSED/.test(text)) return `${target.user} may not use the ${what} ${name} in vhost ${target.vhost} on ${target.where}: ${text}`;
  return `checking the ${what} ${name} in vhost ${target.vhost} on ${target.where} failed: ${text}`;
}

/** The server's own words when it gave them (`NOT_FOUND - no queue 'x' in vhost '/'`), else the error's message. */
function serverText(error: unknown): string {
  const text = messageOf(error);
  return /with message "([^"]*)"/.exec(text)?.[1] ?? text;
}

/** RabbitMQ's built-in login, guest/guest, is no secret: hiding it would only hide the user's name. */
function isDefaultLogin(user: string, password: string): boolean {
  return user === 'guest' && password === 'guest';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function ignore(): void {}

function readTarget(spec: Record<string, unknown>): Target | string {
  if (typeof spec.url === 'string') {
    if (!URL.canParse(spec.url)) return 'the amqp url is not a URL';
    const url = new URL(spec.url);
    if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') return `the amqp url must start with amqp:// or amqps:// (not ${url.protocol}//)`;
    const port = url.port === '' ? (url.protocol === 'amqp:' ? 5672 : 5671) : readPort(url.port);
    if (port === undefined) return 'the amqp url has an invalid port';
    // As RabbitMQ reads it: no path is the default vhost `/`; `/%2F` is `/` too.
    const vhost = url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/';
    const given = url.username !== '' || url.password !== '';
    const user = given ? decodeURIComponent(url.username) : 'guest';
    const password = given ? decodeURIComponent(url.password) : 'guest';
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return {
      connect: { protocol: url.protocol.slice(0, -1), hostname, port, vhost, username: user, password },
      where: `${url.hostname}:${port}`,
      vhost,
      user,
      ...(given && !isDefaultLogin(user, password) ? { password } : {}),
    };
  }
  const host = typeof spec.host === 'string' && spec.host !== '' ? spec.host : '127.0.0.1';
  const port = spec.port === undefined ? 5672 : readPort(spec.port);
  if (port === undefined) return `the port ${JSON.stringify(spec.port)} is not a port (1-65535)`;
  const vhost = typeof spec.vhost === 'string' && spec.vhost !== '' ? spec.vhost : '/';
  const user = typeof spec.user === 'string' && spec.user !== '' ? spec.user : 'guest';
  const given = typeof spec.password === 'string' ? spec.password : undefined;
  return {
    connect: { protocol: 'amqp', hostname: host, port, vhost, username: user, password: given ?? (user === 'guest' ? 'guest' : '') },
    where: showAddress({ host, port }),
    vhost,
    user,
    ...(given !== undefined && !isDefaultLogin(user, given) ? { password: given } : {}),
  };
}
