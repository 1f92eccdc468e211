import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { BAZAAR_FILES, BAZAAR_MANIFEST, ORDERS_TOTAL_OPTIONAL } from './async-api-fleet.js';
import { runCli, runJson } from '../support/run-cli.js';
import { expectOk, scratchDatabase } from '../support/scratch.js';
import { MARKET_FILES, MARKET_MANIFEST, ORDER_CREATED_WITHOUT_TOTAL, ORDERS_WITHOUT_TOTAL, PAYMENTS_WITH_REFUNDS } from './contract-fleet.js';

// tranche contract matrix: the market fleet (contract-fleet.ts) in a real repository, what runs
// recorded in its real SQLite store by tranche adopt.

interface Cell {
  status: string;
  reason?: string;
  changes?: { id: string; level: string; message: string; operation?: string }[];
}
interface Pair {
  kind: string;
  consumer: string;
  provider: string;
  event?: string;
  versions: Record<'consumer' | 'provider', { deployed: string | null; target: string | null }>;
  pairings: Record<'oldConsumerOldProvider' | 'oldConsumerNewProvider' | 'newConsumerOldProvider' | 'newConsumerNewProvider', Cell>;
}
interface Matrix {
  env: string;
  target: { label: string; commit: string };
  deployed: string;
  compatible: boolean;
  pairs: Pair[];
}

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

/** The market fleet at v1, recorded as running v1 in prod (or each service at the commit `pins` names). */
function market(files: Record<string, string> = MARKET_FILES): { repo: GitRepo; v1: string } {
  const repo = new GitRepo(files);
  repos.push(repo);
  return { repo, v1: repo.commit('v1') };
}
function adopt(repo: GitRepo, at: string, pins: Record<string, string> = {}): void {
  const services = Object.entries(pins).flatMap(([s, c]) => ['--service', `${s}=${c}`]);
  const result = runCli(['adopt', '--env', 'prod', '--at', at, ...services, '--yes'], repo.dir);
  assert.equal(result.code, 0, result.stderr);
}
const matrix = (repo: GitRepo, ...args: string[]) => runJson<Matrix>(['contract', 'matrix', '--env', 'prod', ...args], repo.dir);
const statuses = (pair: Pair | undefined) => pair && Object.values(pair.pairings).map((c) => c.status);
const pairOf = (m: Matrix, consumer: string, provider: string) => m.pairs.find((p) => p.consumer === consumer && p.provider === provider);

describe('tranche contract matrix', () => {
  test('a release that keeps every contract: every pair and pairing is compatible, exit 0', () => {
    const { repo, v1 } = market();
    adopt(repo, v1);
    repo.write({ 'services/web/server.js': '// web v2\n' });
    const v2 = repo.commit('web v2');
    const { code, json } = matrix(repo);
    assert.equal(code, 0);
    assert.deepEqual(
      json.pairs.map((p) => [p.consumer, p.kind, p.provider, p.event]),
      [
        ['mailer', 'event', 'orders', 'order.created'],
        ['orders', 'http', 'payments', undefined],
        ['web', 'http', 'orders', undefined],
      ],
    );
    for (const pair of json.pairs) {
      assert.deepEqual(statuses(pair), ['ok', 'ok', 'ok', 'ok'], pair.consumer);
      assert.deepEqual(pair.versions.consumer, { deployed: v1, target: v2 });
    }
    assert.equal(json.compatible, true);
    const text = runCli(['contract', 'matrix', '--env', 'prod'], repo.dir);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^prod: 3 consumer\/provider pairs, deployed \([0-9a-f]{7}\) → target HEAD \([0-9a-f]{7}\)$/m);
    assert.match(text.stdout, /^web\s+http\s+orders\s+[0-9a-f]{7}→[0-9a-f]{7}\s+[0-9a-f]{7}→[0-9a-f]{7}\s+ok\s+ok\s+ok\s+ok$/m);
    assert.match(text.stdout, /every pairing the rollout can create is compatible/);
  });

  test('an HTTP provider that drops a response field breaks the old consumer on the new provider, exit 1, the rule named', () => {
    const { repo, v1 } = market();
    adopt(repo, v1);
    repo.write({ 'services/orders/api/openapi.yaml': ORDERS_WITHOUT_TOTAL });
    repo.commit('orders: drop total');
    const { code, json } = matrix(repo);
    assert.equal(code, 1);
    assert.equal(json.compatible, false);
    const web = pairOf(json, 'web', 'orders');
    assert.deepEqual(statuses(web), ['ok', 'breaks', 'ok', 'ok']);
    const cell = web!.pairings.oldConsumerNewProvider;
    assert.deepEqual(
      cell.changes!.map((c) => [c.id, c.level, c.operation]),
      [['response-required-property-removed', 'ERR', 'GET /orders/{id}']],
    );
    assert.equal(cell.reason, 'GET /orders/{id}: required response property total removed [response-required-property-removed]');
    assert.deepEqual(statuses(pairOf(json, 'orders', 'payments')), ['ok', 'ok', 'ok', 'ok']);

    const text = runCli(['contract', 'matrix', '--env', 'prod'], repo.dir);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^web\s+http\s+orders\s+\S+\s+\S+\s+ok\s+BREAKS\s+ok\s+ok$/m);
    assert.match(
      text.stdout,
      /^web → orders \(http\):\n {2}old web × new orders: BREAKS: GET \/orders\/\{id\}: required response property total removed \[response-required-property-removed\]$/m,
    );
    assert.match(text.stdout, /a pairing the rollout can create breaks/);
  });

  test('an event whose payload loses a required field breaks the old consumer on the new producer', () => {
    const { repo, v1 } = market();
    adopt(repo, v1);
    repo.write({ 'services/orders/events/order-created.json': ORDER_CREATED_WITHOUT_TOTAL });
    repo.commit('order.created without total');
    const { code, json } = matrix(repo);
    assert.equal(code, 1);
    const mailer = pairOf(json, 'mailer', 'orders');
    assert.equal(mailer?.event, 'order.created');
    assert.deepEqual(statuses(mailer), ['ok', 'breaks', 'ok', 'ok']);
    assert.deepEqual(
      mailer!.pairings.oldConsumerNewProvider.changes!.map((c) => c.id),
      ['response-required-property-removed'],
    );
    assert.match(
      runCli(['contract', 'matrix', '--env', 'prod'], repo.dir).stdout,
      /^mailer → orders \(event order\.created\):\n {2}old mailer × new orders: BREAKS: .*total.*\[response-required-property-removed\]$/m,
    );
  });

  test('AsyncAPI channels: a payload change breaks the old receiver; a channel two services send to has a row per sender', () => {
    // The bazaar fleet, plus refunds, a second sender of payments.settled.
    const refunds = (required: string) =>
      `asyncapi: 3.0.0\ninfo: { title: refunds, version: 1.0.0 }\nchannels:\n  settled:\n    address: payments.settled\n    messages:\n      RefundSettled:\n        payload:\n          type: object\n          required: [${required}]\n          properties:\n            orderId: { type: string }\n            amount: { type: integer }\noperations:\n  publishRefund:\n    action: send\n    channel: { $ref: '#/channels/settled' }\n`;
    const manifest = `${BAZAAR_MANIFEST}  refunds:\n    path: services/refunds\n    contracts:\n      provides:\n        asyncapi: asyncapi.yaml\n`;
    const repo = new GitRepo({ ...BAZAAR_FILES, 'tranche.yaml': manifest, 'services/refunds/asyncapi.yaml': refunds('orderId, amount') });
    repos.push(repo);
    const v1 = repo.commit('v1');
    repo.write({ 'services/orders/asyncapi.yaml': ORDERS_TOTAL_OPTIONAL, 'services/refunds/asyncapi.yaml': refunds('orderId') });
    repo.commit('orders.created without a guaranteed total; refunds without a guaranteed amount');
    const { code, json } = matrix(repo, '--from', v1);
    assert.equal(code, 1);
    assert.deepEqual(
      json.pairs.filter((p) => p.kind === 'event').map((p) => [p.consumer, p.provider, p.event, ...statuses(p)!]),
      [
        ['ledger', 'payments', 'payments.settled', 'ok', 'ok', 'ok', 'ok'],
        ['ledger', 'refunds', 'payments.settled', 'ok', 'breaks', 'ok', 'ok'],
        ['mailer', 'orders', 'orders.created', 'ok', 'breaks', 'ok', 'ok'],
        ['orders', 'payments', 'payments.settled', 'ok', 'ok', 'ok', 'ok'],
        ['orders', 'refunds', 'payments.settled', 'ok', 'breaks', 'ok', 'ok'],
      ],
    );
    assert.deepEqual(
      pairOf(json, 'mailer', 'orders')!.pairings.oldConsumerNewProvider.changes!.map((c) => [c.id, c.operation]),
      [['response-property-became-optional', 'send orders.created']],
    );
    assert.deepEqual(
      pairOf(json, 'ledger', 'refunds')!.pairings.oldConsumerNewProvider.changes!.map((c) => [c.id, c.operation]),
      [['response-property-became-optional', 'send payments.settled']],
    );
  });

  test('services deployed at different commits: each side is paired as it runs, the consumer with the contract of its own commit', () => {
    const { repo, v1 } = market();
    // v2: payments serves POST /refunds and orders calls it. orders already runs v2, payments still v1.
    repo.write({
      'services/payments/api/openapi.yaml': PAYMENTS_WITH_REFUNDS,
      'tranche.yaml': MARKET_MANIFEST.replace('operations: ["POST /charges"]', 'operations: ["POST /charges", "POST /refunds"]'),
      'services/orders/server.js': '// orders v2: refunds\n',
    });
    const v2 = repo.commit('refunds');
    adopt(repo, v1, { orders: v2 });
    const { code, json } = matrix(repo);
    assert.equal(code, 1);
    const orders = pairOf(json, 'orders', 'payments')!;
    assert.deepEqual(orders.versions, { consumer: { deployed: v2, target: v2 }, provider: { deployed: v1, target: v2 } });
    // The running orders calls POST /refunds, which the running payments does not serve yet.
    assert.deepEqual(statuses(orders), ['breaks', 'ok', 'breaks', 'ok']);
    assert.deepEqual(
      orders.pairings.oldConsumerOldProvider.changes!.map((c) => c.operation),
      ['POST /refunds'],
    );
    const text = runCli(['contract', 'matrix', '--env', 'prod'], repo.dir).stdout;
    assert.match(text, /^prod: 3 consumer\/provider pairs, 2 deployed revisions: [0-9a-f]{7} \(3 services\), [0-9a-f]{7} \(1 service\) → target/m);
    assert.match(
      text,
      new RegExp(`^orders\\s+http\\s+payments\\s+${v2.slice(0, 7)}\\s+${v1.slice(0, 7)}→${v2.slice(0, 7)}\\s+BREAKS\\s+ok\\s+BREAKS\\s+ok$`, 'm'),
    );
  });

  test('consumes.operations narrows a pair to the operations its consumer calls', () => {
    // payments drops GET /balance, which orders does not call; an orders that calls every operation breaks on it.
    const withBalance = MARKET_FILES['services/payments/api/openapi.yaml']!.replace(
      'paths:\n',
      'paths:\n  /balance:\n    get:\n      responses:\n        "200": { description: the balance }\n',
    );
    const dropBalance = (manifest: string) => {
      const { repo, v1 } = market({ ...MARKET_FILES, 'tranche.yaml': manifest, 'services/payments/api/openapi.yaml': withBalance });
      adopt(repo, v1);
      repo.write({ 'services/payments/api/openapi.yaml': MARKET_FILES['services/payments/api/openapi.yaml']! });
      repo.commit('payments: no more GET /balance');
      return matrix(repo);
    };
    const narrowed = dropBalance(MARKET_MANIFEST);
    assert.equal(narrowed.code, 0, 'orders calls POST /charges only');
    assert.deepEqual(statuses(pairOf(narrowed.json, 'orders', 'payments')), ['ok', 'ok', 'ok', 'ok']);
    const everything = dropBalance(MARKET_MANIFEST.replace('{ http: true, operations: ["POST /charges"] }', '{ http: true }'));
    assert.equal(everything.code, 1);
    const orders = pairOf(everything.json, 'orders', 'payments')!;
    assert.deepEqual(statuses(orders), ['ok', 'breaks', 'ok', 'ok']);
    assert.deepEqual(
      orders.pairings.oldConsumerNewProvider.changes!.map((c) => [c.id, c.operation]),
      [['api-path-removed-without-deprecation', 'GET /balance']],
    );
  });

  test('--from compares as if every service ran a revision (a what-if)', () => {
    const { repo, v1 } = market();
    repo.write({ 'services/orders/api/openapi.yaml': ORDERS_WITHOUT_TOTAL });
    repo.commit('orders: drop total');
    const { code, json } = matrix(repo, '--from', v1.slice(0, 8));
    assert.equal(code, 1);
    assert.equal(json.deployed, 'what-if');
    assert.deepEqual(statuses(pairOf(json, 'web', 'orders')), ['ok', 'breaks', 'ok', 'ok']);
    assert.equal(existsSync(join(repo.dir, '.tranche', 'state.db')), false, 'a what-if records nothing');
  });

  test('--json: one document, its shape stable', () => {
    const { repo, v1 } = market();
    adopt(repo, v1);
    repo.write({ 'services/orders/api/openapi.yaml': ORDERS_WITHOUT_TOTAL });
    const v2 = repo.commit('orders: drop total');
    const { code, json } = matrix(repo);
    assert.equal(code, 1);
    assert.deepEqual(Object.keys(json), ['env', 'target', 'deployed', 'compatible', 'pairs']);
    assert.deepEqual([json.env, json.target, json.deployed, json.compatible], ['prod', { label: `HEAD (${v2.slice(0, 7)})`, commit: v2 }, 'recorded', false]);
    const web = pairOf(json, 'web', 'orders')!;
    assert.deepEqual(Object.keys(web), ['kind', 'consumer', 'provider', 'versions', 'pairings']);
    assert.deepEqual(Object.keys(web.pairings), ['oldConsumerOldProvider', 'oldConsumerNewProvider', 'newConsumerOldProvider', 'newConsumerNewProvider']);
    assert.deepEqual(web.pairings.oldConsumerOldProvider, { status: 'ok' });
    assert.deepEqual(Object.keys(web.pairings.oldConsumerNewProvider), ['status', 'reason', 'changes']);
    assert.deepEqual(Object.keys(web.pairings.oldConsumerNewProvider.changes![0]!), ['id', 'level', 'message', 'operation', 'path']);
    assert.deepEqual(Object.keys(pairOf(json, 'mailer', 'orders')!), ['kind', 'consumer', 'provider', 'event', 'versions', 'pairings']);
  });

  test('nothing deployed: every old pairing is not running, new × new is judged, and no store is created', () => {
    const { repo } = market();
    const { code, json } = matrix(repo);
    assert.equal(code, 0);
    assert.equal(json.deployed, 'no-store');
    for (const pair of json.pairs) {
      assert.deepEqual(statuses(pair), ['not-running', 'not-running', 'not-running', 'ok']);
      assert.deepEqual(pair.versions.provider.deployed, null);
    }
    assert.equal(pairOf(json, 'web', 'orders')!.pairings.oldConsumerOldProvider.reason, 'web is not deployed');
    assert.equal(existsSync(join(repo.dir, '.tranche', 'state.db')), false);
    assert.match(runCli(['contract', 'matrix', '--env', 'prod'], repo.dir).stdout, /nothing known to run \(no state store is configured/);
  });

  test('an environment of the store where nothing is deployed yet: only new × new is judged', () => {
    const manifest = MARKET_MANIFEST.replace('  prod: { driver: local }\n', '  prod: { driver: local }\n  staging: { driver: local }\n');
    const { repo, v1 } = market({ ...MARKET_FILES, 'tranche.yaml': manifest });
    adopt(repo, v1);
    const { code, json } = runJson<Matrix>(['contract', 'matrix', '--env', 'staging'], repo.dir);
    assert.equal(code, 0);
    assert.deepEqual([json.env, json.deployed], ['staging', 'recorded']);
    assert.equal(json.pairs.length, 3);
    for (const pair of json.pairs) assert.deepEqual(statuses(pair), ['not-running', 'not-running', 'not-running', 'ok']);
    assert.match(
      runCli(['contract', 'matrix', '--env', 'staging'], repo.dir).stdout,
      /^staging: 3 consumer\/provider pairs, nothing recorded as deployed in staging/m,
    );
  });

  test('reads what runs from a Postgres store as from SQLite', async (t) => {
    const state = `postgres://postgres@127.0.0.1:5432/${await scratchDatabase(t, 'tranche_matrix')}`;
    const { repo, v1 } = market();
    expectOk(runCli(['adopt', '--env', 'prod', '--at', v1, '--yes', '--state', state], repo.dir), 'adopt');
    repo.write({ 'services/orders/api/openapi.yaml': ORDERS_WITHOUT_TOTAL });
    repo.commit('orders: drop total');
    const { code, json } = matrix(repo, '--state', state);
    assert.equal(code, 1);
    assert.equal(json.deployed, 'recorded');
    assert.deepEqual(statuses(pairOf(json, 'web', 'orders')), ['ok', 'breaks', 'ok', 'ok']);
    assert.equal(existsSync(join(repo.dir, '.tranche', 'state.db')), false, 'no SQLite store beside it');
  });

  test('unusable input exits 2 with a precise message and nothing on stdout', () => {
    const { repo, v1 } = market();
    adopt(repo, v1);
    const cases: [string[], RegExp][] = [
      [['--env', 'staging'], /unknown environment "staging"; the fleet has prod/],
      [['--env', 'prod', '--to', 'no-such-ref'], /unknown revision "no-such-ref"/],
      [['--env', 'prod', '--state', join(repo.dir, 'missing.db')], /there is no state store at .*missing\.db/],
      [['--env', 'prod', 'extra'], /contract matrix: unexpected argument "extra"/],
      [['--env', 'prod', '--kind', 'protobuf'], /--kind applies to contract diff only/],
    ];
    for (const [args, message] of cases) {
      const result = runCli(['contract', 'matrix', ...args], repo.dir);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
      assert.equal(result.stdout, '');
    }
    const diff = runCli(['contract', 'diff', 'a.yaml', 'b.yaml', '--env', 'prod'], repo.dir);
    assert.equal(diff.code, 2);
    assert.match(diff.stderr, /--env applies to contract matrix only/);
  });

  test('a target contract that does not parse is unusable input, located', () => {
    const { repo, v1 } = market();
    adopt(repo, v1);
    repo.write({ 'services/orders/api/openapi.yaml': 'openapi: 3.0.3\npaths: [unclosed\n' });
    repo.commit('broken spec');
    const result = runCli(['contract', 'matrix', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /services\/orders\/api\/openapi\.yaml:\d+:\d+/);
  });

  test('a deployed contract that does not parse: every pairing that compares with it is unreadable, exit 1', () => {
    const { repo } = market();
    repo.write({ 'services/orders/api/openapi.yaml': 'openapi: 3.0.3\npaths: [unclosed\n' });
    const broken = repo.commit('orders: a spec that does not parse');
    adopt(repo, broken);
    repo.write({ 'services/orders/api/openapi.yaml': MARKET_FILES['services/orders/api/openapi.yaml']! });
    repo.commit('orders: fixed');
    const { code, json } = matrix(repo);
    assert.equal(code, 1);
    const web = pairOf(json, 'web', 'orders')!;
    assert.deepEqual(statuses(web), ['unreadable', 'unreadable', 'unreadable', 'ok']);
    assert.match(web.pairings.oldConsumerNewProvider.reason!, /^web at [0-9a-f]{7} expects orders's contract of that commit, which cannot be read/);
    assert.match(
      web.pairings.newConsumerOldProvider.reason!,
      /^orders at [0-9a-f]{7}: its contract cannot be read \(services\/orders\/api\/openapi\.yaml:\d+:\d+: .+\)$/,
    );
    assert.deepEqual(statuses(pairOf(json, 'orders', 'payments')), ['ok', 'ok', 'ok', 'ok'], 'what orders calls does not depend on its own spec');
    assert.match(
      runCli(['contract', 'matrix', '--env', 'prod'], repo.dir).stdout,
      /^web\s+http\s+orders\s+\S+\s+\S+\s+UNREADABLE\s+UNREADABLE\s+UNREADABLE\s+ok$/m,
    );
  });

  test('a name from a spec that holds a newline or an escape stays on its line, inert', () => {
    const hostile = 'to\ntal\u001b[31m';
    const schema = (required: string[]) =>
      JSON.stringify({ type: 'object', required, properties: Object.fromEntries(required.map((n) => [n, { type: 'string' }])) });
    const { repo, v1 } = market({ ...MARKET_FILES, 'services/orders/events/order-created.json': schema(['id', hostile]) });
    adopt(repo, v1);
    repo.write({ 'services/orders/events/order-created.json': schema(['id']) });
    repo.commit('order.created loses it');
    const text = runCli(['contract', 'matrix', '--env', 'prod'], repo.dir);
    assert.equal(text.code, 1);
    const line = text.stdout.split('\n').find((l) => l.startsWith('  old mailer × new orders: BREAKS: '));
    assert.ok(line?.includes('to\\ntal\\x1b[31m'), text.stdout);
    assert.doesNotMatch(text.stdout, /\u001b/);
  });

  test('--help states what the matrix shows and its exit codes', () => {
    const { repo } = market();
    const help = runCli(['contract', '--help'], repo.dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /contract matrix --env E/);
    assert.match(
      help.stdout,
      /0 every pairing the rollout can create .* is\s+compatible; 1 one breaks, or runs a contract that cannot be read; 2 unusable input/,
    );
  });
});
