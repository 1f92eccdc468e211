import kafkajs, { type Admin, type SASLOptions } from 'kafkajs';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';
import { type Address, readAddresses, showAddress } from './read-addresses.js';
import { messageOf, withinDeadline } from './within-deadline.js';

const { Kafka, logLevel } = kafkajs;

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

interface Target {
  brokers: Address[];
  topic?: string;
  partitions?: number;
  sasl?: SASLOptions;
  password?: string;
  tls: boolean;
}

/**
 * Connects to Kafka with KafkaJS's admin client (`brokers`, a `host:port` list; SASL with `user`
 * and `password`, TLS with `tls: true`) and reads the cluster's metadata: with `topic`, the topic
 * must exist (it is never created), with `partitions` it must have exactly that many. No retry and
 * no logging (a log line could carry a credential), the whole check within its timeout, the
 * connections closed whatever happened.
 */
export async function runKafkaCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const target = readTarget(Array.isArray(check.spec) ? {} : check.spec);
  if (typeof target === 'string') return { ok: false, message: target };
  const where = target.brokers.map(showAddress).join(', ');
  let stage = `connecting to ${where}`;
  const admin = new Kafka({
    clientId: 'tranche-check',
    brokers: target.brokers.map(showAddress),
    connectionTimeout: check.timeoutMs,
    requestTimeout: check.timeoutMs,
    enforceRequestTimeout: true,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
    ssl: target.tls,
    ...(target.sasl ? { sasl: target.sasl } : {}),
  }).admin({ retry: { retries: 0 } });
  const connecting = admin.connect();
  // Whether the attempt ended by itself, before the timeout or a cancellation.
  let decided = false;
  const attempt = (async (): Promise<Outcome> => {
    try {
      await connecting;
      stage = `reading the metadata of ${target.topic === undefined ? 'the cluster' : `the topic ${target.topic}`} from ${where}`;
      return target.topic === undefined ? await describeCluster(admin, where) : await describeTopic(admin, target.topic, target.partitions, where);
    } catch (error) {
      return { ok: false, message: describeError(error, stage, target.topic, where) };
    }
  })().finally(() => {
    decided = true;
  });
  try {
    return await withinDeadline(attempt, check.timeoutMs, signal, () => stage, [target.password]);
  } finally {
    // A connection still opening gives up within the timeout (KafkaJS's connection and request
    // timeouts), and is closed then; a check given up on or cancelled does not wait for that.
    const closing = (async () => {
      await connecting.catch(ignore);
      await admin.disconnect().catch(ignore);
    })();
    if (decided) await closing;
  }
}

function ignore(): void {}

async function describeCluster(admin: Admin, where: string): Promise<Outcome> {
  const { brokers, clusterId } = await admin.describeCluster();
  return { ok: true, message: `connected to ${where}: cluster ${clusterId} has ${brokers.length} broker${brokers.length === 1 ? '' : 's'}` };
}

async function describeTopic(admin: Admin, topic: string, wanted: number | undefined, where: string): Promise<Outcome> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics.find((t) => t.name === topic)?.partitions.length;
  if (partitions === undefined) return { ok: false, message: `the topic ${topic} does not exist on the cluster at ${where}` };
  const has = `the topic ${topic} has ${partitions} partition${partitions === 1 ? '' : 's'}`;
  if (wanted !== undefined && partitions !== wanted) return { ok: false, message: `${has}, not ${wanted}, on the cluster at ${where}` };
  return { ok: true, message: `${has} on the cluster at ${where}` };
}

/** KafkaJS's error in words: the broker's own error type, or the network error under a wrapper. */
function describeError(error: unknown, stage: string, topic: string | undefined, where: string): string {
  const type = (error as { type?: unknown }).type;
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION' && topic !== undefined) return `the topic ${topic} does not exist on the cluster at ${where}`;
  const causes: string[] = [];
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 5; depth++) {
    const text = messageOf(at);
    if (!causes.includes(text)) causes.push(text);
    const inner = at as Error & { originalError?: unknown };
    at = inner.originalError ?? inner.cause;
  }
  const hint = causes.some((text) => /Closed connection/.test(text)) ? ' (the server closed the connection: is it a Kafka broker?)' : '';
  return `${stage} failed: ${causes.join(': ')}${hint}`;
}

function readTarget(spec: Record<string, unknown>): Target | string {
  const brokers = readAddresses(spec.brokers, 9092, 'kafka brokers');
  if (typeof brokers === 'string') return brokers;
  const topic = typeof spec.topic === 'string' && spec.topic !== '' ? spec.topic : undefined;
  let partitions: number | undefined;
  if (spec.partitions !== undefined) {
    partitions = typeof spec.partitions === 'number' ? spec.partitions : /^\d+$/.test(String(spec.partitions)) ? Number(spec.partitions) : NaN;
    if (!Number.isInteger(partitions) || partitions < 1) return `partitions ${JSON.stringify(spec.partitions)} is not a positive whole number`;
    if (topic === undefined) return 'a kafka check with partitions needs the topic they are of';
  }
  const mechanism = spec.mechanism ?? 'plain';
  if (!MECHANISMS.includes(mechanism as (typeof MECHANISMS)[number]))
    return `the SASL mechanism ${JSON.stringify(mechanism)} is not one of ${MECHANISMS.join(', ')}`;
  const user = typeof spec.user === 'string' && spec.user !== '' ? spec.user : undefined;
  const password = typeof spec.password === 'string' && spec.password !== '' ? spec.password : undefined;
  if ((user === undefined) !== (password === undefined)) return 'a kafka check with SASL needs both user and password';
  return {
    brokers,
    ...(topic !== undefined ? { topic } : {}),
    ...(partitions !== undefined ? { partitions } : {}),
    ...(user !== undefined && password !== undefined
      ? { sasl: { mechanism: mechanism as (typeof MECHANISMS)[number], username: user, password } as SASLOptions, password }
      : {}),
    tls: spec.tls === true,
  };
}
