import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFleetContracts, compareFleetContracts, type ContractSources, type ParsedSpecs } from '../../../src/core/contracts/index.js';
import type { ProtoTree } from '../../../src/core/contracts/protobuf/read-proto-tree.js';

const TYPES = 'syntax = "proto3";\npackage shop.v1;\nmessage Item {\n  string id = 1;\n  int32 count = 2;\n}\n';
const service = (extra: string) => `syntax = "proto3";\npackage shop.v1;\nimport "types.proto";\nservice Cart {\n  rpc Add(Item) returns (Item);\n}\n${extra}`;

/** A cart service serving `protos/` (cart.proto and types.proto, of the texts given) and a consumer calling Cart/Add. */
function revision(label: string, cart: string, types = TYPES): ContractSources {
  const refs = (text: string) => (text.includes('import "types.proto"') ? ['cart/protos/types.proto'] : []);
  return {
    label,
    services: ['cart', 'web'],
    roots: [
      {
        service: 'cart',
        key: ['grpc'],
        path: 'cart/protos',
        location: { file: 'tranche.yaml', line: 3 },
        proto: { root: 'cart/protos', files: ['cart/protos/cart.proto', 'cart/protos/types.proto'], category: 'WIRE_JSON' },
      },
    ],
    consumes: [['web', [['cart', { http: false, event: false, grpc: true, methods: ['Cart/Add'] }]]]],
    files: {
      'cart/protos/cart.proto': { id: `cart:${cart}`, text: cart, refs: refs(cart) },
      'cart/protos/types.proto': { id: `types:${types}`, text: types, refs: types.includes('import "cart.proto"') ? ['cart/protos/cart.proto'] : [] },
    },
  };
}

function treeOf(sources: ContractSources, parsed: ParsedSpecs): ProtoTree {
  return buildFleetContracts(sources, parsed).contracts.get('cart')!.grpc!.document as ProtoTree;
}

const fileOf = (tree: ProtoTree, path: string) => tree.files.find((f) => f.path === path)!;

describe('buildProtoSpec across the revisions of one analysis', () => {
  it("shares the unchanged files of a contract's tree with the other revision's, and parses the changed ones", () => {
    const parsed: ParsedSpecs = new Map();
    const target = treeOf(revision('HEAD', service('// v2\n')), parsed);
    const deployed = treeOf(revision('deployed', service('')), parsed);
    assert.notEqual(target, deployed);
    assert.equal(fileOf(target, 'types.proto'), fileOf(deployed, 'types.proto'), 'the unchanged file is one object');
    assert.notEqual(fileOf(target, 'cart.proto'), fileOf(deployed, 'cart.proto'));
    assert.equal(fileOf(deployed, 'cart.proto').services[0]!.methods[0]!.inputName, 'shop.v1.Item');
  });

  it('reads a shared file again where a name in it means something else in the new tree', () => {
    const parsed: ParsedSpecs = new Map();
    const box = 'syntax = "proto3";\npackage shop.v1;\nimport "cart.proto";\nmessage Box {\n  Wrapped w = 1;\n}\n';
    const cart = (pkg: string) =>
      `syntax = "proto3";\npackage ${pkg};\nservice Cart {\n  rpc Add(Wrapped) returns (Wrapped);\n}\nmessage Wrapped {\n  string id = 1;\n}\n`;
    const target = treeOf(revision('HEAD', cart('shop.v1'), box), parsed);
    // In the deployed tree Wrapped is declared in the parent package: the same text of types.proto names another message.
    const deployed = treeOf(revision('deployed', cart('shop'), box), parsed);
    assert.equal(fileOf(target, 'types.proto').messages[0]!.fields[0]!.typeName, 'shop.v1.Wrapped');
    assert.notEqual(fileOf(target, 'types.proto'), fileOf(deployed, 'types.proto'));
    assert.equal(fileOf(deployed, 'types.proto').messages[0]!.fields[0]!.typeName, 'shop.Wrapped');
  });

  it('finds the same changes as trees read on their own', () => {
    const edited = TYPES.replace('  int32 count = 2;\n', '  int64 count = 2;\n');
    const edges = (parsed: ParsedSpecs | (() => ParsedSpecs)) => {
      const fresh = typeof parsed === 'function';
      const to = buildFleetContracts(revision('HEAD', service('// v2\n'), edited), fresh ? parsed() : parsed).contracts;
      const from = buildFleetContracts(revision('deployed', service('')), fresh ? parsed() : parsed).contracts;
      return compareFleetContracts(from, to, { now: 0, includes: () => true });
    };
    const shared = edges(new Map());
    assert.deepEqual(
      shared,
      edges(() => new Map()),
    );
    assert.ok(
      shared.some((e) => JSON.stringify(e).includes('FIELD_WIRE_JSON_COMPATIBLE_TYPE')),
      'the changed type is found',
    );
  });
});

describe('buildProtoSpec of an event message', () => {
  const events = (message: string): ContractSources => ({
    label: 'HEAD',
    services: ['orders'],
    roots: [
      {
        service: 'orders',
        key: ['events', 'order.created'],
        path: 'orders/events/order.proto',
        location: { file: 'tranche.yaml', line: 3 },
        proto: { root: 'orders/events', files: ['orders/events/order.proto'], category: 'WIRE_JSON', message },
      },
    ],
    consumes: [],
    files: {
      'orders/events/order.proto': {
        id: 'order',
        text: 'syntax = "proto3";\npackage acme.orders.v1;\nmessage OrderCreated {\n  message Line { string sku = 1; }\n  repeated Line lines = 1;\n}\n',
        refs: [],
      },
    },
  });
  const problem = (message: string) => buildFleetContracts(events(message), new Map()).findings.map((f) => f.message);

  it('names the nearest declared message for one mistyped or written without its package', () => {
    assert.deepEqual(problem('acme.orders.v1.OrderCreatd'), [
      'event order.created: orders/events/order.proto declares no message acme.orders.v1.OrderCreatd in HEAD (did you mean acme.orders.v1.OrderCreated?)',
    ]);
    assert.match(problem('OrderCreated')[0]!, /declares no message OrderCreated in HEAD \(did you mean acme\.orders\.v1\.OrderCreated\?\)$/);
    assert.match(problem('OrderCreated.Lin')[0]!, /\(did you mean acme\.orders\.v1\.OrderCreated\.Line\?\)$/);
    assert.match(problem('Payment')[0]!, /declares no message Payment in HEAD$/);
    assert.deepEqual(problem('acme.orders.v1.OrderCreated'), []);
  });
});
