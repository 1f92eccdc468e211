import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AsyncApiMessage } from '../../../../src/core/contracts/asyncapi/async-api-model.js';
import { compareFleetContracts, type Consumption, type FleetContracts, type ServiceContracts, unsentEvents } from '../../../../src/core/contracts/index.js';

const order = { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'number' } } };
const orderWithoutTotal = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
const message = (name: string, payload: unknown): AsyncApiMessage => ({ name, format: 'json-schema', payload });

let n = 0;
/** A service that sends `channels` (AsyncAPI messages, or one JSON Schema) and consumes `consumes`. */
function service(channels: Record<string, AsyncApiMessage[] | { schema: unknown }> = {}, consumes: Record<string, Consumption> = {}): ServiceContracts {
  const events = Object.entries(channels).map(([name, sent]) => {
    const fingerprint = `${JSON.stringify(sent)}${n++}`;
    return [
      name,
      Array.isArray(sent)
        ? { path: 'asyncapi.yaml', fingerprint, document: undefined, messages: sent }
        : { path: 'e.json', fingerprint, document: sent.schema },
    ] as const;
  });
  return { events: new Map(events), consumes: new Map(Object.entries(consumes)) };
}
const fleet = (services: Record<string, ServiceContracts>): FleetContracts => new Map(Object.entries(services));
const reads: Consumption = { http: false, event: true };

describe('AsyncAPI channels as fleet events', () => {
  test('a JSON Schema event that becomes an AsyncAPI channel of one message is compared as that message', () => {
    const from = fleet({ orders: service({ 'orders.created': { schema: order } }), mailer: service({}, { 'orders.created': reads }) });
    const same = fleet({ orders: service({ 'orders.created': [message('OrderCreated', order)] }), mailer: service({}, { 'orders.created': reads }) });
    assert.deepEqual(compareFleetContracts(from, same), []);
    const slimmer = fleet({
      orders: service({ 'orders.created': [message('OrderCreated', orderWithoutTotal)] }),
      mailer: service({}, { 'orders.created': reads }),
    });
    const [edge, ...rest] = compareFleetContracts(from, slimmer);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      edge!.oldConsumerNewProvider.map((c) => [c.id, c.operation, c.path]),
      [['response-required-property-removed', 'send orders.created', 'OrderCreated/properties/total']],
    );
  });

  test('two senders of one channel are two providers: only the one that changed reaches the consumer', () => {
    const build = (legacy: unknown) =>
      fleet({
        orders: service({ 'orders.created': [message('OrderCreated', order)] }),
        legacy: service({ 'orders.created': [message('OrderCreated', legacy)] }),
        mailer: service({}, { 'orders.created': reads }),
      });
    const edges = compareFleetContracts(build(order), build(orderWithoutTotal));
    assert.deepEqual(
      edges.map((e) => [e.consumer, e.provider, e.event, e.oldConsumerNewProvider.map((c) => c.id)]),
      [['mailer', 'legacy', 'orders.created', ['response-required-property-removed']]],
    );
  });

  test('a message added to a channel reaches old consumers; the new consumer does not find it in old messages', () => {
    const from = fleet({ orders: service({ 'orders.created': [message('OrderCreated', order)] }), mailer: service({}, { 'orders.created': reads }) });
    const to = fleet({
      orders: service({ 'orders.created': [message('OrderCreated', order), message('OrderAmended', order)] }),
      mailer: service({}, { 'orders.created': reads }),
    });
    const [edge] = compareFleetContracts(from, to);
    assert.deepEqual(
      edge!.oldConsumerNewProvider.map((c) => `${c.level} ${c.id} ${c.path}`),
      ['WARN asyncapi-sent-message-added OrderAmended'],
    );
    assert.deepEqual(
      edge!.newConsumerOldProvider.map((c) => `${c.level} ${c.id} ${c.path}`),
      ['WARN asyncapi-sent-message-removed OrderAmended'],
    );
  });

  test('an Avro channel breaks an old consumer when a field it reads loses its place in new messages', () => {
    const reading = (fields: unknown[]): AsyncApiMessage => ({ name: 'Reading', format: 'avro', payload: { type: 'record', name: 'Reading', fields } });
    const build = (fields: unknown[]) =>
      fleet({ telemetry: service({ 'sensors.readings': [reading(fields)] }), dashboard: service({}, { 'sensors.readings': reads }) });
    const withUnit = [
      { name: 'value', type: 'double' },
      { name: 'unit', type: 'string' },
    ];
    const [edge] = compareFleetContracts(build(withUnit), build([{ name: 'value', type: 'double' }]));
    assert.deepEqual(
      edge!.oldConsumerNewProvider.map((c) => `${c.level} ${c.id} ${c.operation}`),
      ['ERR asyncapi-avro-payload-incompatible send sensors.readings'],
    );
    assert.deepEqual(edge!.newConsumerOldProvider, [], 'a new consumer skips the unit old messages carry');
    const withDefault = [
      { name: 'value', type: 'double' },
      { name: 'unit', type: 'string', default: 'celsius' },
    ];
    assert.deepEqual(
      compareFleetContracts(build(withDefault), build([{ name: 'value', type: 'double' }])),
      [],
      'a field with a default reads from any message',
    );
  });

  test('an event read that no service emits is a finding where it is declared; manifest entries only when asked', () => {
    const at = { file: 'services/mailer/asyncapi.yaml', line: 22, column: 5 };
    const contracts = fleet({
      orders: service({ 'orders.created': [message('OrderCreated', order)] }),
      mailer: service(
        {},
        {
          'orders.created': { ...reads, document: 'services/mailer/asyncapi.yaml', declaredAt: { ...at, line: 10 } },
          'orders.cancelled': { ...reads, document: 'services/mailer/asyncapi.yaml', declaredAt: at },
          'orders.lost': { ...reads, declaredAt: { file: 'tranche.yaml', line: 30, column: 9 } },
        },
      ),
    });
    assert.deepEqual(
      unsentEvents(contracts, false).map((f) => [f.rule, f.service, f.message, f.location]),
      [['manifest/invalid', 'mailer', 'mailer receives from channel orders.cancelled (services/mailer/asyncapi.yaml), which no service sends to', at]],
    );
    assert.deepEqual(
      unsentEvents(contracts, true).map((f) => f.message),
      [
        'mailer receives from channel orders.cancelled (services/mailer/asyncapi.yaml), which no service sends to',
        'mailer consumes the event orders.lost, which no service provides',
      ],
    );
  });
});
