import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { eventConsumerBreaking, httpConsumerBreaking } from '../../../src/core/contracts/consumer-breaking.js';
import type { ProvidedSpec } from '../../../src/core/contracts/fleet-contracts.js';
import { readProtoTree } from '../../../src/core/contracts/protobuf/read-proto-tree.js';
import { InputError } from '../../../src/core/input-error.js';
import { withResponseBody } from './spec-builders.js';

const order = { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'number' } } };
const orderWithoutTotal = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
const orderTotalText = { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'string' } } };
const anything = {};
const SCHEMAS = [order, orderWithoutTotal, orderTotalText, anything];

/** A JSON Schema event, or (`channel`) an AsyncAPI channel sending it as its one message. */
function jsonEvent(schema: unknown, channel = false): ProvidedSpec {
  const fingerprint = `${channel ? 'asyncapi' : 'json'}:${JSON.stringify(schema)}`;
  return channel
    ? { path: 'asyncapi.yaml', fingerprint, document: undefined, messages: [{ name: 'OrderCreated', format: 'json-schema', payload: schema }] }
    : { path: 'events/order.json', fingerprint, document: schema };
}
function protoEvent(fields: string): ProvidedSpec {
  const text = `syntax = "proto3";\npackage shop.v1;\nmessage OrderPlaced {\n${fields}}\n`;
  return {
    path: 'proto/events.proto',
    fingerprint: text,
    document: readProtoTree([{ path: 'events.proto', text }]),
    proto: { root: 'proto', category: 'WIRE_JSON', message: 'shop.v1.OrderPlaced' },
  };
}
const ids = (changes: { id: string }[]) => changes.map((c) => c.id);

describe('eventConsumerBreaking', () => {
  test('a JSON Schema payload, an AsyncAPI channel’s messages and a protobuf message, each as its consumer meets it', () => {
    const breaking = eventConsumerBreaking();
    assert.deepEqual(ids(breaking(jsonEvent(order), jsonEvent(orderWithoutTotal), 'orders.created', false)), ['response-required-property-removed']);
    assert.deepEqual(
      breaking(jsonEvent(order, true), jsonEvent(orderWithoutTotal, true), 'orders.created', false).map((c) => [c.id, c.operation]),
      [['response-required-property-removed', 'send orders.created']],
    );
    const full = protoEvent('  string id = 1;\n  int64 total = 2;\n');
    const slim = protoEvent('  string id = 1;\n');
    assert.ok(breaking(full, slim, 'order.placed', false).length > 0, 'a reader of total meets messages without it');
    assert.deepEqual(breaking(slim, full, 'order.placed', true), [], 'read backwards, a deletion is what the newer messages added');
  });

  test('an event whose messages change between JSON and protobuf breaks every reader, both ways', () => {
    const breaking = eventConsumerBreaking();
    const json = jsonEvent(order);
    const proto = protoEvent('  string id = 1;\n');
    for (const [expected, served, backwards] of [
      [json, proto, false],
      [proto, json, true],
    ] as const) {
      const [change, ...rest] = breaking(expected, served, 'order.placed', backwards);
      assert.equal(rest.length, 0);
      assert.equal(change!.id, 'EVENT_SAME_ENCODING');
      assert.equal(change!.level, 'ERR');
      assert.match(change!.message, /protobuf message shop\.v1\.OrderPlaced \(proto\/events\.proto\)/);
      assert.match(change!.message, /JSON \(events\/order\.json\)/);
    }
  });

  test('nothing to compare breaks nothing: a side not declared, or equal contents', () => {
    const breaking = eventConsumerBreaking();
    assert.deepEqual(breaking(undefined, jsonEvent(order), 'e', false), []);
    assert.deepEqual(breaking(jsonEvent(order), undefined, 'e', false), []);
    assert.deepEqual(breaking(jsonEvent(orderWithoutTotal), jsonEvent(orderWithoutTotal), 'e', false), []);
  });

  test('each pair of contents is compared once per event; the cache never changes an answer', () => {
    const shared = eventConsumerBreaking();
    const first = shared(jsonEvent(order, true), jsonEvent(orderWithoutTotal, true), 'a', false);
    assert.equal(shared(jsonEvent(order, true), jsonEvent(orderWithoutTotal, true), 'a', false), first, 'the very same list');
    assert.deepEqual(
      shared(jsonEvent(order, true), jsonEvent(orderWithoutTotal, true), 'b', false).map((c) => c.operation),
      ['send b'],
      'another channel with the same contents is named as itself',
    );
    const ask = fc.record({
      expected: fc.nat(SCHEMAS.length - 1),
      served: fc.nat(SCHEMAS.length - 1),
      channel: fc.boolean(),
      event: fc.constantFrom('a', 'b'),
      backwards: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(ask, { maxLength: 30 }), (asks) => {
        const cached = eventConsumerBreaking();
        for (const a of asks) {
          const args = [jsonEvent(SCHEMAS[a.expected], a.channel), jsonEvent(SCHEMAS[a.served], a.channel), a.event, a.backwards] as const;
          assert.deepEqual(cached(...args), eventConsumerBreaking()(...args));
        }
      }),
      { numRuns: 100 },
    );
  });

  test('a pair nesting past the limit is an InputError naming both specs', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 400; i++) deep = { type: 'object', properties: { next: deep } };
    let other: Record<string, unknown> = { type: 'integer' };
    for (let i = 0; i < 400; i++) other = { type: 'object', properties: { next: other } };
    const expected = { path: 'events/a.json', fingerprint: 'a', document: deep };
    const served = { path: 'events/b.json', fingerprint: 'b', document: other };
    assert.throws(
      () => eventConsumerBreaking()(expected, served, 'e', false),
      (error: unknown) => error instanceof InputError && /^comparing events\/b\.json with events\/a\.json: nested more than 256 levels/.test(error.message),
    );
  });
});

describe('httpConsumerBreaking', () => {
  test('every breaking change of the pair, once per pair of contents; INFO changes break nothing', () => {
    const breaking = httpConsumerBreaking({ now: Date.parse('2026-01-01') });
    const api = (schema: unknown): ProvidedSpec => ({ path: 'openapi.yaml', fingerprint: JSON.stringify(schema), document: withResponseBody(schema) });
    const first = breaking(api(order), api(orderWithoutTotal));
    assert.deepEqual(
      first.map((c) => [c.id, c.operation]),
      [['response-required-property-removed', 'GET /items']],
    );
    assert.equal(breaking(api(order), api(orderWithoutTotal)), first);
    // Adding an optional response property is an INFO change at most.
    const wider = { ...order, properties: { ...order.properties, note: { type: 'string' } } };
    assert.deepEqual(breaking(api(order), api(wider)), []);
    assert.deepEqual(breaking(api(order), undefined), []);
  });
});
