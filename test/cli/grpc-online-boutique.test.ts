import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildCorpusFleet, commitAll } from '../support/corpus-fleet.js';
import { runJson } from '../support/run-cli.js';

// online-boutique's services talk gRPC (hipstershop, protos/demo.proto). Each provider declares
// the copy of demo.proto its code is built from (its own where it keeps one, protos/ otherwise),
// and each consumer the methods its code calls.
const PROVIDES: Record<string, string> = {
  adservice: 'src/main/proto/demo.proto',
  cartservice: 'src/protos/Cart.proto',
  checkoutservice: '../../protos/demo.proto',
  currencyservice: 'proto/demo.proto',
  emailservice: '../../protos/demo.proto',
  paymentservice: 'proto/demo.proto',
  productcatalogservice: '../../protos/demo.proto',
  recommendationservice: '../../protos/demo.proto',
  shippingservice: '../../protos/demo.proto',
};
const CONSUMES: Record<string, Record<string, string[]>> = {
  frontend: {
    adservice: ['AdService/GetAds'],
    cartservice: ['CartService/AddItem', 'CartService/GetCart', 'CartService/EmptyCart'],
    checkoutservice: ['CheckoutService/PlaceOrder'],
    currencyservice: ['CurrencyService/GetSupportedCurrencies', 'CurrencyService/Convert'],
    productcatalogservice: ['ProductCatalogService/ListProducts', 'ProductCatalogService/GetProduct'],
    recommendationservice: ['RecommendationService/ListRecommendations'],
    shippingservice: ['ShippingService/GetQuote'],
  },
  checkoutservice: {
    cartservice: ['CartService/GetCart', 'CartService/EmptyCart'],
    productcatalogservice: ['ProductCatalogService/GetProduct'],
    currencyservice: ['CurrencyService/Convert'],
    shippingservice: ['ShippingService/GetQuote', 'ShippingService/ShipOrder'],
    paymentservice: ['PaymentService/Charge'],
    emailservice: ['EmailService/SendOrderConfirmation'],
  },
  recommendationservice: { productcatalogservice: ['ProductCatalogService/ListProducts'] },
};
const SERVICES = [...new Set([...Object.keys(PROVIDES), ...Object.keys(CONSUMES)])].sort();
const BOUTIQUE = `version: 1
name: online-boutique
environments:
  prod: { driver: local }
policy:
  batch_size: 3
services:
${SERVICES.map((name) => {
  const provides = PROVIDES[name] ? `      provides:\n        grpc: ${PROVIDES[name]}\n` : '';
  const consumes = CONSUMES[name]
    ? `      consumes:\n${Object.entries(CONSUMES[name])
        .map(([target, methods]) => `        ${target}: { grpc: true, methods: [${methods.map((m) => `hipstershop.${m}`).join(', ')}] }\n`)
        .join('')}`
    : '';
  return `  ${name}:\n    path: src/${name}\n    contracts:\n${provides}${consumes}`;
}).join('')}`;

interface PlanJson {
  findings: { rule: string; service?: string; message: string; location?: { file: string; line?: number } }[];
  batches: { services: string[] }[];
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const contractFindings = (json: PlanJson) =>
  json.findings
    .filter((f) => f.rule.startsWith('contract/') || f.rule === 'manifest/invalid')
    .map((f) => `${f.rule} ${f.service}: ${f.message}`)
    .sort();

describe('online-boutique over gRPC', () => {
  const dir = buildCorpusFleet('online-boutique', BOUTIQUE, dirs);
  const described = commitAll(dir, 'the base of the edits');
  /** Replaces `from` with `to` in a file of the fleet (where it must be). */
  const edit = (path: string, from: string, to: string) => {
    const text = readFileSync(join(dir, path), 'utf8');
    assert.ok(text.includes(from), `${path}: ${from}`);
    writeFileSync(join(dir, path), text.replace(from, to));
  };
  const plan = (from: string) => runJson<PlanJson>(['plan', '--env', 'prod', '--from', from, '--intent', 'grpc'], dir);

  test('between v0.9.0 and v0.10.0, whose .proto files did not change: no contract finding', () => {
    const { code, json } = plan('v0.9.0');
    assert.equal(code, 0, JSON.stringify(json.findings));
    assert.ok(json.batches.length > 0, 'services move between the two versions');
    assert.deepEqual(contractFindings(json), []);
  });

  test('edits of the .proto files break the consumers of the methods they reach, and only those', () => {
    // A field the cart's methods reach removed; a response field retyped; a method removed; the
    // request of a method nobody calls (the ad service's copy of ProductCatalogService) retyped.
    edit('src/cartservice/src/protos/Cart.proto', '    int32  quantity = 2;\n', '');
    edit('src/paymentservice/proto/demo.proto', '    string transaction_id = 1;', '    int64 transaction_id = 1;');
    edit('src/currencyservice/proto/demo.proto', '    rpc GetSupportedCurrencies(Empty) returns (GetSupportedCurrenciesResponse) {}\n', '');
    edit('src/adservice/src/main/proto/demo.proto', '    string query = 1;', '    int32 query = 1;');
    // The new frontend no longer calls the method; the one that runs does.
    edit('tranche.yaml', 'hipstershop.CurrencyService/GetSupportedCurrencies, ', '');
    commitAll(dir, 'edits');
    const { code, json } = plan(described);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json), [
      'contract/breaking cartservice: the new cartservice (gRPC) breaks checkoutservice, which keeps running its current version: Previously present field "2" with name "quantity" on message "CartItem" was deleted without reserving the number "2". (src/cartservice/src/protos/Cart.proto:27:1) [FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED]; Previously present field "2" with name "quantity" on message "CartItem" was deleted without reserving the name "quantity". (src/cartservice/src/protos/Cart.proto:27:1) [FIELD_NO_DELETE_UNLESS_NAME_RESERVED]',
      'contract/breaking cartservice: the new cartservice (gRPC) breaks frontend, which keeps running its current version: Previously present field "2" with name "quantity" on message "CartItem" was deleted without reserving the number "2". (src/cartservice/src/protos/Cart.proto:27:1) [FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED]; Previously present field "2" with name "quantity" on message "CartItem" was deleted without reserving the name "quantity". (src/cartservice/src/protos/Cart.proto:27:1) [FIELD_NO_DELETE_UNLESS_NAME_RESERVED]',
      'contract/breaking currencyservice: the new currencyservice (gRPC) breaks frontend, which keeps running its current version: RPC hipstershop.CurrencyService/GetSupportedCurrencies is gone: src/currencyservice/proto/demo.proto declares no such method (src/currencyservice/proto/demo.proto:138:1) [RPC_NO_DELETE]',
      'contract/breaking paymentservice: the new paymentservice (gRPC) breaks checkoutservice, which keeps running its current version: Field "1" on message "hipstershop.ChargeResponse" changed type from "string" to "int64". (src/paymentservice/proto/demo.proto:192:5) [FIELD_WIRE_JSON_COMPATIBLE_TYPE]',
    ]);
  });
});
