import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchOf, contractFindings, fleetAtV1, type JsonFinding, type PlanJson } from '../support/plan-json.js';
import { runCli, runJson } from '../support/run-cli.js';
import { MARKET_FILES, MARKET_MANIFEST, ORDER_CREATED_WITHOUT_TOTAL, ORDERS_WITHOUT_TOTAL, PAYMENTS_WITH_REFUNDS } from './contract-fleet.js';

const market = () => fleetAtV1(MARKET_FILES);

describe('contracts in check and plan', () => {
  test('a new consumer that calls a new operation waits for its provider, and the plan says why', () => {
    const { repo, v1 } = market();
    repo.write({
      'services/payments/api/openapi.yaml': PAYMENTS_WITH_REFUNDS,
      'tranche.yaml': MARKET_MANIFEST.replace('operations: ["POST /charges"]', 'operations: ["POST /charges", "POST /refunds"]'),
      'services/orders/server.js': '// orders v2: refunds\n',
    });
    repo.commit('refunds');
    const { code, json } = runJson<PlanJson>(['plan', '--env', 'prod', '--from', v1, '--intent', 'refunds'], repo.dir);
    assert.equal(code, 0, JSON.stringify(json.findings));
    assert.ok(batchOf(json, 'payments') < batchOf(json, 'orders'), JSON.stringify(json.batches));
    const reasons = json.batches[batchOf(json, 'orders')]!.reasons;
    assert.ok(
      reasons.some((r) =>
        r.includes(
          'orders after payments (contract/needs-provider-first: the new orders needs the new payments: going back to the old contract, POST /refunds removed',
        ),
      ),
      reasons.join('\n'),
    );
    const [info] = json.findings.filter((f) => f.rule === 'contract/needs-provider-first');
    assert.equal(info?.service, 'orders');
    assert.equal(info?.location?.file, 'tranche.yaml');
    assert.equal(info?.location?.line, 20, 'the consumes entry of orders');
  });

  test('a provider change that breaks a consumer left on its version is an error at check time', () => {
    const { repo, v1 } = market();
    repo.write({ 'services/orders/api/openapi.yaml': ORDERS_WITHOUT_TOTAL });
    repo.commit('orders: drop total');
    const { code, json } = runJson<{ findings: JsonFinding[] }>(['check', '--env', 'prod', '--from', v1, '--intent', 'slim orders'], repo.dir);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking orders']);
    const [finding] = json.findings.filter((f) => f.rule === 'contract/breaking');
    assert.match(finding!.message, /the new orders breaks web, which keeps running its current version: GET \/orders\/\{id\}: .*total/);
    assert.deepEqual([finding!.location?.file, finding!.location?.line], ['tranche.yaml', 17], 'where orders declares its API');
    const text = runCli(['check', '--env', 'prod', '--from', v1, '--intent', 'slim orders'], repo.dir);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /contract\/breaking/);
    assert.match(text.stdout, /tranche\.yaml:17/);
  });

  test('a consumer whose only change is its config keeps its code: the provider change still breaks it', () => {
    const withConfig = MARKET_MANIFEST.replace(
      '  web:\n    path: services/web\n',
      '  web:\n    path: services/web\n    config:\n      schema:\n        LOG_LEVEL: { type: string, default: info }\n      sources:\n        - file: config/{env}.yaml\n',
    );
    const { repo, v1 } = fleetAtV1({ ...MARKET_FILES, 'tranche.yaml': withConfig, 'services/web/config/prod.yaml': 'LOG_LEVEL: info\n' });
    repo.write({ 'services/orders/api/openapi.yaml': ORDERS_WITHOUT_TOTAL, 'services/web/config/prod.yaml': 'LOG_LEVEL: debug\n' });
    repo.commit('orders: drop total; web: debug logs');
    const { code, json } = runJson<PlanJson>(['plan', '--env', 'prod', '--from', v1, '--intent', 'slim orders'], repo.dir);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/breaking orders']);
  });

  test('an event consumer goes before the producer; its rollback is flagged', () => {
    const { repo, v1 } = market();
    repo.write({ 'services/orders/events/order-created.json': ORDER_CREATED_WITHOUT_TOTAL, 'services/mailer/server.js': '// mailer v2: total is optional\n' });
    repo.commit('order.created without total');
    const { json } = runJson<PlanJson>(['plan', '--env', 'prod', '--from', v1, '--intent', 'slim events'], repo.dir);
    assert.ok(batchOf(json, 'mailer') < batchOf(json, 'orders'), JSON.stringify(json.batches));
    assert.ok(
      json.batches[batchOf(json, 'orders')]!.reasons.some((r) =>
        r.startsWith('orders after mailer (contract: the old mailer breaks on the new orders (event order.created)'),
      ),
    );
    assert.deepEqual(contractFindings(json.findings), ['contract/rollback-unsafe mailer']);
  });

  test('a change no batch order can make safe is refused, with the expand/contract split', () => {
    const { repo, v1 } = market();
    // payments renames POST /charges to POST /charges/v2 and orders moves to it in the same release.
    repo.write({
      'services/payments/api/openapi.yaml': MARKET_FILES['services/payments/api/openapi.yaml']!.replace('  /charges:', '  /charges/v2:'),
      'tranche.yaml': MARKET_MANIFEST.replace('operations: ["POST /charges"]', 'operations: ["POST /charges/v2"]'),
      'services/orders/server.js': '// orders v2: charges v2\n',
    });
    repo.commit('charges v2');
    const { code, json } = runJson<PlanJson>(['plan', '--env', 'prod', '--from', v1, '--intent', 'charges v2'], repo.dir);
    assert.equal(code, 1);
    assert.deepEqual(contractFindings(json.findings), ['contract/no-safe-order payments']);
    const [finding] = json.findings.filter((f) => f.rule === 'contract/no-safe-order');
    assert.match(
      finding!.message,
      /the old orders breaks on the new payments: POST \/charges removed .*; and the new orders breaks on the old payments: going back to the old contract, POST \/charges\/v2 removed/,
    );
    assert.match(
      finding!.hint!,
      /first release payments serving both the old and the new contract, then orders, then remove from payments what only the old orders used/,
    );
    // --from is a what-if: apply deploys from what is recorded, and nothing is.
    const apply = runCli(['apply', '--env', 'prod', '--from', v1, '--intent', 'charges v2', '--yes'], repo.dir);
    assert.equal(apply.code, 2, apply.stdout + apply.stderr);
    assert.match(apply.stderr, /apply --from [0-9a-f]+: nothing is recorded as deployed in prod/);
  });

  test('a contract file that does not exist, a $ref that leads nowhere or a path out of the repository is unusable input: exit 2 with its location', () => {
    const { repo } = market();
    repo.write({ 'services/payments/api/schemas.yaml': 'Charge: { type: object }\n' });
    repo.commit('broken ref');
    const broken = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(broken.stderr, /tranche\.yaml:\d+:\d+: .*services\/payments\/api\/openapi\.yaml.*Receipt/);
    repo.remove('services/orders/events/order-created.json');
    repo.commit('lost the event schema');
    const missing = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /contract services\/orders\/events\/order-created\.json does not exist/);
    repo.write({ 'tranche.yaml': MARKET_MANIFEST.replace('http: api/openapi.yaml\n  orders:', 'http: ../../../outside.yaml\n  orders:') });
    repo.commit('a contract outside the repository');
    const outside = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(outside.code, 2);
    assert.match(
      outside.stderr,
      /tranche\.yaml:12:\d+: contract services\/payments\/\.\.\/\.\.\/\.\.\/outside\.yaml leads out of the repository: contracts\.provides\.http/,
    );
    assert.doesNotMatch(outside.stderr, /does not exist/);
  });

  test('an operation in consumes.operations that the provider does not define is a typo to fix: exit 2 at the entry', () => {
    const { repo } = market();
    repo.write({ 'tranche.yaml': MARKET_MANIFEST.replace('operations: ["POST /charges"]', 'operations: ["POST /charge"]') });
    repo.commit('typo');
    const result = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /tranche\.yaml:20:\d+: orders calls POST \/charge of payments, which services\/payments\/api\/openapi\.yaml does not define \(did you mean POST \/charges\?\)/,
    );
  });
});
