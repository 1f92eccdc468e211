import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Service } from '../../../src/core/manifest/manifest.js';
import type { Driver, ServiceVersion } from '../../../src/ports/driver.js';

/** A driver and the service it deploys, for the promises every driver keeps. */
export interface PromisesUnderTest {
  driver: Driver;
  fleetRoot: string;
  service: Service;
  /** Version 1 or 2 of the service, and the config it runs with (a fresh port each call). */
  version(which: 1 | 2): Promise<{ target: ServiceVersion; config: Record<string, string> }>;
  dispose(): void;
}

/**
 * What the Driver port documents, checked without looking at processes or ports: deploying is
 * idempotent, `inspect` tells what a deploy left running, stopping what does not run is harmless.
 * Run against the FakeDriver of the engine suite and against LocalDriver, so that the fake keeps
 * the promises the real one keeps. (`driver-contract.ts` holds the real drivers to what only
 * processes show.)
 */
export function driverPromises(name: string, setup: () => PromisesUnderTest): void {
  describe(`${name}: the Driver port's promises`, () => {
    const sut = setup();
    after(() => sut.dispose());
    const { driver, fleetRoot, service } = sut;
    const deploy = async (env: string, which: 1 | 2, action: 'deploy' | 'rollback' = 'deploy') => {
      const { target, config } = await sut.version(which);
      await driver.deploy({ env, service, action, target, config, fleetRoot, log: () => undefined });
      return target;
    };

    test('inspect tells what a deploy left running: its commit and config', async () => {
      const target = await deploy('p1', 1);
      const seen = await driver.inspect('p1', service, fleetRoot);
      assert.deepEqual(
        { running: seen?.running, commit: seen?.commit, configHash: seen?.configHash },
        { running: true, commit: target.commit, configHash: target.configHash },
      );
    });

    test('asking again for what already runs is safe, and it still runs', async () => {
      const { target, config } = await sut.version(1);
      const request = { env: 'p2', service, action: 'deploy' as const, target, config, fleetRoot, log: () => undefined };
      await driver.deploy(request);
      await driver.deploy(request);
      assert.deepEqual(await commitOf(driver, 'p2', service, fleetRoot), target.commit);
    });

    test('a new version replaces the one that runs, and a rollback brings the old one back', async () => {
      const v1 = await deploy('p3', 1);
      const v2 = await deploy('p3', 2);
      assert.equal(await commitOf(driver, 'p3', service, fleetRoot), v2.commit);
      await deploy('p3', 1, 'rollback');
      assert.equal(await commitOf(driver, 'p3', service, fleetRoot), v1.commit);
    });

    test('stopping what never ran is harmless; after a stop nothing runs, and stopping again is harmless', async () => {
      await driver.stop('p4', service, fleetRoot);
      assert.notEqual((await driver.inspect('p4', service, fleetRoot))?.running, true);
      await deploy('p4', 1);
      await driver.stop('p4', service, fleetRoot);
      assert.notEqual((await driver.inspect('p4', service, fleetRoot))?.running, true);
      assert.notEqual((await driver.liveness('p4', service, fleetRoot)).state, 'up');
      await driver.stop('p4', service, fleetRoot);
    });
  });
}

async function commitOf(driver: Driver, env: string, service: Service, fleetRoot: string): Promise<string | undefined> {
  const seen = await driver.inspect(env, service, fleetRoot);
  return seen?.running ? seen.commit : undefined;
}
