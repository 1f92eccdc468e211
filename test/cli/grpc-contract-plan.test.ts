import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GitRepo } from '../support/git-repo.js';
import { batchOf, contractFindings, fleetAtV1, type JsonFinding, type PlanJson } from '../support/plan-json.js';
import { runCli, runJson } from '../support/run-cli.js';
import { CART_PROTO, ORDER_PROTO, SHOP_FILES, SHOP_MANIFEST } from './grpc-fleet.js';

const shop = (files: Record<string, string> = {}) => fleetAtV1({ ...SHOP_FILES, ...files });

/** cart.proto with `from` replaced by `to` (which must be there). */
function cart(from: string, to: string): string {
  assert.ok(CART_PROTO.includes(from), from);
  return CART_PROTO.replace(from, to);
}

function plan(repo: GitRepo, v1: string): { code: number; json: PlanJson } {
  return runJson<PlanJson>(['plan', '--env', 'prod', '--from', v1, '--intent', 'change'], repo.dir);
}

const where = (f: JsonFinding | undefined) => `${f?.location?.file}:${f?.location?.line}`;

describe('gRPC contracts in check and plan', () => {
  test('a new consumer that calls a new method waits for its provider, and the plan says why', () => {
    const { repo, v1 } = shop();
    repo.write({
      'services/cart/protos/cart.proto': cart('  rpc EmptyCart', '  rpc RemoveItem(AddItemRequest) returns (Empty) {}\n  rpc EmptyCart'),
      'tranche.yaml': SHOP_MANIFEST.replace('CartService/GetCart]', 'CartService/GetCart, CartService/RemoveItem]'),
      'services/checkout/server.js': '// checkout v2: removes items\n',
    });
    repo.commit('remove items');
    const { code, json } = plan(repo, v1);
    assert.equal(code, 0, JSON.stringify(json.findings));
    assert.ok(batchOf(json, 'cart') < batchOf(json, 'checkout'), JSON.stringify(json.batches));
    const reasons = json.batches[batchOf(json, 'checkout')]!.reasons;
    assert.ok(
      reasons.some((r) =>
        r.includes(
          'checkout after cart (contract/needs-provider-first: the new checkout needs the new cart (gRPC): going back to the old contract, RPC shop.CartService/RemoveItem is gone',
        ),
      ),
      reasons.join('\n'),
    );
    assert.deepEqual(contractFindings(json.findings), ['contract/needs-provider-first checkout']);
    assert.equal(where(json.findings.find((f) => f.rule === 'contract/needs-provider-first')), 'tranche.yaml:17', 'the consumes entry of checkout');
  });

  test('a new provider goes before the new consumer that calls it', () => {
    const { repo, v1 } = shop();
    repo.write({
      'tranche.yaml': SHOP_MANIFEST.replace(
        '  checkout:\n    path: services/checkout\n    contracts:\n      consumes:\n',
        '  wishlist:\n    path: services/wishlist\n    contracts:\n      provides:\n        grpc: wishlist.proto\n  checkout:\n    path: services/checkout\n    contracts:\n      consumes:\n        wishlist: { grpc: true }\n',
      ),
      'services/wishlist/wishlist.proto':
        'syntax = "proto3";\npackage shop;\nservice Wishlist {\n  rpc Save(SaveRequest) returns (SaveRequest);\n}\nmessage SaveRequest {\n  string product_id = 1;\n}\n',
      'services/checkout/server.js': '// checkout v2: saves for later\n',
    });
    repo.commit('wishlist');
    const { code, json } = plan(repo, v1);
    assert.equal(code, 0, JSON.stringify(json.findings));
    assert.ok(batchOf(json, 'wishlist') < batchOf(json, 'checkout'), JSON.stringify(json.batches));
    assert.ok(
      json.batches[batchOf(json, 'checkout')]!.reasons.some((r) =>
        r.includes('going back to the old contract, RPC shop.Wishlist/Save is not served: the provider does not run [RPC_NO_DELETE]'),
      ),
      json.batches[batchOf(json, 'checkout')]!.reasons.join('\n'),
    );
  });

  test('a field removed from a request breaks the consumers left on their version, located in the manifest and the .proto', () => {
    const { repo, v1 } = shop();
    repo.write({ 'services/cart/protos/cart.proto': cart('  CartItem item = 2;\n', '') });
    repo.commit('drop item');
    const { code, json } = plan(repo, v1);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking cart', 'contract/breaking cart']);
    const [checkout] = json.findings.filter((f) => f.rule === 'contract/breaking' && f.message.includes('breaks checkout'));
    assert.equal(where(checkout), 'tranche.yaml:12', 'where cart declares its gRPC services');
    assert.match(
      checkout!.message,
      /the new cart \(gRPC\) breaks checkout, which keeps running its current version: Previously present field "2" with name "item" on message "AddItemRequest" was deleted without reserving the number "2"\. \(services\/cart\/protos\/cart\.proto:18:1\) \[FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED\]/,
    );
    const changes = runJson<{ services: { service: string; files: { path: string; kind: string }[] }[] }>(
      ['changes', '--env', 'prod', '--from', v1],
      repo.dir,
    ).json;
    assert.deepEqual(
      changes.services.find((s) => s.service === 'cart')?.files.map((f) => [f.path, f.kind]),
      [['services/cart/protos/cart.proto', 'contract']],
      'a .proto of its gRPC contract is a contract change of cart',
    );
    const text = runCli(['check', '--env', 'prod', '--from', v1, '--intent', 'drop item'], repo.dir);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /contract\/breaking .*tranche\.yaml:12:\d+/);
  });

  test('only the methods a consumer calls count: a change to a method it does not call breaks only those that call every method', () => {
    const { repo, v1 } = shop();
    repo.write({ 'services/cart/protos/cart.proto': cart('  bool keep_saved = 2;\n', '') });
    repo.commit('EmptyCart forgets keep_saved');
    const { json } = plan(repo, v1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking cart']);
    assert.match(
      json.findings.find((f) => f.rule === 'contract/breaking')!.message,
      /breaks web, .*EmptyCartRequest.*\[FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED\]/,
    );
    // A change to a message no called method reaches counts for nobody.
    const { repo: other, v1: base } = shop();
    other.write({ 'services/cart/protos/cart.proto': `${CART_PROTO}\nmessage Unused {\n  string id = 1;\n}\n` });
    other.commit('an unused message');
    other.write({ 'services/cart/protos/cart.proto': `${CART_PROTO}\nmessage Unused {\n  int64 id = 1;\n}\n` });
    other.commit('its field retyped');
    const unused = plan(other, base);
    assert.equal(unused.code, 0, JSON.stringify(unused.json.findings));
    assert.deepEqual(contractFindings(unused.json.findings), []);
  });

  test("the provider's category decides: a field renamed breaks JSON clients (WIRE_JSON, the default), not the binary wire (WIRE)", () => {
    const renamed = cart('  string product_id = 1;', '  string sku = 1;');
    const { repo, v1 } = shop();
    repo.write({ 'services/cart/protos/cart.proto': renamed });
    repo.commit('sku');
    const wireJson = plan(repo, v1);
    assert.deepEqual(contractFindings(wireJson.json.findings), ['contract/breaking cart', 'contract/breaking cart']);
    assert.match(
      wireJson.json.findings[0]!.message,
      /changed name from "product_id" to "sku"\. \(services\/cart\/protos\/cart\.proto:14:10\) \[FIELD_SAME_NAME\]/,
    );
    const wire = shop({ 'tranche.yaml': SHOP_MANIFEST.replace('grpc: protos', 'grpc: { proto: protos, category: WIRE }') });
    wire.repo.write({ 'services/cart/protos/cart.proto': renamed });
    wire.repo.commit('sku');
    const binary = plan(wire.repo, wire.v1);
    assert.equal(binary.code, 0, JSON.stringify(binary.json.findings));
    assert.deepEqual(contractFindings(binary.json.findings), []);
  });

  test('a method renamed while its consumer moves to the new name has no safe order', () => {
    const { repo, v1 } = shop();
    repo.write({
      'services/cart/protos/cart.proto': cart('  rpc AddItem(', '  rpc PutItem('),
      'tranche.yaml': SHOP_MANIFEST.replace('shop.CartService/AddItem', 'shop.CartService/PutItem'),
      'services/checkout/server.js': '// checkout v2: PutItem\n',
    });
    repo.commit('PutItem');
    const { code, json } = plan(repo, v1);
    assert.equal(code, 1);
    // web, which calls every method and does not move, breaks too.
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking cart', 'contract/no-safe-order cart']);
    const noOrder = json.findings.find((f) => f.rule === 'contract/no-safe-order')!;
    assert.match(
      noOrder.message,
      /no batch order keeps checkout and cart \(gRPC\) compatible: the old checkout breaks on the new cart \(gRPC\): RPC shop\.CartService\/AddItem is gone: services\/cart\/protos declares no such method \(services\/cart\/protos\/cart\.proto:7:1\) \[RPC_NO_DELETE\]/,
    );
    assert.match(noOrder.hint!, /first release cart serving both the old and the new contract, then checkout/);
    assert.equal(where(noOrder), 'tranche.yaml:12');
  });

  test('a consumer of gRPC services its target does not provide is refused, at the entry', () => {
    const { repo, v1 } = shop();
    repo.write({
      'tranche.yaml': SHOP_MANIFEST.replace('        grpc: protos\n', '        http: api.yaml\n'),
      'services/cart/api.yaml': 'openapi: 3.0.3\ninfo: { title: cart, version: "1" }\npaths: {}\n',
    });
    repo.commit('cart serves HTTP');
    const result = runCli(['check', '--env', 'prod', '--from', v1, '--intent', 'no gRPC'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /tranche\.yaml:17:\d+: .*checkout calls the gRPC services of cart, which provides none \(contracts\.provides\.grpc\)/);
  });
});

describe('protobuf event messages in check and plan', () => {
  test('an event consumer goes before the producer; its rollback is flagged', () => {
    const { repo, v1 } = shop();
    repo.write({
      'services/orders/events/order.proto': ORDER_PROTO.replace('  Money total = 2;\n', ''),
      'services/mailer/server.js': '// mailer v2: no total\n',
    });
    repo.commit('no total');
    const { json } = plan(repo, v1);
    assert.ok(batchOf(json, 'mailer') < batchOf(json, 'orders'), JSON.stringify(json.batches));
    assert.ok(
      json.batches[batchOf(json, 'orders')]!.reasons.some((r) =>
        r.startsWith(
          'orders after mailer (contract: the old mailer breaks on the new orders (event order.created): Previously present field "2" with name "total" on message "OrderCreated" was deleted without reserving the number "2". (services/orders/events/order.proto:10:1) [FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED]',
        ),
      ),
      json.batches[batchOf(json, 'orders')]!.reasons.join('\n'),
    );
    assert.deepEqual(contractFindings(json.findings), ['contract/rollback-unsafe mailer']);
    assert.equal(where(json.findings.find((f) => f.rule === 'contract/rollback-unsafe')), 'tranche.yaml:33', 'the consumes entry of mailer');
  });

  test('a consumer that does not move breaks on a message it reaches; a field added breaks no one, whichever goes first', () => {
    const { repo, v1 } = shop();
    repo.write({ 'services/orders/events/order.proto': ORDER_PROTO.replace('  int64 units = 2;', '  string units = 2;') });
    repo.commit('units as a string');
    const { code, json } = plan(repo, v1);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking orders']);
    const finding = json.findings.find((f) => f.rule === 'contract/breaking')!;
    assert.match(finding.message, /breaks mailer, .*"shop\.Money".*services\/orders\/events\/order\.proto:7:3\) \[FIELD_WIRE_JSON_COMPATIBLE_TYPE\]/);
    assert.equal(where(finding), 'tranche.yaml:28', 'where orders declares the event');

    const added = shop();
    added.repo.write({
      'services/orders/events/order.proto': ORDER_PROTO.replace('  Money total = 2;', '  Money total = 2;\n  string coupon = 3;'),
      'services/mailer/server.js': '// mailer v2: shows the coupon\n',
    });
    added.repo.commit('coupon');
    const coupon = plan(added.repo, added.v1);
    assert.equal(coupon.code, 0, JSON.stringify(coupon.json.findings));
    assert.deepEqual(contractFindings(coupon.json.findings), []);
  });

  test('a change both ways has no safe order: the old messages outlive the producer', () => {
    const { repo, v1 } = shop();
    repo.write({
      'services/orders/events/order.proto': ORDER_PROTO.replace('  Money total = 2;', '  string total = 2;'),
      'services/mailer/server.js': '// mailer v2\n',
    });
    repo.commit('total as a string');
    const { code, json } = plan(repo, v1);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/no-safe-order orders']);
    assert.match(json.findings.find((f) => f.rule === 'contract/no-safe-order')!.message, /messages outlive the orders version that emitted them/);
  });
});

describe('gRPC and protobuf events in the contract matrix', () => {
  interface Row {
    kind: string;
    consumer: string;
    provider: string;
    event?: string;
    pairings: Record<string, { status: string; changes?: { id: string }[] }>;
  }
  const rowOf = (rows: Row[], kind: string, consumer: string, provider: string) =>
    rows.find((r) => r.kind === kind && r.consumer === consumer && r.provider === provider);
  const statuses = (row: Row | undefined) => row && Object.values(row.pairings).map((c) => c.status);

  test('each pairing of a gRPC pair and of a protobuf event is judged as plans judge it, narrowed to the methods called', () => {
    const { repo, v1 } = shop();
    repo.write({
      'services/cart/protos/cart.proto': cart('  bool keep_saved = 2;\n', ''),
      'services/orders/events/order.proto': ORDER_PROTO.replace('  Money total = 2;\n', ''),
    });
    repo.commit('EmptyCart forgets keep_saved; order.created loses its total');
    const { code, json } = runJson<{ pairs: Row[] }>(['contract', 'matrix', '--env', 'prod', '--from', v1], repo.dir);
    assert.equal(code, 1, JSON.stringify(json));
    assert.deepEqual(statuses(rowOf(json.pairs, 'grpc', 'checkout', 'cart')), ['ok', 'ok', 'ok', 'ok'], 'checkout does not call EmptyCart');
    const web = rowOf(json.pairs, 'grpc', 'web', 'cart');
    assert.deepEqual(statuses(web), ['ok', 'breaks', 'ok', 'ok']);
    assert.deepEqual(
      web!.pairings.oldConsumerNewProvider!.changes!.map((c) => c.id),
      ['FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', 'FIELD_NO_DELETE_UNLESS_NAME_RESERVED'],
    );
    // A newer mailer reads the old messages, which have the total it no longer knows: that is no break.
    assert.deepEqual(statuses(rowOf(json.pairs, 'event', 'mailer', 'orders')), ['ok', 'breaks', 'ok', 'ok']);
  });
});

describe('gRPC contracts that cannot be used', () => {
  test('a method the provider does not declare is a typo to fix: exit 2 at the entry, with the nearest method', () => {
    const { repo } = shop();
    repo.write({ 'tranche.yaml': SHOP_MANIFEST.replace('CartService/GetCart]', 'CartService/GetCard]') });
    repo.commit('typo');
    const result = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /tranche\.yaml:17:\d+: checkout calls CartService\/GetCard of cart, which services\/cart\/protos does not declare \(did you mean shop\.CartService\/GetCart\?\)/,
    );
  });

  test('a method with its service or its name mistyped, or an event message without its package, is told with the nearest declared name', () => {
    const { repo } = shop();
    repo.write({
      'tranche.yaml': SHOP_MANIFEST.replace('shop.CartService/AddItem, CartService/GetCart', 'shop.CartService/AddItm, CartServce/GetCart').replace(
        'message: shop.OrderCreated',
        'message: OrderCreated',
      ),
    });
    repo.commit('typos');
    const result = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /tranche\.yaml:17:\d+: checkout calls shop\.CartService\/AddItm of cart, .* \(did you mean shop\.CartService\/AddItem\?\)/);
    assert.match(result.stderr, /tranche\.yaml:17:\d+: checkout calls CartServce\/GetCart of cart, .* \(did you mean shop\.CartService\/GetCart\?\)/);
    assert.match(
      result.stderr,
      /tranche\.yaml:28:\d+: event order\.created: services\/orders\/events\/order\.proto declares no message OrderCreated .*\(did you mean shop\.OrderCreated\?\)/,
    );
  });

  test('a gRPC contract or a method written in a shape the manifest does not take is told once, where it is written', () => {
    const { repo } = shop();
    repo.write({
      'tranche.yaml': SHOP_MANIFEST.replace('grpc: protos', 'grpc: { proto: protos, category: BINARY }')
        .replace('CartService/GetCart]', 'CartService.GetCart]')
        .replace('{ proto: events/order.proto, message: shop.OrderCreated }', '{ proto: events/order.proto }'),
    });
    repo.commit('shapes');
    const result = runCli(['validate'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('tranche.yaml:'));
    assert.deepEqual(lines, [
      'tranche.yaml:12:42: services.cart.contracts.provides.grpc.category: "BINARY" is not one of FILE, PACKAGE, WIRE_JSON, WIRE',
      'tranche.yaml:17:65: services.checkout.contracts.consumes.cart.methods.1: "CartService.GetCart" must be Service/Method or package.Service/Method, e.g. hipstershop.CartService/AddItem',
      'tranche.yaml:28:11: services.orders.contracts.provides.events.order.created is missing the required key message',
    ]);
  });

  test('an unknown service, a .proto that does not parse, a missing import, a directory without .proto files and an undeclared event message: exit 2, located', () => {
    const { repo } = shop();
    repo.write({ 'tranche.yaml': SHOP_MANIFEST.replace('        cart: { grpc: true }\n', '        carts: { grpc: true }\n') });
    repo.commit('unknown service');
    const unknown = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /tranche\.yaml:22:\d+: web calls the gRPC services of .*carts.*did you mean cart/);

    repo.write({ 'tranche.yaml': SHOP_MANIFEST, 'services/cart/protos/cart.proto': cart('  int32 quantity = 2;', '  int32 quantity = ;') });
    repo.commit('syntax error');
    const syntax = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /services\/cart\/protos\/cart\.proto:15:20: /);

    // What protoc refuses, the fleet refuses too, located in the .proto.
    repo.write({ 'services/cart/protos/cart.proto': cart('  int32 quantity = 2;', '  int32 quantity = 2 [default = 1];') });
    repo.commit('a default in proto3');
    const defaulted = runCli(['plan', '--env', 'prod'], repo.dir);
    assert.equal(defaulted.code, 2);
    assert.match(defaulted.stderr, /services\/cart\/protos\/cart\.proto:15:23: explicit default values are not allowed in proto3/);
    repo.write({ 'services/cart/protos/cart.proto': CART_PROTO.replace('syntax = "proto3";', 'edition = "2099";') });
    repo.commit('an edition protoc does not know');
    const edition = runCli(['plan', '--env', 'prod'], repo.dir);
    assert.equal(edition.code, 2);
    assert.match(edition.stderr, /services\/cart\/protos\/cart\.proto:1:11: unknown edition "2099"/);

    repo.write({ 'services/cart/protos/cart.proto': CART_PROTO }).remove('services/cart/protos/common.proto');
    repo.commit('lost an import');
    const lost = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(lost.code, 2);
    assert.match(lost.stderr, /services\/cart\/protos\/cart\.proto:5:1: import "common\.proto" is not a file of the tree/);

    repo.write({
      'services/cart/protos/common.proto': SHOP_FILES['services/cart/protos/common.proto']!,
      'tranche.yaml': SHOP_MANIFEST.replace('grpc: protos', 'grpc: proto'),
    });
    repo.commit('a directory that is not there');
    const nowhere = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /tranche\.yaml:12:\d+: contract services\/cart\/proto holds no \.proto file in HEAD/);

    repo.write({ 'tranche.yaml': SHOP_MANIFEST.replace('grpc: protos', 'grpc: ../../../etc') });
    repo.commit('a directory out of the repository');
    const outside = runCli(['plan', '--env', 'prod'], repo.dir);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /tranche\.yaml:12:\d+: contract services\/cart\/\.\.\/\.\.\/\.\.\/etc leads out of the repository/);
    assert.doesNotMatch(outside.stderr, /holds no \.proto file/);

    repo.write({ 'tranche.yaml': SHOP_MANIFEST.replace('shop.OrderCreated', 'shop.OrderPlaced') });
    repo.commit('a message that is not there');
    const message = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(message.code, 2);
    assert.match(message.stderr, /tranche\.yaml:28:\d+: event order\.created: services\/orders\/events\/order\.proto declares no message shop\.OrderPlaced/);

    // A .proto past 8 MiB is refused before it is parsed (its parse would hold many times its size).
    repo.write({ 'tranche.yaml': SHOP_MANIFEST, 'services/cart/protos/huge.proto': `syntax = "proto3";\n${'// padding\n'.repeat(800_000)}` });
    repo.commit('a huge .proto');
    const huge = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(huge.code, 2, huge.stdout);
    assert.match(huge.stderr, /services\/cart\/protos\/huge\.proto:1:1: .*huge\.proto is 8800019 bytes: a file over 8388608 bytes is not read/);
    assert.doesNotMatch(huge.stderr, /\n\s+at /, 'no stack trace');
  });
});
