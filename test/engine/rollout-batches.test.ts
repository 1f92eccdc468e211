import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContractEdge } from '../../src/core/contracts/contract-edges.js';
import { engineFor, ENV, V1, V2 } from '../support/engine-harness.js';

// The rollout engine in-process (MemoryStore, FakeDriver, FakeCheckRunner, ManualClock): the
// order in which a plan's batches go out.

describe('rollout engine: batches', () => {
  test('deploys the batches in order, each after the gates of the one before, and records every step', async () => {
    const e = await engineFor({ services: [{ name: 'auth' }, { name: 'api', dependsOn: ['auth'] }, { name: 'web', dependsOn: ['api'] }] });
    assert.deepEqual(
      e.plan.batches.map((b) => b.services),
      [['auth'], ['api'], ['web']],
    );
    const outcome = await e.apply();
    assert.equal(outcome.status, 'succeeded', outcome.summary);
    assert.deepEqual(e.driver.deploys(), [`auth@${V2}`, `api@${V2}`, `web@${V2}`]);
    const order = e.events.flatMap((ev) =>
      ev.type === 'step' && ev.phase === 'done'
        ? [`deploy ${ev.service}`]
        : ev.type === 'gate' && ev.phase === 'passed' && ev.gate === 'sanity'
          ? [`sanity ${ev.batch}`]
          : [],
    );
    assert.deepEqual(order, ['deploy auth', 'sanity 1', 'deploy api', 'sanity 2', 'deploy web', 'sanity 3']);
    assert.deepEqual(await e.recorded(), { api: V2, auth: V2, web: V2 });
    assert.deepEqual(e.driver.versions(ENV), { api: V2, auth: V2, web: V2 });
    assert.equal((await e.latest()).status, 'succeeded');
    assert.equal(await e.store.currentLock(ENV), undefined, 'the lock is released');
    const journal = await e.store.journal((await e.latest()).id);
    assert.deepEqual(
      journal.filter((j) => j.kind === 'deploy').map((j) => `${j.service} ${j.event}`),
      ['auth started', 'auth succeeded', 'api started', 'api succeeded', 'web started', 'web succeeded'],
      'every step journaled before the driver is called and after it returns',
    );
  });

  test('every version is prepared before the first batch restarts anything', async () => {
    const e = await engineFor({ services: [{ name: 'a' }, { name: 'b' }] });
    await e.apply();
    assert.deepEqual(
      e.driver.calls.filter((c) => c.op === 'prepare' || c.op === 'deploy').map((c) => `${c.op} ${c.service}`),
      ['prepare a', 'prepare b', 'deploy a', 'deploy b'],
    );
  });

  test('config-only changes go out first, in batches of their own', async () => {
    const e = await engineFor({
      batchSize: 2,
      services: [
        { name: 'api', change: 'code' },
        { name: 'worker', change: 'config' },
        { name: 'mailer', change: 'config' },
        { name: 'web', change: 'code+config' },
        { name: 'still', change: 'none' },
      ],
    });
    assert.deepEqual(
      e.plan.batches.map((b) => [b.kind, [...b.services].sort()]),
      [
        ['config', ['mailer', 'worker']],
        ['code', ['api', 'web']],
      ],
    );
    assert.deepEqual(e.plan.unchanged, ['still']);
    assert.equal((await e.apply()).status, 'succeeded');
    const deployed = e.driver.deploys().map((d) => d.split('@')[0]);
    assert.deepEqual(
      [deployed.slice(0, 2).sort(), deployed.slice(2).sort()],
      [
        ['mailer', 'worker'],
        ['api', 'web'],
      ],
    );
    assert.ok(!deployed.includes('still'), 'a service the release leaves as it is is not touched');
    assert.equal(e.driver.versions(ENV).still, V1);
  });

  test('a separate_config of false mixes config and code changes in the dependency order', async () => {
    const e = await engineFor({
      separateConfig: false,
      batchSize: 2,
      services: [
        { name: 'api', change: 'code' },
        { name: 'worker', change: 'config' },
      ],
    });
    assert.deepEqual(
      e.plan.batches.map((b) => b.services.length),
      [2],
    );
    await e.apply();
    assert.deepEqual(e.driver.deploys().sort(), [`api@${V2}`, `worker@${V2}`]);
  });

  test("a contract's order is the batches' order: an old consumer that breaks on the new provider moves first, against its depends_on", async () => {
    const edge: ContractEdge = {
      consumer: 'web',
      provider: 'pets',
      kind: 'http',
      oldConsumerNewProvider: [
        { id: 'response-required-property-removed', level: 'ERR', message: 'response required property removed', operation: 'GET /pets/{id}' },
      ],
      newConsumerOldProvider: [],
    };
    const services = [
      { name: 'pets', contracts: { provides: { http: 'openapi.yaml' } } },
      { name: 'web', dependsOn: ['pets'], contracts: { consumes: { pets: { http: true } } } },
    ];
    const plain = await engineFor({ services });
    assert.deepEqual(
      plain.plan.batches.map((b) => b.services),
      [['pets'], ['web']],
      'without the contract: depends_on',
    );
    const e = await engineFor({ services, contracts: [edge] });
    assert.deepEqual(
      e.plan.batches.map((b) => b.services),
      [['web'], ['pets']],
    );
    assert.ok(
      e.plan.batches[1]!.reasons.some((r) => r.startsWith('pets after web (contract')),
      e.plan.batches[1]!.reasons.join('\n'),
    );
    assert.equal((await e.apply()).status, 'succeeded');
    assert.deepEqual(e.driver.deploys(), [`web@${V2}`, `pets@${V2}`]);
  });
});
