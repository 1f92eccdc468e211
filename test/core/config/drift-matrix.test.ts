import assert from 'node:assert/strict';
import { test } from 'node:test';
import { driftMatrix } from '../../../src/core/config/drift-matrix.js';
import { resolveFleet } from '../../../src/core/config/resolve-fleet.js';
import { sourceKey, type SourceEntry } from '../../../src/core/config/source-file.js';
import { baseFleet, clone, revision } from '../../support/fleet-builder.js';
import { testFingerprints } from '../../support/fingerprints.js';

test('a value only the running system knows shows as such and is not compared with the others of a same: key', () => {
  const fleet = clone(baseFleet());
  fleet.services.orders.config.schema.POD_IP = { type: 'string', same: true };
  fleet.services.orders.config.sources = [{ file: 'config/defaults.yaml' }, { kubernetes: 'k8s/{env}.yaml' }];
  fleet.services.orders.config.env = { prod: { POD_IP: '10.0.0.7' } };
  const rev = revision(fleet, { 'services/orders/config/defaults.yaml': 'PORT: 8080\n' });
  const orders = rev.manifest.services.get('orders')!;
  const source = orders.config.sources[1]!;
  for (const env of ['dev', 'prod']) {
    const entry: SourceEntry = { key: 'POD_IP', value: '', line: 1, column: 1, atRunTime: 'by Kubernetes (status.podIP)' };
    (rev.files as Map<string, unknown>).set(sourceKey(orders, source, env), {
      path: `services/orders/k8s/${env}.yaml`,
      format: 'kubernetes',
      tracked: true,
      byKey: new Map([['POD_IP', entry]]),
      entries: [entry],
    });
  }
  const row = driftMatrix(resolveFleet(rev), ['dev', 'prod'], testFingerprints).find((r) => r.key === 'POD_IP')!;
  assert.equal(row.cells.get('dev')!.value, '(set at run time by Kubernetes (status.podIP))');
  assert.equal(row.cells.get('prod')!.value, '10.0.0.7');
  assert.equal(row.differs, undefined, 'nothing known in dev to compare with prod');
});
