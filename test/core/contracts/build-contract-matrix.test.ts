import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildContractMatrix, type MatrixRow, type MatrixVersion, PAIRINGS, rolloutBreaks } from '../../../src/core/contracts/build-contract-matrix.js';
import { asyncApiContracts } from '../../../src/core/contracts/asyncapi/async-api-contracts.js';
import { type Consumption, type ContractEdge, compareFleetContracts, type FleetContracts, type ServiceContracts } from '../../../src/core/contracts/index.js';
import { matrixKinds } from '../../../src/core/contracts/matrix-kinds.js';
import { readProtoTree } from '../../../src/core/contracts/protobuf/read-proto-tree.js';
import { spec } from './spec-builders.js';

const ok = (schema: unknown) => ({ '200': { description: 'ok', content: { 'application/json': { schema } } } });
const pet = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } };
const petWithoutName = { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } };

/** The pets API: GET /pets/{id} and GET /owners; `extra` adds paths. */
function petsApi(petSchema: unknown, extra: Record<string, unknown> = {}) {
  return spec({
    '/pets/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok(petSchema) } },
    '/owners': { get: { responses: ok({ type: 'array' }) } },
    ...extra,
  });
}
const withAdoptions = (petSchema: unknown) => petsApi(petSchema, { '/adoptions': { post: { responses: ok(petSchema) } } });

function service(opts: { http?: unknown; events?: Record<string, unknown>; consumes?: Record<string, Consumption> } = {}): ServiceContracts {
  // Equal documents, equal fingerprints: as content ids make them.
  const provided = (document: unknown) => ({ path: 'x', fingerprint: JSON.stringify(document), document });
  return {
    ...(opts.http ? { http: provided(opts.http) } : {}),
    events: new Map(Object.entries(opts.events ?? {}).map(([name, schema]) => [name, provided(schema)])),
    consumes: new Map(Object.entries(opts.consumes ?? {})),
  };
}
const fleet = (services: Record<string, ServiceContracts>): FleetContracts => new Map(Object.entries(services));
const callsPets: Consumption = { http: true, event: false };
const KINDS = matrixKinds({ now: Date.parse('2026-01-01') });

/** Every service of `fleet` deployed at `commit`. */
const all = (commit: string, f: FleetContracts, services = [...f.keys()]) => new Map<string, MatrixVersion>(services.map((s) => [s, { commit, fleet: f }]));
const statuses = (row: MatrixRow | undefined) => PAIRINGS.map((p) => row?.pairings[p].status);
const rowOf = (rows: MatrixRow[], consumer: string, provider: string) => rows.find((r) => r.consumer === consumer && r.provider === provider);

describe('buildContractMatrix', () => {
  test('an old consumer breaks on the new provider; the other pairings hold', () => {
    const v1 = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const v2 = fleet({ pets: service({ http: petsApi(petWithoutName) }), web: service({ consumes: { pets: callsPets } }) });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.deepEqual([row!.kind, row!.consumer, row!.provider], ['http', 'web', 'pets']);
    assert.deepEqual(row!.versions, { consumer: { deployed: 'c1', target: 'c2' }, provider: { deployed: 'c1', target: 'c2' } });
    assert.deepEqual(statuses(row), ['ok', 'breaks', 'ok', 'ok']);
    const cell = row!.pairings.oldConsumerNewProvider;
    assert.deepEqual(
      cell.changes!.map((c) => [c.id, c.operation]),
      [['response-required-property-removed', 'GET /pets/{id}']],
    );
    assert.match(cell.reason!, /^GET \/pets\/\{id\}: .*name.* \[response-required-property-removed\]$/);
    assert.equal(rolloutBreaks(rows), true);
  });

  test('a consumer expects the provider’s contract at its own commit: one deployed ahead of its provider already breaks', () => {
    // web at c2 calls POST /adoptions, which pets serves from c2 on; pets still runs c1.
    const c1 = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const c2 = fleet({ pets: service({ http: withAdoptions(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const deployed = new Map<string, MatrixVersion>([
      ['pets', { commit: 'c1', fleet: c1 }],
      ['web', { commit: 'c2', fleet: c2 }],
    ]);
    const [row] = buildContractMatrix({ deployed, target: { commit: 'c2', fleet: c2 }, kinds: KINDS });
    assert.deepEqual(row!.versions, { consumer: { deployed: 'c2', target: 'c2' }, provider: { deployed: 'c1', target: 'c2' } });
    assert.deepEqual(statuses(row), ['breaks', 'ok', 'breaks', 'ok']);
    assert.deepEqual(
      row!.pairings.oldConsumerOldProvider.changes!.map((c) => c.operation),
      ['POST /adoptions'],
    );
    assert.equal(rolloutBreaks([row!]), true, 'new web × old pets is a pairing the rollout keeps while pets waits');
  });

  test('consumes.operations narrows every pairing to what the consumer calls', () => {
    const calls = (operations: string[]): Consumption => ({ ...callsPets, operations });
    const v1 = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: calls(['GET /owners']) } }) });
    const v2 = fleet({ pets: service({ http: petsApi(petWithoutName) }), web: service({ consumes: { pets: calls(['GET /owners']) } }) });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(statuses(rows[0]), ['ok', 'ok', 'ok', 'ok']);
    assert.equal(rolloutBreaks(rows), false);
    // The same change, called by the operation it touches (named with another parameter name).
    const v1b = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: calls(['get /pets/{petId}']) } }) });
    const v2b = fleet({ pets: service({ http: petsApi(petWithoutName) }), web: service({ consumes: { pets: calls(['get /pets/{petId}']) } }) });
    assert.deepEqual(statuses(buildContractMatrix({ deployed: all('c1', v1b), target: { commit: 'c2', fleet: v2b }, kinds: KINDS })[0]), [
      'ok',
      'breaks',
      'ok',
      'ok',
    ]);
  });

  test('a side that does not run, and a consumer version that does not consume, are said as such and not judged', () => {
    // api is new in the target, web starts consuming it there; legacy is gone from the target.
    const v1 = fleet({ web: service({ consumes: { legacy: callsPets } }), legacy: service({ http: petsApi(pet) }) });
    const v2 = fleet({ web: service({ consumes: { api: callsPets } }), api: service({ http: petsApi(pet) }) });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(
      rows.map((r) => [r.provider, ...statuses(r)]),
      [
        ['api', 'not-running', 'unused', 'not-running', 'ok'],
        ['legacy', 'ok', 'not-running', 'unused', 'not-running'],
      ],
    );
    assert.equal(rowOf(rows, 'web', 'api')!.pairings.newConsumerOldProvider.reason, 'api is not deployed');
    assert.equal(rowOf(rows, 'web', 'legacy')!.pairings.oldConsumerNewProvider.reason, 'legacy is not in the target');
    assert.equal(rowOf(rows, 'web', 'api')!.pairings.oldConsumerNewProvider.reason, 'web at c1 does not consume api');
    assert.deepEqual(rowOf(rows, 'web', 'api')!.versions.provider, { deployed: null, target: 'c2' });
  });

  test('a provider that declares no API: dropped at the target, not judged where it runs (it may predate the declaration)', () => {
    const declared = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const undeclared = fleet({ pets: service(), web: service({ consumes: { pets: callsPets } }) });
    const [first] = buildContractMatrix({ deployed: all('c1', undeclared), target: { commit: 'c2', fleet: declared }, kinds: KINDS });
    assert.deepEqual(statuses(first), ['unknown', 'unknown', 'unknown', 'ok'], 'the release that first declares the API');
    assert.equal(first!.pairings.newConsumerOldProvider.reason, 'it declares no HTTP contract at the commit it runs');
    assert.equal(first!.pairings.oldConsumerNewProvider.reason, "no HTTP contract of it is declared at the consumer's commit");
    const [dropped] = buildContractMatrix({ deployed: all('c1', declared), target: { commit: 'c2', fleet: undeclared }, kinds: KINDS });
    assert.deepEqual(statuses(dropped), ['ok', 'breaks', 'unknown', 'unknown']);
    assert.deepEqual(
      dropped!.pairings.oldConsumerNewProvider.changes!.map((c) => c.operation),
      ['GET /pets/{id}', 'GET /owners'],
    );
  });

  test('nothing deployed: every old pairing is not running, only new × new is judged', () => {
    const v2 = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const rows = buildContractMatrix({ deployed: new Map(), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(statuses(rows[0]), ['not-running', 'not-running', 'not-running', 'ok']);
  });

  test('a deployed version whose contracts cannot be read makes the pairings that need them unreadable, with why', () => {
    const v2 = fleet({ pets: service({ http: petsApi(pet) }), web: service({ consumes: { pets: callsPets } }) });
    const c1 = fleet({ pets: service(), web: service({ consumes: { pets: callsPets } }) });
    const unreadable = new Map([['pets', 'bad yaml']]);
    const deployed = new Map<string, MatrixVersion>([
      ['pets', { commit: 'c1c1c1c1c1', fleet: c1, unreadable }],
      ['web', { commit: 'c1c1c1c1c1', fleet: c1, unreadable }],
    ]);
    const [row] = buildContractMatrix({ deployed, target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(statuses(row), ['unreadable', 'unreadable', 'unreadable', 'ok']);
    assert.equal(row!.pairings.newConsumerOldProvider.reason, 'pets at c1c1c1c: its contract cannot be read (bad yaml)');
    assert.equal(row!.pairings.oldConsumerNewProvider.reason, "web at c1c1c1c expects pets's contract of that commit, which cannot be read (bad yaml)");
    assert.equal(rolloutBreaks([row!]), true, 'new web × old pets cannot be told compatible');
    // A revision that cannot be read at all.
    const gone = new Map<string, MatrixVersion>([['pets', { commit: 'c0c0c0c0c0', problem: 'commit c0c0c0c is not in this repository' }]]);
    const [other] = buildContractMatrix({ deployed: gone, target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(statuses(other), ['not-running', 'not-running', 'unreadable', 'ok']);
    assert.equal(other!.pairings.newConsumerOldProvider.reason, 'pets at c0c0c0c: commit c0c0c0c is not in this repository');
  });

  test('a provider that cannot be read matters only to the consumer versions that consume it', () => {
    const c1 = fleet({ web: service({ consumes: { legacy: callsPets } }) });
    const v2 = fleet({ web: service() });
    const deployed = new Map<string, MatrixVersion>([
      ['web', { commit: 'c1', fleet: c1 }],
      ['legacy', { commit: 'c0c0c0c0c0', problem: 'the target does not define it, so its revision was not read' }],
    ]);
    const rows = buildContractMatrix({ deployed, target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(
      rows.map((r) => [r.provider, ...statuses(r)]),
      [['legacy', 'unreadable', 'not-running', 'unused', 'not-running']],
    );
    assert.equal(rolloutBreaks(rows), false, 'the new web no longer calls it, and old × old is what runs now');
  });

  test('an event consumer is paired with the producer; a payload that loses a required field breaks the old consumer', () => {
    const created = { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'integer' } } };
    const slim = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
    const reads: Consumption = { http: false, event: true };
    const v1 = fleet({ orders: service({ events: { 'order.created': created } }), mailer: service({ consumes: { 'order.created': reads } }) });
    const v2 = fleet({ orders: service({ events: { 'order.created': slim } }), mailer: service({ consumes: { 'order.created': reads } }) });
    const [row, ...rest] = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.equal(rest.length, 0);
    assert.deepEqual([row!.kind, row!.consumer, row!.provider, row!.event], ['event', 'mailer', 'orders', 'order.created']);
    assert.deepEqual(statuses(row), ['ok', 'breaks', 'ok', 'ok']);
    assert.deepEqual(
      row!.pairings.oldConsumerNewProvider.changes!.map((c) => c.id),
      ['response-required-property-removed'],
    );
  });

  test('an event whose producer changes has a pair with each producer', () => {
    const created = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
    const reads: Consumption = { http: false, event: true };
    const v1 = fleet({
      orders: service({ events: { 'order.created': created } }),
      billing: service(),
      mailer: service({ consumes: { 'order.created': reads } }),
    });
    const v2 = fleet({
      orders: service(),
      billing: service({ events: { 'order.created': created } }),
      mailer: service({ consumes: { 'order.created': reads } }),
    });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(
      rows.map((r) => [r.provider, ...statuses(r)]),
      [
        ['billing', 'ok', 'ok', 'ok', 'ok'],
        ['orders', 'ok', 'ok', 'ok', 'ok'],
      ],
      'a version that emits nothing sends nothing to refuse',
    );
  });

  test('each pair of specs is compared once, however many consumers and pairings ask', () => {
    const consumers = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, service({ consumes: { pets: callsPets } })]));
    const v1 = fleet({ pets: service({ http: petsApi(pet) }), ...consumers });
    const v2 = fleet({ pets: service({ http: petsApi(petWithoutName) }), ...consumers });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.equal(rows.length, 4);
    assert.ok(rows.every((r) => r.pairings.oldConsumerNewProvider.status === 'breaks'));
    // One diff per pair of contents: every consumer's cell holds the very same list.
    const first = rows[0]!.pairings.oldConsumerNewProvider.changes;
    assert.ok(rows.every((r) => r.pairings.oldConsumerNewProvider.changes === first));
  });

  test('a release that changes nothing pairs every version with itself: nothing breaks, whatever the fleet', () => {
    const apis = [petsApi(pet), petsApi(petWithoutName), withAdoptions(pet), spec({})];
    const names = ['a', 'b', 'c', 'd', 'e'];
    const arbitraryFleet = fc
      .array(
        fc.record({
          api: fc.option(fc.constantFrom(...apis.keys()), { nil: undefined }),
          consumes: fc.subarray(names),
        }),
        { minLength: names.length, maxLength: names.length },
      )
      .map((services) =>
        fleet(
          Object.fromEntries(
            services.map((s, i) => [
              names[i]!,
              service({ ...(s.api !== undefined ? { http: apis[s.api] } : {}), consumes: Object.fromEntries(s.consumes.map((c) => [c, callsPets])) }),
            ]),
          ),
        ),
      );
    fc.assert(
      fc.property(arbitraryFleet, (f) => {
        const rows = buildContractMatrix({ deployed: all('c1', f), target: { commit: 'c1', fleet: f }, kinds: KINDS });
        assert.equal(
          rows.length,
          [...f.values()].reduce((n, s) => n + s.consumes.size, 0),
          'one row per consumes entry',
        );
        for (const row of rows) {
          const expected = f.get(row.provider)?.http ? 'ok' : 'unknown';
          assert.deepEqual(statuses(row), [expected, expected, expected, expected], `${row.consumer} → ${row.provider}`);
        }
        assert.equal(rolloutBreaks(rows), false);
      }),
      { numRuns: 100 },
    );
  });
});

/** A service whose AsyncAPI 2.6 document sends each of `sends` (channel → payload) and receives each of `receives`. */
function asyncApiService(sends: Record<string, unknown>, receives: string[] = []): ServiceContracts {
  const channels: Record<string, unknown> = {};
  for (const [address, payload] of Object.entries(sends)) channels[address] = { subscribe: { message: { name: 'Sent', payload } } };
  for (const address of receives) channels[address] = { publish: { message: { name: 'Received', payload: {} } } };
  const document = { asyncapi: '2.6.0', info: { title: 't', version: '1' }, channels };
  const text = JSON.stringify(document, null, 2);
  const read = asyncApiContracts({ path: 'asyncapi.json', fingerprint: text, document }, text);
  if ('problem' in read) throw new Error(read.problem);
  return { events: new Map(read.events), consumes: new Map(read.consumes) };
}

/** A service whose protobuf event `shop.v1.OrderPlaced` is declared by `proto` (its fields). */
function protoEventService(fields: string): ServiceContracts {
  const text = `syntax = "proto3";\npackage shop.v1;\nmessage OrderPlaced {\n${fields}}\n`;
  const document = readProtoTree([{ path: 'events.proto', text }]);
  return {
    events: new Map([
      [
        'order.placed',
        { path: 'proto/events.proto', fingerprint: text, document, proto: { root: 'proto', category: 'WIRE_JSON' as const, message: 'shop.v1.OrderPlaced' } },
      ],
    ]),
    consumes: new Map(),
  };
}

const order = { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'number' } } };
const orderWithoutTotal = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
/** The cells of a row that break, with the change ids of each. */
const broken = (row: MatrixRow) => PAIRINGS.filter((p) => row.pairings[p].status === 'breaks').map((p) => [p, row.pairings[p].changes!.map((c) => c.id)]);
/** The plan's edges as the matrix's mixed cells would say them. */
const planCells = (edges: ContractEdge[]) =>
  edges.map((e) => [e.provider, e.oldConsumerNewProvider.map((c) => c.id), e.newConsumerOldProvider.map((c) => c.id)]);
const matrixCells = (rows: MatrixRow[]) =>
  rows
    .filter((r) => r.pairings.oldConsumerNewProvider.status === 'breaks' || r.pairings.newConsumerOldProvider.status === 'breaks')
    .map((r) => [
      r.provider,
      r.pairings.oldConsumerNewProvider.changes?.map((c) => c.id) ?? [],
      r.pairings.newConsumerOldProvider.changes?.map((c) => c.id) ?? [],
    ]);

describe('buildContractMatrix: events as plans compare them', () => {
  test('an AsyncAPI channel whose payload loses a required field breaks the old consumer at the new producer; its receiving document declares the consumption', () => {
    const v1 = fleet({ orders: asyncApiService({ 'orders.created': order }), mailer: asyncApiService({}, ['orders.created']) });
    const v2 = fleet({ orders: asyncApiService({ 'orders.created': orderWithoutTotal }), mailer: asyncApiService({}, ['orders.created']) });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(
      rows.map((r) => [r.kind, r.consumer, r.provider, r.event, ...statuses(r)]),
      [['event', 'mailer', 'orders', 'orders.created', 'ok', 'breaks', 'ok', 'ok']],
    );
    const cell = rows[0]!.pairings.oldConsumerNewProvider;
    assert.deepEqual(
      cell.changes!.map((c) => [c.id, c.operation, c.path]),
      [['response-required-property-removed', 'send orders.created', 'Sent/properties/total']],
    );
    assert.deepEqual(matrixCells(rows), planCells(compareFleetContracts(v1, v2)), 'the matrix says what the plan says');
    assert.equal(rolloutBreaks(rows), true);
  });

  test('a channel two services send to has a row per sender, as the plan has an edge per sender', () => {
    const v1 = fleet({
      orders: asyncApiService({ payments: order }),
      refunds: asyncApiService({ payments: order }),
      ledger: asyncApiService({}, ['payments']),
    });
    const v2 = fleet({
      orders: asyncApiService({ payments: order }),
      refunds: asyncApiService({ payments: orderWithoutTotal }),
      ledger: asyncApiService({}, ['payments']),
    });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.deepEqual(
      rows.map((r) => [r.consumer, r.provider, ...statuses(r)]),
      [
        ['ledger', 'orders', 'ok', 'ok', 'ok', 'ok'],
        ['ledger', 'refunds', 'ok', 'breaks', 'ok', 'ok'],
      ],
    );
    assert.deepEqual(matrixCells(rows), planCells(compareFleetContracts(v1, v2)));
    assert.deepEqual(planCells(compareFleetContracts(v1, v2)), [['refunds', ['response-required-property-removed'], []]]);
  });

  test('a protobuf event: a deleted field breaks the old consumer at the new producer, not the new consumer reading the old messages', () => {
    const reads: Consumption = { http: false, event: true };
    const consumer = service({ consumes: { 'order.placed': reads } });
    const v1 = fleet({ orders: protoEventService('  string id = 1;\n  int64 total = 2;\n'), mailer: consumer });
    const v2 = fleet({ orders: protoEventService('  string id = 1;\n'), mailer: consumer });
    const rows = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c2', fleet: v2 }, kinds: KINDS });
    assert.equal(rows.length, 1);
    assert.deepEqual(statuses(rows[0]), ['ok', 'breaks', 'ok', 'ok']);
    assert.deepEqual(broken(rows[0]!), [['oldConsumerNewProvider', ['FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', 'FIELD_NO_DELETE_UNLESS_NAME_RESERVED']]]);
    assert.deepEqual(matrixCells(rows), planCells(compareFleetContracts(v1, v2)));
    // A field's type changing breaks both ways.
    const v3 = fleet({ orders: protoEventService('  string id = 1;\n  string total = 2;\n'), mailer: consumer });
    const [row] = buildContractMatrix({ deployed: all('c1', v1), target: { commit: 'c3', fleet: v3 }, kinds: KINDS });
    assert.deepEqual(statuses(row), ['ok', 'breaks', 'breaks', 'ok']);
    assert.deepEqual(matrixCells([row!]), planCells(compareFleetContracts(v1, v3)));
  });
});
