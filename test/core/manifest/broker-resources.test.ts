import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/manifest/parse-manifest.js';
import { formatLocation } from '../../../src/core/location.js';

const FLEET = `version: 1
name: shop
environments:
  dev: { driver: local }
resources:
  events:
    kind: kafka
    values:
      dev: { brokers: "127.0.0.1:9092,127.0.0.1:9093", topic: orders.created, partitions: 6 }
  bus:
    kind: amqp
    values:
      dev: { host: 127.0.0.1, port: 5672, vhost: shop, user: orders, queue: orders, exchange: events }
  stream:
    kind: nats
    values:
      dev: { servers: "nats://127.0.0.1:4222", subject: orders.created, stream: ORDERS, consumer: billing }
services:
  orders:
    path: services/orders
    uses: [events, bus, stream]
    config:
      schema:
        KAFKA_BROKERS: { type: string, bind: events.brokers }
        AMQP_QUEUE: { type: string, bind: bus.queue }
        NATS_URL: { type: string, bind: stream.servers }
        AMQP_PASSWORD: { type: string, secret: true }
    checks:
      health:
        kafka: { brokers: "\${KAFKA_BROKERS}", topic: orders.created, partitions: 6 }
      sanity:
        - name: the queue is there
          timeout: 2s
          amqp: { host: 127.0.0.1, user: orders, password: "\${AMQP_PASSWORD}", queue: "\${AMQP_QUEUE}", round_trip: true }
        - nats: { servers: ["\${NATS_URL}"], stream: ORDERS, consumer: billing }
        - nats: { host: 127.0.0.1, port: 4222, subject: orders.ping, request: ping }
`;

/** `tranche.yaml:LINE:COL: message` of each problem. */
function problems(text: string): string[] {
  return parseManifest(text).findings.map((f) => `${formatLocation(f.location!)}: ${f.message}`);
}

describe('broker resources and checks in tranche.yaml', () => {
  test('a fleet with kafka, amqp and nats resources, bound keys and checks of each kind is valid', () => {
    const { manifest, findings } = parseManifest(FLEET);
    assert.deepEqual(findings, []);
    assert.deepEqual(
      [...manifest!.resources.values()].map((r) => [r.name, r.kind]),
      [
        ['events', 'kafka'],
        ['bus', 'amqp'],
        ['stream', 'nats'],
      ],
    );
    assert.equal(manifest!.resources.get('events')!.values.get('dev')!.get('brokers'), '127.0.0.1:9092,127.0.0.1:9093');
    const orders = manifest!.services.get('orders')!;
    assert.deepEqual(orders.config.schema.get('AMQP_QUEUE')!.bind, { resource: 'bus', field: 'queue' });
    assert.deepEqual(
      orders.checks!.sanity!.map((c) => Object.keys(c).find((k) => k !== 'name' && k !== 'timeout')),
      ['amqp', 'nats', 'nats'],
    );
  });

  test('a misspelt broker field is refused at its line and column, with the field it was meant to be', () => {
    const text = FLEET.replace('vhost: shop, user: orders, queue:', 'vhost: shop, user: orders, quue:').replace(
      'subject: orders.created, stream:',
      'subjct: orders.created, stream:',
    );
    assert.deepEqual(problems(text), [
      'tranche.yaml:13:70: the amqp resource bus has no field quue (did you mean queue?); its fields: url, host, port, vhost, user, password, queue, exchange',
      'tranche.yaml:17:48: the nats resource stream has no field subjct (did you mean subject?); its fields: servers, host, port, user, password, token, subject, stream, consumer',
      // The key bound to it binds to nothing now: one mistake, both places that show it.
      'tranche.yaml:25:43: AMQP_QUEUE binds to bus.queue, but bus has no field queue (did you mean quue?)',
    ]);
  });

  test('a broker resource that does not say where it is, in an environment, is refused there', () => {
    const text = FLEET.replace('dev: { brokers: "127.0.0.1:9092,127.0.0.1:9093", topic:', 'dev: { topic:');
    assert.deepEqual(problems(text), [
      'tranche.yaml:9:7: the kafka resource events needs brokers in dev',
      'tranche.yaml:24:46: KAFKA_BROKERS binds to events.brokers, but events has no field brokers',
    ]);
  });

  test('check fields are those of their kind, and a kafka check needs its brokers', () => {
    const text = FLEET.replace(
      'kafka: { brokers: "${KAFKA_BROKERS}", topic: orders.created, partitions: 6 }',
      'kafka: { topic: orders.created, partitons: 6 }',
    ).replace('round_trip: true', 'round_trip: yes-please');
    assert.deepEqual(problems(text), [
      'tranche.yaml:30:9: services.orders.checks.health.kafka is missing the required key brokers',
      'tranche.yaml:30:41: unknown key partitons in services.orders.checks.health.kafka (did you mean partitions?)',
      'tranche.yaml:34:116: services.orders.checks.sanity.0.amqp.round_trip must be true or false, found the string "yes-please"',
    ]);
  });

  test('an unknown resource kind names the broker kinds', () => {
    assert.deepEqual(problems(FLEET.replace('kind: nats', 'kind: natss')), [
      'tranche.yaml:15:11: resources.stream.kind: "natss" is not one of postgres, redis, http, tcp, kafka, amqp, nats (did you mean nats?)',
    ]);
  });

  test('a check with two broker kinds is one kind too many', () => {
    const text = FLEET.replace(
      '- nats: { host: 127.0.0.1, port: 4222, subject: orders.ping, request: ping }',
      '- { nats: { host: 127.0.0.1 }, amqp: { host: 127.0.0.1 } }',
    );
    assert.deepEqual(problems(text), ['tranche.yaml:36:11: a check has amqp and nats: give one kind per check']);
  });
});
