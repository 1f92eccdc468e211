import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLocation } from '../../../src/core/location.js';
import { parseManifest } from '../../../src/core/manifest/parse-manifest.js';

const fleet = (consumes: string) => `version: 1
name: shop
environments:
  dev: { driver: local }
services:
  web:
    path: web
    contracts:
      consumes:
${consumes}
  cart:
    path: cart
    contracts:
      provides: { grpc: protos, http: openapi.yaml }
`;

test('an empty operations or methods list is refused at it: it would narrow the edge to nothing and protect no call', () => {
  const problems = (consumes: string) => parseManifest(fleet(consumes)).findings.map((f) => `${formatLocation(f.location!)}: ${f.message}`);
  assert.deepEqual(problems('        cart: { grpc: true, methods: [] }'), [
    'tranche.yaml:10:38: services.web.contracts.consumes.cart.methods must have at least 1 item(s)',
  ]);
  assert.deepEqual(problems('        cart: { http: true, operations: [] }'), [
    'tranche.yaml:10:41: services.web.contracts.consumes.cart.operations must have at least 1 item(s)',
  ]);
  assert.deepEqual(problems('        cart: { grpc: true, methods: [Cart/Get], http: true, operations: ["GET /cart"] }'), []);
});

test('a check name is one line: a line break or a terminal control in it is refused where it is written', () => {
  const text = fleet('        cart: { grpc: true }').replace(
    '  cart:\n',
    '    checks:\n      sanity:\n        - name: "kb\\n\\nrelease r42 applied"\n          tcp: { host: 127.0.0.1, port: 1 }\n  cart:\n',
  );
  assert.deepEqual(
    parseManifest(text).findings.map((f) => `${formatLocation(f.location!)}: ${f.message}`),
    ['tranche.yaml:13:17: services.web.checks.sanity.0.name: "kb\\n\\nrelease r42 applied" holds a line break or a control character: a name is one line'],
  );
});
