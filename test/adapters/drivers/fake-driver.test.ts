import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Service } from '../../../src/core/manifest/manifest.js';
import { DriverError, ServiceDownError, type DeployRequest } from '../../../src/ports/driver.js';
import { FakeDriver } from '../../support/fakes/fake-driver.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { driverPromises } from './driver-promises.js';

const service = (name = 'web'): Service => ({
  name,
  path: `services/${name}`,
  watch: [],
  depends_on: [],
  uses: [],
  address: new Map(),
  config: { schema: new Map(), sources: [], env: new Map() },
});
const version = (which: 1 | 2) => ({ commit: String(which).repeat(40), contentId: `tree-${which}`, configHash: `hash-${which}` });

driverPromises('FakeDriver', () => ({
  driver: new FakeDriver(),
  fleetRoot: '/fleet',
  service: service(),
  version: async (which) => ({ target: version(which), config: { PORT: '8080' } }),
  dispose: () => undefined,
}));

const request = (which: 1 | 2, more: Partial<DeployRequest> = {}): DeployRequest => ({
  env: 'prod',
  service: service(),
  action: 'deploy',
  target: version(which),
  config: {},
  fleetRoot: '/fleet',
  log: () => undefined,
  ...more,
});

describe('FakeDriver scripts', () => {
  test('records every call in order, and keeps what runs on a repeated deploy', async () => {
    const driver = new FakeDriver();
    await driver.deploy(request(1));
    const pid = (await driver.inspect('prod', service()))?.pid;
    await driver.deploy(request(1));
    await driver.liveness('prod', service(), '/fleet');
    assert.equal((await driver.inspect('prod', service()))?.pid, pid);
    assert.deepEqual(
      driver.calls.map((c) => c.op),
      ['deploy', 'inspect', 'deploy', 'liveness', 'inspect'],
    );
  });

  test('a deploy scripted to fail throws a DriverError, or a ServiceDownError for a process that exits at once', async () => {
    const driver = new FakeDriver().script({ service: 'web', commit: version(2).commit }, { kind: 'fails', message: 'image pull failed' });
    await driver.deploy(request(1));
    await assert.rejects(driver.deploy(request(2)), (e: unknown) => e instanceof DriverError && /image pull failed/.test(e.message));
    driver.script('web', { kind: 'fails', exits: { code: 3, lastLines: ['fatal'] } });
    await assert.rejects(driver.deploy(request(2)), (e: unknown) => e instanceof ServiceDownError && e.down.state === 'exited' && e.down.code === 3);
  });

  test('a process scripted to crash later is up until then, and exited after, with its code and lines', async () => {
    const clock = new ManualClock();
    const driver = new FakeDriver(clock).script('web', { kind: 'crashes', afterMs: 5_000, code: 3, lastLines: ['fatal: lost the ledger'] });
    await driver.deploy(request(1, { address: 'http://127.0.0.1:7001' }));
    assert.equal((await driver.liveness('prod', service(), '/fleet', 'http://127.0.0.1:7001')).state, 'up');
    clock.advance(5_000);
    assert.deepEqual(await driver.liveness('prod', service(), '/fleet'), { state: 'exited', pid: 1000, code: 3, lastLines: ['fatal: lost the ledger'] });
  });

  test('a slow start ends when the test says so, and a port held by another starts nothing', async () => {
    const driver = new FakeDriver().script('web', { kind: 'slow' });
    let done = false;
    const deploying = driver.deploy(request(1)).then(() => (done = true));
    await driver.untilStarting('prod', 'web');
    assert.equal(done, false);
    driver.finishStart('prod', 'web');
    await deploying;
    assert.equal((await driver.inspect('prod', service()))?.commit, version(1).commit);
    driver.script('web', { kind: 'port-held', holder: 77 });
    await assert.rejects(
      driver.deploy(request(2, { address: 'http://127.0.0.1:7002' })),
      (e: unknown) => e instanceof ServiceDownError && e.down.state === 'port-in-use' && e.down.holder === 77,
    );
  });
});
