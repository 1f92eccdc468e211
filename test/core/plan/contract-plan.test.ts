import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContractChange, ContractEdge } from '../../../src/core/contracts/index.js';
import type { Manifest } from '../../../src/core/manifest/manifest.js';
import { buildPlan, type ServiceState } from '../../../src/core/plan/build-plan.js';
import { mixedPairings } from '../../../src/core/plan/mixed-versions.js';
import { revision } from '../../support/fleet-builder.js';

/** web and mobile call the pets API; mailer reads pet.adopted, which pets emits. */
function fleet(deps: Record<string, string[]> = {}, batchSize = 5, rules: Record<string, string> = {}): Manifest {
  const service = (name: string, contracts: object) => ({ path: `services/${name}`, depends_on: deps[name] ?? [], config: { schema: {} }, contracts });
  return revision({
    version: 1,
    name: 'zoo',
    environments: { prod: { driver: 'local' } },
    policy: { batch_size: batchSize, bake: '0s', rules },
    services: {
      pets: service('pets', { provides: { http: 'openapi.yaml', events: { 'pet.adopted': 'adopted.json' } }, consumes: { 'pet.adopted': { event: true } } }),
      web: service('web', { consumes: { pets: { http: true } } }),
      mobile: service('mobile', { consumes: { pets: { http: true } } }),
      mailer: service('mailer', { consumes: { 'pet.adopted': { event: true } } }),
    },
  }).manifest;
}

const change = (id: string, operation = 'GET /pets/{id}'): ContractChange => ({ id, level: 'ERR', message: id.replaceAll('-', ' '), operation });
const http = (consumer: string, oldNew: ContractChange[], newOld: ContractChange[]): ContractEdge => ({
  consumer,
  provider: 'pets',
  kind: 'http',
  oldConsumerNewProvider: oldNew,
  newConsumerOldProvider: newOld,
});
const event = (consumer: string, oldNew: ContractChange[], newOld: ContractChange[]): ContractEdge => ({
  consumer,
  provider: 'pets',
  kind: 'event',
  event: 'pet.adopted',
  oldConsumerNewProvider: oldNew,
  newConsumerOldProvider: newOld,
});
const removed = [change('response-required-property-removed')];
const added = [change('api-path-removed-without-deprecation', 'POST /pets')];

const v = (name: string, n: number): ServiceState => ({ version: { commit: `c${n}`, contentId: `${name}-${n}`, configHash: `cfg-${name}` }, shown: {} });
const ALL = ['pets', 'web', 'mobile', 'mailer'];

function plan(manifest: Manifest, edges: ContractEdge[], moving = ALL) {
  return buildPlan({
    env: 'prod',
    manifest,
    to: { commit: 'c2', label: 'HEAD (c2)' },
    targets: new Map(ALL.map((n) => [n, v(n, moving.includes(n) ? 2 : 1)])),
    deployed: new Map(ALL.map((n) => [n, v(n, 1)])),
    findings: [],
    changes: {
      env: 'prod',
      to: { commit: 'c2', label: 'HEAD (c2)' },
      services: moving.map((service) => ({ service, from: { commit: 'c1', label: 'c1' }, kinds: ['code'], files: [], commits: [], configKeys: [], deps: [] })),
      unowned: [],
    },
    contracts: edges,
    createdAt: '2026-11-29T00:00:00.000Z',
  });
}
const batchOf = (p: ReturnType<typeof plan>, name: string) => p.batches.find((b) => b.services.includes(name))?.index;
const rules = (p: ReturnType<typeof plan>) => p.findings.map((f) => `${f.rule}:${f.service}`).sort();

describe('contract-aware plans', () => {
  test('an old consumer that breaks on the new provider goes first, even against its depends_on, and the plan says why', () => {
    const p = plan(fleet({ web: ['pets'] }), [http('web', removed, [])]);
    assert.ok(batchOf(p, 'web')! < batchOf(p, 'pets')!, JSON.stringify(p.batches.map((b) => b.services)));
    const reasons = p.batches.find((b) => b.services.includes('pets'))!.reasons;
    assert.ok(
      reasons.some(
        (r) =>
          r.startsWith('pets after web (contract: the old web breaks on the new pets: GET /pets/{id}: response required property removed') &&
          r.includes('although it depends_on pets'),
      ),
      reasons.join('\n'),
    );
    assert.deepEqual(rules(p), []);
  });

  test('a new consumer that needs the new provider comes after it: contract/needs-provider-first', () => {
    const p = plan(fleet(), [http('web', [], added)]);
    assert.ok(batchOf(p, 'pets')! < batchOf(p, 'web')!);
    assert.deepEqual(rules(p), ['contract/needs-provider-first:web']);
    const info = p.findings[0]!;
    assert.equal(info.severity, 'info');
    assert.match(
      info.message,
      /the new web needs the new pets: going back to the old contract, POST \/pets: api path removed without deprecation \[api-path-removed-without-deprecation\]; the plan puts pets in batch 1, before web in batch 2/,
    );
    assert.equal(info.location?.file, 'tranche.yaml');
    assert.ok(info.location?.line);
  });

  test('a provider change that breaks a consumer that does not move: contract/breaking', () => {
    const p = plan(fleet(), [http('mobile', removed, [])], ['pets']);
    assert.deepEqual(rules(p), ['contract/breaking:pets']);
    assert.match(p.findings[0]!.message, /the new pets breaks mobile, which keeps running its current version/);
    assert.match(p.findings[0]!.hint!, /expand\/contract/);
  });

  test('when both pairings break, no order is safe and the finding gives the expand/contract split', () => {
    const p = plan(fleet(), [http('web', removed, added)]);
    assert.deepEqual(rules(p), ['contract/no-safe-order:pets']);
    const f = p.findings[0]!;
    assert.equal(f.severity, 'error');
    assert.match(f.message, /the old web breaks on the new pets: .*; and the new web breaks on the old pets: /);
    assert.match(f.hint!, /first release pets serving both the old and the new contract, then web, then remove/);
  });

  test('contract constraints that contradict each other through depends_on: no safe order', () => {
    // web before pets (its old version breaks on the new pets), pets before mobile (the new mobile
    // needs it), and web depends_on mobile: web → pets → mobile → web.
    const p = plan(fleet({ web: ['mobile'] }), [http('mobile', [], added), http('web', removed, [])]);
    assert.deepEqual(rules(p), ['contract/no-safe-order:pets', 'contract/no-safe-order:pets']);
    assert.ok(
      p.findings.every((f) => /contradict each other or depends_on/.test(f.message)),
      p.findings.map((f) => f.message).join('\n'),
    );
    assert.ok(batchOf(p, 'mobile')! < batchOf(p, 'web')!, 'depends_on still holds');
  });

  test('both versions of a service during its own rolling update: a breaking change to an event it reads itself has no safe order', () => {
    const p = plan(fleet(), [{ ...event('pets', removed, []), consumer: 'pets' }]);
    assert.deepEqual(rules(p), ['contract/no-safe-order:pets']);
    assert.match(p.findings[0]!.message, /both versions of pets run side by side/);
  });

  test('an event consumer goes first; rolling it back after the producer has emitted new messages is unsafe', () => {
    const p = plan(fleet(), [event('mailer', removed, [])]);
    assert.ok(batchOf(p, 'mailer')! < batchOf(p, 'pets')!);
    assert.deepEqual(rules(p), ['contract/rollback-unsafe:mailer']);
    assert.equal(p.findings[0]!.severity, 'warn');
    assert.match(p.findings[0]!.message, /rolling back mailer \(batch 1\) after pets \(batch 2\) has emitted new pet.adopted messages/);
  });

  test('a new event consumer that cannot read the old messages has no safe order: queued messages outlive their producer', () => {
    const p = plan(fleet(), [event('mailer', [], removed)]);
    assert.deepEqual(rules(p), ['contract/no-safe-order:pets']);
    assert.match(p.findings[0]!.hint!, /first release mailer accepting both the old and the new pet.adopted messages/);
  });

  test('policy.rules sets the severity of contract findings, and off drops them without changing the order', () => {
    const p = plan(
      fleet({}, 5, { 'contract/breaking': 'warn', 'contract/needs-provider-first': 'off' }),
      [http('mobile', removed, []), http('web', [], added)],
      ['pets', 'web'],
    );
    assert.deepEqual(
      p.findings.map((f) => `${f.rule}:${f.severity}`),
      ['contract/breaking:warn'],
    );
    assert.ok(batchOf(p, 'pets')! < batchOf(p, 'web')!);
  });
});

describe('mixedPairings', () => {
  const edge = http('web', removed, added);
  test('follows the batches: the old consumer meets the new provider from the provider’s batch to its own', () => {
    assert.deepEqual(
      mixedPairings(
        edge,
        new Map([
          ['pets', 1],
          ['web', 2],
        ]),
      ),
      { oldConsumerNewProvider: 'rollout' },
    );
    assert.deepEqual(
      mixedPairings(
        edge,
        new Map([
          ['pets', 2],
          ['web', 1],
        ]),
      ),
      { newConsumerOldProvider: 'rollout' },
    );
    assert.deepEqual(
      mixedPairings(
        edge,
        new Map([
          ['pets', 1],
          ['web', 1],
        ]),
      ),
      { oldConsumerNewProvider: 'rollout', newConsumerOldProvider: 'rollout' },
    );
    assert.deepEqual(mixedPairings(edge, new Map([['pets', 1]])), { oldConsumerNewProvider: 'rollout' });
  });
  test('an HTTP rollback only repeats moments of the rollout; event messages outlive their producer', () => {
    assert.deepEqual(
      mixedPairings(
        http('web', removed, []),
        new Map([
          ['pets', 2],
          ['web', 1],
        ]),
      ),
      {},
    );
    assert.deepEqual(
      mixedPairings(
        event('web', removed, []),
        new Map([
          ['pets', 2],
          ['web', 1],
        ]),
      ),
      { oldConsumerNewProvider: 'rollback' },
    );
  });
});
