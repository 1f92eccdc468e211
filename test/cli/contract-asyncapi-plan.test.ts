import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchOf, contractFindings, fleetAtV1, type PlanJson } from '../support/plan-json.js';
import { runCli, runJson } from '../support/run-cli.js';
import { BAZAAR_FILES, BAZAAR_MANIFEST, MAILER, ORDERS_TOTAL_OPTIONAL } from './async-api-fleet.js';

const bazaar = (files: Record<string, string> = {}) => fleetAtV1({ ...BAZAAR_FILES, ...files });

describe('AsyncAPI contracts in check and plan', () => {
  test('a fleet whose AsyncAPI channels all have a sender checks clean, manifest consumers of them included', () => {
    const { repo } = bazaar();
    const result = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  test('a payload change on a channel orders sends moves its receiver first, and flags the receiver rollback', () => {
    const { repo, v1 } = bazaar();
    repo.write({
      'services/orders/asyncapi.yaml': ORDERS_TOTAL_OPTIONAL,
      'services/mailer/asyncapi.yaml': MAILER.replace('required: [id, total]', 'required: [id]'),
      'services/mailer/server.js': '// mailer v2: total is optional\n',
    });
    repo.commit('orders.created without a guaranteed total');
    const { json } = runJson<PlanJson>(['plan', '--env', 'prod', '--from', v1, '--intent', 'optional total'], repo.dir);
    assert.ok(batchOf(json, 'mailer') >= 0 && batchOf(json, 'mailer') < batchOf(json, 'orders'), JSON.stringify(json.batches));
    assert.ok(
      json.batches[batchOf(json, 'orders')]!.reasons.some((r) =>
        r.startsWith('orders after mailer (contract: the old mailer breaks on the new orders (event orders.created)'),
      ),
      JSON.stringify(json.batches),
    );
    assert.deepEqual(contractFindings(json.findings), ['contract/rollback-unsafe mailer']);
    const [rollback] = json.findings.filter((f) => f.rule === 'contract/rollback-unsafe');
    assert.deepEqual(
      [rollback!.location?.file, rollback!.location?.line, rollback!.location?.column],
      ['services/mailer/asyncapi.yaml', 18, 5],
      'the operation through which mailer receives orders.created',
    );
  });

  test('a payload change a receiver left on its version cannot read is contract/breaking, naming channel and message', () => {
    const { repo, v1 } = bazaar();
    repo.write({ 'services/orders/asyncapi.yaml': ORDERS_TOTAL_OPTIONAL });
    repo.commit('orders: total optional');
    const { code, json } = runJson<PlanJson>(['check', '--env', 'prod', '--from', v1, '--intent', 'optional total'], repo.dir);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking orders']);
    const [finding] = json.findings.filter((f) => f.rule === 'contract/breaking');
    assert.match(finding!.message, /mailer/);
    assert.match(finding!.message, /send orders\.created/);
  });

  test('a change in a schema file the document refers to is a change of the channel', () => {
    const order = 'type: object\nrequired: [id, total]\nproperties:\n  id: { type: string }\n  total: { type: number }\n';
    const { repo, v1 } = bazaar({
      'services/orders/asyncapi.yaml': BAZAAR_FILES['services/orders/asyncapi.yaml']!.replace(
        "$ref: '#/components/schemas/Order'",
        "$ref: 'schemas/order.yaml'",
      ),
      'services/orders/schemas/order.yaml': order,
    });
    repo.write({ 'services/orders/schemas/order.yaml': order.replace('[id, total]', '[id]') });
    repo.commit('order schema: total optional');
    const { code, json } = runJson<PlanJson>(['check', '--env', 'prod', '--from', v1, '--intent', 'optional total'], repo.dir);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking orders']);
    assert.match(json.findings.find((f) => f.rule === 'contract/breaking')!.message, /response property total became optional/);
  });

  test('two services sending to one channel are each its provider: a change in either reaches its receivers', () => {
    const twoSenders = BAZAAR_MANIFEST.replace(
      '  mailer:\n',
      '  legacy-orders:\n    path: services/legacy-orders\n    contracts:\n      provides:\n        asyncapi: asyncapi.yaml\n  mailer:\n',
    );
    const { repo, v1 } = bazaar({
      'tranche.yaml': twoSenders,
      'services/legacy-orders/asyncapi.yaml': BAZAAR_FILES['services/orders/asyncapi.yaml']!,
      'services/legacy-orders/server.js': '// legacy v1\n',
    });
    assert.equal(runCli(['check', '--env', 'prod'], repo.dir).code, 0);
    repo.write({ 'services/legacy-orders/asyncapi.yaml': ORDERS_TOTAL_OPTIONAL });
    repo.commit('legacy-orders: total optional');
    const { code, json } = runJson<PlanJson>(['check', '--env', 'prod', '--from', v1, '--intent', 'legacy'], repo.dir);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking legacy-orders']);
  });

  test('receiving from a channel no service sends to is an error at the receive operation; so is a manifest entry', () => {
    const { repo } = bazaar();
    repo.write({
      'services/mailer/asyncapi.yaml': MAILER.replace(
        'operations:\n',
        'operations:\n  onOrderCancelled:\n    action: receive\n    channel: { $ref: "#/channels/orderCancelled" }\n',
      ).replace(
        'channels:\n',
        'channels:\n  orderCancelled:\n    address: orders.cancelled\n    messages:\n      OrderCancelled: { payload: { type: object } }\n',
      ),
      'tranche.yaml': BAZAAR_MANIFEST.replace('payments.settled: { event: true }', 'payments.settle: { event: true }'),
    });
    repo.commit('nobody sends these');
    const result = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /services\/mailer\/asyncapi\.yaml:22:5: mailer receives from channel orders\.cancelled \(services\/mailer\/asyncapi\.yaml\), which no service sends to/,
    );
    assert.match(result.stderr, /tranche\.yaml:27:9: ledger consumes the event payments\.settle, which no service provides/);
  });

  test('a service document that is not AsyncAPI is exit 2 at its place in the file', () => {
    const { repo } = bazaar();
    repo.write({ 'services/payments/asyncapi.yaml': BAZAAR_FILES['services/payments/asyncapi.yaml']!.replace('action: send', 'action: publish') });
    repo.commit('2.x word in a 3.0 document');
    const result = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /services\/payments\/asyncapi\.yaml:\d+:\d+: operation publishSettled: action must be send or receive/);
  });
});
