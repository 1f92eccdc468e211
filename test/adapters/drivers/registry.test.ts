import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { driverFactory } from '../../../src/adapters/drivers/drivers.js';
import { registerDriver } from '../../../src/adapters/drivers/registry.js';

describe('the driver registry', () => {
  test('makes each driver this tranche has, by the name environments give', () => {
    for (const name of ['local', 'exec'] as const) {
      const factory = driverFactory(name);
      assert.ok(factory, `${name} is registered`);
      assert.equal(factory({ env: {} }).name, name);
    }
  });

  test('has no kubernetes driver yet', () => {
    assert.equal(driverFactory('kubernetes'), undefined);
  });

  test('refuses a second driver under a name already taken', () => {
    assert.throws(() => registerDriver('local', () => assert.fail('never made')), /the local driver is registered twice/);
  });
});
