import type { Destination } from './async-api-model.js';

/** Server protocols by the broker family they speak. */
const FAMILIES: Record<string, string> = { kafka: 'kafka', 'kafka-secure': 'kafka', amqp: 'amqp', amqps: 'amqp', nats: 'nats' };
const BOUND = ['kafka', 'amqp', 'nats'];

/**
 * The protocol and broker destination of a channel. A binding for exactly one of kafka, amqp and
 * nats says the protocol; otherwise the servers the channel is on must agree on one. A Kafka
 * channel is a topic (the binding's `topic`, else the address); an AMQP channel a queue (`is:
 * queue`, its `queue.name`) or an exchange (`is: routingKey`, its `exchange.name`): the
 * binding's `is` defaults to the one it describes, and a queue named by the address when there is
 * no binding; a NATS channel a subject.
 */
export function destinationOf(address: string, servers: unknown[], bindings: unknown): { protocol?: string; destination: Destination } {
  const bound = isMapping(bindings) ? BOUND.filter((p) => bindings[p] !== undefined) : [];
  const families = new Set(servers.map((s) => (isMapping(s) && typeof s.protocol === 'string' ? (FAMILIES[s.protocol] ?? s.protocol) : undefined)));
  const protocol = bound.length === 1 ? bound[0] : families.size === 1 ? [...families][0] : undefined;
  const binding = protocol !== undefined && isMapping(bindings) && isMapping(bindings[protocol]) ? bindings[protocol] : {};
  const named = (value: unknown) => (isMapping(value) && typeof value.name === 'string' ? value.name : address);
  const destination: Destination =
    protocol === 'kafka'
      ? { kind: 'topic', name: typeof binding.topic === 'string' ? binding.topic : address }
      : protocol === 'amqp'
        ? amqpDestination(binding, named)
        : { kind: protocol === 'nats' ? 'subject' : 'channel', name: address };
  return { ...(protocol !== undefined ? { protocol } : {}), destination };
}

function amqpDestination(binding: Record<string, unknown>, named: (value: unknown) => string): Destination {
  const exchange = binding.is === 'routingKey' || (binding.is === undefined && binding.exchange !== undefined);
  return exchange ? { kind: 'exchange', name: named(binding.exchange) } : { kind: 'queue', name: named(binding.queue) };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
