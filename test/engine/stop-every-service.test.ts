import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Service } from '../../src/core/manifest/manifest.js';
import { DriverError } from '../../src/ports/driver.js';
import { stopEveryService } from '../../src/engine/stop-every-service.js';
import { engineFor, ENV, FLEET_ROOT, V1 } from '../support/engine-harness.js';

describe('stopEveryService: the net under tranche down', () => {
  test('stops every service of the environment through the driver, records nothing, and names what it could not stop', async () => {
    const e = await engineFor({ services: [{ name: 'api' }, { name: 'web' }, { name: 'worker' }] });
    assert.deepEqual(e.driver.versions(ENV), { api: V1, web: V1, worker: V1 });
    const releases = (await e.store.listReleases({ env: ENV })).length;
    const stop = e.driver.stop.bind(e.driver);
    e.driver.stop = async (env: string, service: Service) => {
      if (service.name === 'web') throw new DriverError('web', env, 'stop', 'permission denied');
      return stop(env, service);
    };

    const failures = await stopEveryService(e.driver, ENV, e.v1.manifest, FLEET_ROOT);

    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /^web: .*permission denied/);
    assert.deepEqual(e.driver.versions(ENV), { web: V1 }, 'every other service stopped, though one stop failed');
    assert.equal((await e.store.listReleases({ env: ENV })).length, releases, 'nothing recorded');
  });
});
