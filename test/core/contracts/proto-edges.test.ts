import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveMethod, servicesOf } from '../../../src/core/contracts/proto-edges.js';
import { readProtoTree } from '../../../src/core/contracts/protobuf/read-proto-tree.js';

const tree = readProtoTree([
  {
    path: 'a.proto',
    text: 'syntax = "proto3";\npackage shop.v1;\nservice Cart {\n  rpc Add(M) returns (M);\n}\nservice Orders {\n  rpc Get(M) returns (M);\n}\nmessage M {}\n',
  },
  { path: 'b.proto', text: 'syntax = "proto3";\npackage shop.v2;\nservice Cart {\n  rpc Add(M) returns (M);\n}\nmessage M {}\n' },
]);
const services = servicesOf(tree);

describe('resolveMethod', () => {
  it('takes a method with its package, or without it when one package declares the service', () => {
    assert.equal(resolveMethod(services, 'shop.v1.Orders/Get'), 'shop.v1.Orders/Get');
    assert.equal(resolveMethod(services, 'Orders/Get'), 'shop.v1.Orders/Get');
    assert.equal(resolveMethod(services, 'v1.Orders/Get'), 'shop.v1.Orders/Get');
    assert.equal(resolveMethod(services, 'shop.v2.Cart/Add'), 'shop.v2.Cart/Add');
  });

  it('says why a name is no method of the tree: a service two packages declare, an unknown service or method', () => {
    assert.deepEqual(resolveMethod(services, 'Cart/Add'), { unknown: 'ambiguous', services: ['shop.v1.Cart', 'shop.v2.Cart'] });
    assert.deepEqual(resolveMethod(services, 'Basket/Add'), { unknown: 'service' });
    assert.deepEqual(resolveMethod(services, 'Orders/Put'), { unknown: 'method' });
  });
});
