import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveFleet } from '../../../src/core/config/resolve-fleet.js';
import type { Finding } from '../../../src/core/finding.js';
import type { FleetRevision } from '../../../src/core/fleet-revision.js';
import { checkConfig } from '../../../src/core/rules/check-config.js';
import { baseFleet, clone, revision } from '../../support/fleet-builder.js';
import { testFingerprints } from '../../support/fingerprints.js';

function findings(rule: string, env: string, to: FleetRevision, from: FleetRevision): Finding[] {
  const { findings: all } = checkConfig({
    env,
    to,
    toConfigs: resolveFleet(to),
    deployed: [{ revision: from, configs: resolveFleet(from), services: new Set(to.manifest.services.keys()) }],
    fingerprints: testFingerprints,
  });
  return all.filter((f) => f.rule === rule);
}

const DEFAULTS = { 'services/orders/config/defaults.yaml': 'PORT: 8080\n' };

/** The base fleet with a kafka, an amqp and a nats resource, which orders uses. */
function brokerFleet(): Record<string, any> {
  const fleet = clone(baseFleet());
  const both = (values: object) => ({ dev: { ...values }, prod: { ...values } });
  fleet.resources.events = { kind: 'kafka', values: both({ brokers: 'kafka-1:9092,kafka-2:9092', topic: 'orders.created' }) };
  fleet.resources.bus = { kind: 'amqp', values: both({ host: 'rabbit', port: 5672, vhost: 'shop', queue: 'orders' }) };
  fleet.resources.stream = { kind: 'nats', values: both({ servers: 'nats://nats-1:4222', subject: 'orders.created', stream: 'ORDERS' }) };
  fleet.services.orders.uses = ['orders-db', 'events', 'bus', 'stream'];
  return fleet;
}

describe('config/stale-value on broker resources', () => {
  test('fires on a literal still holding the old queue, topic or stream of a resource the service uses', () => {
    const fleet = brokerFleet();
    Object.assign(fleet.services.orders.config.schema, {
      AMQP_QUEUE: { type: 'string' },
      KAFKA_TOPIC: { type: 'string' },
      NATS_STREAM: { type: 'string' },
    });
    const files = { ...DEFAULTS, 'services/orders/config/prod.yaml': 'AMQP_QUEUE: orders\nKAFKA_TOPIC: orders.created\nNATS_STREAM: ORDERS\n' };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources.bus.values.prod.queue = 'orders.v2';
    next.resources.events.values.prod.topic = 'orders.created.v2';
    next.resources.stream.values.prod.stream = 'ORDERS_V2';
    const found = findings('config/stale-value', 'prod', revision(next, files), from);
    assert.deepEqual(
      found.map((f) => [f.key, f.location?.file, f.location?.line]),
      [
        ['KAFKA_TOPIC', 'services/orders/config/prod.yaml', 2],
        ['AMQP_QUEUE', 'services/orders/config/prod.yaml', 1],
        ['NATS_STREAM', 'services/orders/config/prod.yaml', 3],
      ],
    );
    assert.match(found[1]!.message, /old value of bus\.queue \(now orders\.v2\)/);
    assert.match(found[1]!.hint!, /AMQP_QUEUE: \{ bind: bus\.queue \}/);
    // In dev the resources did not change.
    assert.deepEqual(findings('config/stale-value', 'dev', revision(next, files), from), []);
  });

  test('fires on a string that still names a broker the list no longer has, in any service', () => {
    const fleet = brokerFleet();
    fleet.services.orders.config.schema.EVENTS_BOOTSTRAP = { type: 'string' };
    fleet.services.orders.config.schema.NATS_URL = { type: 'string' };
    const files = { ...DEFAULTS, 'services/orders/config/prod.yaml': 'EVENTS_BOOTSTRAP: kafka-2:9092\nNATS_URL: nats://nats-1:4222\n' };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources.events.values.prod.brokers = 'kafka-1:9092,kafka-3:9092';
    next.resources.stream.values.prod.servers = 'nats://app:pw@nats-9:4222';
    const found = findings('config/stale-value', 'prod', revision(next, files), from);
    assert.deepEqual(
      found.map((f) => [f.key, f.message]),
      [
        [
          'EVENTS_BOOTSTRAP',
          'services/orders/config/prod.yaml sets EVENTS_BOOTSTRAP to "kafka-2:9092", the old address of events (kafka-2:9092, now kafka-1:9092, kafka-3:9092)',
        ],
        ['NATS_URL', 'services/orders/config/prod.yaml sets NATS_URL to "nats://nats-1:4222", the old value of stream.servers (now nats://app:pw@nats-9:4222)'],
      ],
    );
  });

  test('fires on a string that still holds the host and port of an amqp url that moved', () => {
    const fleet = brokerFleet();
    fleet.resources.bus.values.prod = { url: 'amqp://orders@rabbit-1:5672/shop', queue: 'orders' };
    fleet.services.orders.config.schema.BROKER_HEALTH = { type: 'string' };
    const files = { ...DEFAULTS, 'services/orders/config/prod.yaml': 'BROKER_HEALTH: http://rabbit-1:5672/api\n' };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources.bus.values.prod.url = 'amqp://orders@rabbit-2:5672/shop';
    const found = findings('config/stale-value', 'prod', revision(next, files), from);
    assert.deepEqual(
      found.map((f) => [f.key, f.message]),
      [
        [
          'BROKER_HEALTH',
          'services/orders/config/prod.yaml sets BROKER_HEALTH to "http://rabbit-1:5672/api", the old address of bus (rabbit-1:5672, now rabbit-2:5672)',
        ],
      ],
    );
  });

  test('does not fire on a broker that stays in the list, nor on a key bound to the resource', () => {
    const fleet = brokerFleet();
    fleet.services.orders.config.schema.EVENTS_BOOTSTRAP = { type: 'string' };
    fleet.services.orders.config.schema.KAFKA_BROKERS = { type: 'string', bind: 'events.brokers' };
    const files = { ...DEFAULTS, 'services/orders/config/prod.yaml': 'EVENTS_BOOTSTRAP: kafka-1:9092\n' };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources.events.values.prod.brokers = 'kafka-1:9092,kafka-3:9092';
    assert.deepEqual(findings('config/stale-value', 'prod', revision(next, files), from), []);
  });
});

describe('config/shadowed-change on broker resources', () => {
  test('fires when a bound stream changes but a deployment variable still wins', () => {
    const fleet = brokerFleet();
    fleet.services.orders.config.schema.NATS_STREAM = { type: 'string', bind: 'stream.stream' };
    const files = { ...DEFAULTS, 'services/orders/deploy/prod.env': 'NATS_STREAM=ORDERS\n' };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources.stream.values.prod.stream = 'ORDERS_V2';
    next.resources.stream.values.dev.stream = 'ORDERS_V2';
    const to = revision(next, files);
    const found = findings('config/shadowed-change', 'prod', to, from);
    assert.deepEqual(
      found.map((f) => [f.key, f.location?.file, f.location?.line]),
      [['NATS_STREAM', 'services/orders/deploy/prod.env', 1]],
    );
    assert.match(found[0]!.message, /ORDERS → ORDERS_V2/);
    assert.deepEqual(findings('config/shadowed-change', 'dev', to, from), []);
  });
});

describe('a key bound to a resource password or token', () => {
  test('is a secret, and a password written in tranche.yaml is a config/plaintext-secret there', () => {
    const fleet = brokerFleet();
    fleet.resources.bus.values.prod.password = 'pw-Bound-In-Manifest';
    fleet.resources.stream.values.prod.token = 'tok-Bound-In-Manifest';
    Object.assign(fleet.services.orders.config.schema, {
      AMQP_PASSWORD: { type: 'string', bind: 'bus.password' },
      NATS_TOKEN: { type: 'string', bind: 'stream.token' },
      AMQP_VHOST: { type: 'string', bind: 'bus.vhost' },
    });
    const to = revision(fleet, DEFAULTS);
    const config = resolveFleet(to).get('prod')!.get('orders')!;
    assert.equal(config.keys.get('AMQP_PASSWORD')!.spec.secret, true);
    assert.equal(config.keys.get('NATS_TOKEN')!.spec.secret, true);
    assert.notEqual(config.keys.get('AMQP_VHOST')!.spec.secret, true);
    const found = findings('config/plaintext-secret', 'prod', to, to);
    assert.deepEqual(
      found.map((f) => [f.key, f.location?.file]),
      [
        ['AMQP_PASSWORD', 'tranche.yaml'],
        ['NATS_TOKEN', 'tranche.yaml'],
      ],
    );
    for (const finding of found) assert.doesNotMatch(JSON.stringify(finding), /Bound-In-Manifest/);
  });
});
