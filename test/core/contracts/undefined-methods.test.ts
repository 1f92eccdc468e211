import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFleetContracts, undefinedMethods, type ContractSources } from '../../../src/core/contracts/index.js';

const CART =
  'syntax = "proto3";\npackage hipstershop.v1;\nservice CartService {\n  rpc AddItem(M) returns (M);\n  rpc GetCart(M) returns (M);\n}\nservice CheckoutService {\n  rpc PlaceOrder(M) returns (M);\n}\nmessage M {}\n';

/** A cart service whose package is long, and a consumer calling `methods`. */
function fleet(methods: string[]) {
  const sources: ContractSources = {
    label: 'HEAD',
    services: ['cart', 'web'],
    roots: [
      {
        service: 'cart',
        key: ['grpc'],
        path: 'cart/cart.proto',
        location: { file: 'tranche.yaml', line: 3 },
        proto: { root: 'cart', files: ['cart/cart.proto'], category: 'WIRE_JSON' },
      },
    ],
    consumes: [['web', [['cart', { http: false, event: false, grpc: true, methods }]]]],
    files: { 'cart/cart.proto': { id: 'cart', text: CART, refs: [] } },
  };
  const built = buildFleetContracts(sources, new Map());
  assert.deepEqual(built.findings, []);
  return built.contracts;
}

const messages = (methods: string[]) => undefinedMethods(fleet(methods)).map((f) => f.message);

describe('undefinedMethods', () => {
  it('names the nearest method whatever the length of the package, for a method or a service mistyped', () => {
    assert.deepEqual(messages(['CartService/GetCard', 'CartServce/AddItem', 'hipstershop.v1.CartService/AddItm', 'v1.CheckoutServic/PlaceOrdr']), [
      'web calls CartService/GetCard of cart, which cart/cart.proto does not declare (did you mean hipstershop.v1.CartService/GetCart?)',
      'web calls CartServce/AddItem of cart, which cart/cart.proto does not declare (did you mean hipstershop.v1.CartService/AddItem?)',
      'web calls hipstershop.v1.CartService/AddItm of cart, which cart/cart.proto does not declare (did you mean hipstershop.v1.CartService/AddItem?)',
      'web calls v1.CheckoutServic/PlaceOrdr of cart, which cart/cart.proto does not declare (did you mean hipstershop.v1.CheckoutService/PlaceOrder?)',
    ]);
  });

  it('suggests nothing for a name that is no typo of a declared one, and finds nothing for declared methods', () => {
    assert.deepEqual(messages(['PaymentService/Charge', 'CartService/Checkout']), [
      'web calls PaymentService/Charge of cart, which cart/cart.proto does not declare',
      'web calls CartService/Checkout of cart, which cart/cart.proto does not declare',
    ]);
    assert.deepEqual(messages(['CartService/GetCart', 'hipstershop.v1.CheckoutService/PlaceOrder']), []);
  });
});
