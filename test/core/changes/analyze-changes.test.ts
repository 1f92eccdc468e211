import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeChanges, type ChangedPath, type RangeCommit } from '../../../src/core/changes/analyze-changes.js';
import { resolveFleet } from '../../../src/core/config/resolve-fleet.js';
import { shownConfig } from '../../../src/core/config/service-environment.js';
import type { FleetRevision } from '../../../src/core/fleet-revision.js';
import { clone, revision } from '../../support/fleet-builder.js';
import { testFingerprints } from '../../support/fingerprints.js';

// What each file of a range is to each service, in one environment: the change analysis on
// fleets built in memory.

const FILES = { 'services/orders/config/defaults.yaml': 'PORT: 7001\n' };

function fleet(
  changes: (manifest: Record<string, any>) => void = () => undefined,
  commit = 'b'.repeat(40),
  files: Record<string, string> = {},
): FleetRevision & { commit: string } {
  const manifest: Record<string, any> = {
    version: 1,
    name: 'shop',
    environments: { dev: { driver: 'local' }, prod: { driver: 'local' } },
    policy: { batch_size: 3 },
    services: {
      orders: {
        path: 'services/orders',
        run: { command: ['node', 'server.js'] },
        config: {
          schema: { PORT: { type: 'port' }, LOG_LEVEL: { type: 'string', default: 'info' } },
          sources: [{ file: 'config/defaults.yaml' }, { file: 'config/{env}.yaml', optional: true }],
        },
      },
    },
  };
  changes(manifest);
  return { ...revision(clone(manifest), { ...FILES, ...files }, [], commit.slice(0, 7)), commit };
}

function analyze(from: FleetRevision & { commit: string }, to: FleetRevision & { commit: string }, env: string, files: ChangedPath[]) {
  const commits: RangeCommit[] = [{ sha: 'c'.repeat(40), author: 'Ana', date: '2026-12-01', subject: 'the change', files: files.map((f) => f.path) }];
  const running = shownConfig(resolveFleet(from).get(env)!.get('orders')!, testFingerprints);
  return analyzeChanges({
    env,
    to,
    toConfigs: resolveFleet(to),
    bases: [{ revision: from, services: ['orders'], files, commits, dependencyEdits: new Set() }],
    added: [],
    unreadable: new Map(),
    runningConfig: new Map([['orders', running]]),
    fingerprints: testFingerprints,
  }).services;
}

const kindsOf = (services: ReturnType<typeof analyze>) =>
  services.map((s) => [s.service, s.kinds, s.files.map((f) => `${f.path} ${f.kind}${f.noEffectHere ? ' (no effect)' : ''}`)]);

describe('analyzeChanges', () => {
  test("a manifest edit of one environment's values is config there and changes nothing elsewhere", () => {
    const before = fleet(undefined, 'a'.repeat(40));
    const after = fleet((m) => (m.services.orders.config.env = { prod: { LOG_LEVEL: 'warn' } }));
    const manifest: ChangedPath[] = [{ path: 'tranche.yaml', status: 'M' }];
    assert.deepEqual(kindsOf(analyze(before, after, 'prod', manifest)), [['orders', ['config'], ['tranche.yaml config']]]);
    assert.deepEqual(kindsOf(analyze(before, after, 'dev', manifest)), [['orders', [], ['tranche.yaml config (no effect)']]]);
  });

  test("a new start command is code; a policy edit is nothing to a service, even one at the fleet's root", () => {
    const before = fleet(undefined, 'a'.repeat(40));
    const manifest: ChangedPath[] = [{ path: 'tranche.yaml', status: 'M' }];
    const command = fleet((m) => (m.services.orders.run.command = ['node', '--inspect', 'server.js']));
    assert.deepEqual(kindsOf(analyze(before, command, 'dev', manifest)), [['orders', ['code'], ['tranche.yaml code']]]);
    const atRoot = (m: Record<string, any>) => (m.services.orders.path = '.');
    const policy = fleet((m) => {
      atRoot(m);
      m.policy.batch_size = 5;
    });
    assert.deepEqual(analyze(fleet(atRoot, 'a'.repeat(40)), policy, 'dev', manifest), []);
  });

  test('a config source of another environment changes nothing here; one read here is config when it changes a value; a deleted one read before is config', () => {
    const before = fleet(undefined, 'a'.repeat(40));
    const after = fleet(undefined, 'b'.repeat(40), { 'services/orders/config/prod.yaml': 'LOG_LEVEL: warn\n' });
    assert.deepEqual(kindsOf(analyze(before, after, 'dev', [{ path: 'services/orders/config/prod.yaml', status: 'A' }])), [
      ['orders', [], ['services/orders/config/prod.yaml config (no effect)']],
    ]);
    assert.deepEqual(kindsOf(analyze(before, after, 'prod', [{ path: 'services/orders/config/prod.yaml', status: 'A' }])), [
      ['orders', ['config'], ['services/orders/config/prod.yaml config']],
    ]);
    const read = fleet(undefined, 'a'.repeat(40), { 'services/orders/config/dev.yaml': 'LOG_LEVEL: debug\n' });
    const stopsReading = fleet((m) => (m.services.orders.config.sources = [{ file: 'config/defaults.yaml' }]));
    assert.deepEqual(
      kindsOf(
        analyze(read, stopsReading, 'dev', [
          { path: 'services/orders/config/dev.yaml', status: 'D' },
          { path: 'tranche.yaml', status: 'M' },
        ]),
      ),
      [['orders', ['config'], ['services/orders/config/dev.yaml config', 'tranche.yaml config']]],
    );
    // A config file edited without changing a value here changes nothing here.
    assert.deepEqual(kindsOf(analyze(before, after, 'dev', [{ path: 'services/orders/config/defaults.yaml', status: 'M' }])), [
      ['orders', [], ['services/orders/config/defaults.yaml config (no effect)']],
    ]);
  });
});
