import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareFleetContracts, type Consumption, type FleetContracts, type ServiceContracts } from '../../../src/core/contracts/index.js';
import { spec } from './spec-builders.js';

const pet = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } };
const petWithoutName = { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } };
const ok = (schema: unknown) => ({ '200': { description: 'ok', content: { 'application/json': { schema } } } });

/** The pets API: GET /pets/{id}, plus GET /owners; `extra` adds paths. */
function petsApi(petSchema: unknown, extra: Record<string, unknown> = {}) {
  return spec({
    '/pets/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok(petSchema) } },
    '/owners': { get: { responses: ok({ type: 'array' }) } },
    ...extra,
  });
}

let n = 0;
function service(opts: { http?: unknown; events?: Record<string, unknown>; consumes?: Record<string, Consumption> } = {}): ServiceContracts {
  const provided = (document: unknown) => ({ path: 'x', fingerprint: JSON.stringify(document) + n++, document });
  return {
    ...(opts.http ? { http: provided(opts.http) } : {}),
    events: new Map(Object.entries(opts.events ?? {}).map(([name, schema]) => [name, provided(schema)])),
    consumes: new Map(Object.entries(opts.consumes ?? {})),
  };
}
const fleet = (services: Record<string, ServiceContracts>): FleetContracts => new Map(Object.entries(services));
const callsPets: Consumption = { http: true, event: false };

describe('compareFleetContracts', () => {
  test('an old consumer meets a removed response property at the new provider', () => {
    const from = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const to = fleet({ pets: service({ http: petsApi(petWithoutName) }), web: service({ consumes: { pets: callsPets } }) });
    const [edge, ...rest] = compareFleetContracts(from, to);
    assert.equal(rest.length, 0);
    assert.equal(edge!.consumer, 'web');
    assert.equal(edge!.provider, 'pets');
    assert.deepEqual(
      edge!.oldConsumerNewProvider.map((c) => [c.id, c.operation]),
      [['response-required-property-removed', 'GET /pets/{id}']],
    );
    assert.deepEqual(edge!.newConsumerOldProvider, [], 'the old provider still sends everything the new consumer reads');
  });

  test('a new consumer meets an endpoint the old provider does not have', () => {
    const from = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const to = fleet({ pets: service({ http: petsApi(pet, { '/pets': { post: { responses: ok(pet) } } }) }), web: service({ consumes: { pets: callsPets } }) });
    const [edge] = compareFleetContracts(from, to);
    assert.deepEqual(edge!.oldConsumerNewProvider, []);
    assert.deepEqual(
      edge!.newConsumerOldProvider.map((c) => [c.id, c.operation]),
      [['api-path-removed-without-deprecation', 'POST /pets']],
    );
  });

  test('consumes.operations narrows the edge to what the consumer calls, whatever the parameter names', () => {
    const from = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: { ...callsPets, operations: ['GET /owners'] } } }) });
    const to = fleet({ pets: service({ http: petsApi(petWithoutName) }), web: service({ consumes: { pets: { ...callsPets, operations: ['GET /owners'] } } }) });
    assert.deepEqual(compareFleetContracts(from, to), []);
    const calling = (ops: string[]) =>
      fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: { ...callsPets, operations: ops } } }) });
    const [edge] = compareFleetContracts(
      calling(['GET /pets/{petId}']),
      fleet({ pets: service({ http: petsApi(petWithoutName) }), web: service({ consumes: { pets: callsPets } }) }),
    );
    assert.ok(edge && edge.oldConsumerNewProvider.length > 0);
  });

  test('a provider that did not run serves nothing; one without a declared spec is not judged', () => {
    const to = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const [edge] = compareFleetContracts(fleet({ web: service({}) }), to);
    assert.ok(edge!.newConsumerOldProvider.some((c) => c.operation === 'GET /pets/{id}'));
    assert.deepEqual(compareFleetContracts(fleet({ pets: service({}), web: service({ consumes: { pets: callsPets } }) }), to), []);
  });

  test('an event consumer must accept every message the producer may emit, in both pairings', () => {
    const v1 = { type: 'object', required: ['id'], properties: { id: { type: 'string' }, note: { type: 'string' } } };
    const v2 = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
    const reads: Consumption = { http: false, event: true };
    const from = fleet({ orders: service({ events: { 'order.created': v1 } }), mailer: service({ consumes: { 'order.created': reads } }) });
    const to = fleet({ orders: service({ events: { 'order.created': v2 } }), mailer: service({ consumes: { 'order.created': reads } }) });
    const [edge] = compareFleetContracts(from, to);
    assert.equal(edge!.kind, 'event');
    assert.equal(edge!.event, 'order.created');
    assert.equal(edge!.provider, 'orders');
    assert.ok(
      edge!.oldConsumerNewProvider.some((c) => c.id.startsWith('response-')),
      JSON.stringify(edge),
    );
  });

  test('an unchanged contract has no edge, and one diff serves every consumer of a provider', () => {
    const same = service({ http: petsApi(pet) });
    const consumers = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`c${i}`, service({ consumes: { pets: callsPets } })]));
    assert.deepEqual(compareFleetContracts(fleet({ pets: same, ...consumers }), fleet({ pets: same, ...consumers })), []);
    const edges = compareFleetContracts(
      fleet({ pets: service({ http: petsApi(pet) }), ...consumers }),
      fleet({ pets: service({ http: petsApi(petWithoutName) }), ...consumers }),
    );
    assert.equal(edges.length, 50);
    assert.equal(new Set(edges.map((e) => e.oldConsumerNewProvider)).size, 1, 'the changes of one spec pair are computed once');
  });
});
