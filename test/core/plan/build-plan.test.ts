import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildPlan, type ServiceState } from '../../../src/core/plan/build-plan.js';
import type { Manifest } from '../../../src/core/manifest/manifest.js';
import type { ChangeManifest, ServiceChanges } from '../../../src/core/changes/change-manifest.js';
import { revision } from '../../support/fleet-builder.js';

/** A chain of services: web → api → auth, plus a standalone worker and a mailer. */
function fleet(batchSize = 3, separateConfig = true): Manifest {
  const service = (name: string, deps: string[] = []) => ({ path: `services/${name}`, depends_on: deps, config: { schema: {} } });
  return revision({
    version: 1,
    name: 'shop',
    environments: { prod: { driver: 'local' } },
    policy: { batch_size: batchSize, separate_config: separateConfig, bake: '2s' },
    services: {
      web: { ...service('web', ['api']), checks: { health: { http: { path: '/health' } }, sanity: [{ name: 'home page', http: { path: '/' } }] } },
      api: service('api', ['auth']),
      auth: service('auth'),
      worker: service('worker'),
      mailer: service('mailer'),
    },
  }).manifest;
}

const v = (commit: string, contentId: string, configHash: string) => ({ commit, contentId, configHash });
const state = (version: ReturnType<typeof v>, shown: Record<string, string> = {}): ServiceState => ({ version, shown });

/** What a change analysis would say: code where the content id moves, config where only the config does. */
function contentOf(
  deployed: Record<string, ServiceState>,
  targets: Record<string, ServiceState>,
  kinds: Record<string, ServiceChanges['kinds']> = {},
): ChangeManifest {
  const services = Object.entries(targets).flatMap(([service, target]): ServiceChanges[] => {
    const before = deployed[service];
    const derived: ServiceChanges['kinds'] = !before
      ? ['code', 'config']
      : before.version.contentId !== target.version.contentId
        ? ['code']
        : before.version.configHash !== target.version.configHash
          ? ['config']
          : [];
    const found = kinds[service] ?? derived;
    return found.length
      ? [
          {
            service,
            ...(before ? { from: { commit: before.version.commit, label: before.version.commit } } : {}),
            kinds: found,
            files: [],
            commits: [],
            configKeys: [],
            deps: [],
          },
        ]
      : [];
  });
  return { env: 'prod', to: { commit: 'c2', label: 'HEAD (c2)' }, services, unowned: [] };
}

function plan(manifest: Manifest, deployed: Record<string, ServiceState>, targets: Record<string, ServiceState>) {
  return buildPlan({
    env: 'prod',
    manifest,
    to: { commit: 'c2', label: 'HEAD (c2)' },
    targets: new Map(Object.entries(targets)),
    deployed: new Map(Object.entries(deployed)),
    findings: [],
    changes: contentOf(deployed, targets),
    createdAt: '2026-11-29T00:00:00.000Z',
  });
}

const ALL = ['web', 'api', 'auth', 'worker', 'mailer'];
const deployedAll = Object.fromEntries(ALL.map((n) => [n, state(v('c1', `${n}-1`, `cfg-${n}-1`))]));

describe('buildPlan', () => {
  test('contains only services whose code or config changes', () => {
    const targets = { ...deployedAll, api: state(v('c2', 'api-2', 'cfg-api-1')), worker: state(v('c2', 'worker-1', 'cfg-worker-2')) };
    const p = plan(fleet(), deployedAll, targets);
    assert.deepEqual(
      p.batches.flatMap((b) => b.steps.map((s) => [s.service, s.change])),
      [
        ['worker', 'config'],
        ['api', 'code'],
      ],
    );
    assert.deepEqual(p.unchanged.sort(), ['auth', 'mailer', 'web']);
  });

  test('places a service after the services it depends on, never in the same batch', () => {
    const targets = Object.fromEntries(ALL.map((n) => [n, state(v('c2', `${n}-2`, `cfg-${n}-1`))]));
    const p = plan(fleet(3), deployedAll, targets);
    assert.deepEqual(
      p.batches.map((b) => b.services),
      [['auth', 'worker', 'mailer'], ['api'], ['web']],
    );
    assert.ok(p.batches[1]!.reasons.includes('api after auth (depends_on)'));
    assert.ok(p.batches.every((b) => b.services.length <= 3));
  });

  test('never puts more than batch_size services in a batch', () => {
    const targets = Object.fromEntries(ALL.map((n) => [n, state(v('c2', `${n}-2`, `cfg-${n}-1`))]));
    const p = plan(fleet(1), deployedAll, targets);
    assert.deepEqual(
      p.batches.map((b) => b.services),
      [['auth'], ['api'], ['web'], ['worker'], ['mailer']],
    );
  });

  test('sends config-only changes first, in their own batches, unless they wait for code they depend on', () => {
    const targets = {
      ...deployedAll,
      auth: state(v('c2', 'auth-2', 'cfg-auth-1')), // code
      api: state(v('c2', 'api-1', 'cfg-api-2')), // config, but depends on auth's new code
      mailer: state(v('c2', 'mailer-1', 'cfg-mailer-2')), // config only
    };
    const p = plan(fleet(), deployedAll, targets);
    assert.deepEqual(
      p.batches.map((b) => [b.kind, b.services]),
      [
        ['config', ['mailer']],
        ['code', ['auth']],
        ['code', ['api']],
      ],
    );
    const noSeparation = plan(fleet(3, false), deployedAll, targets);
    assert.deepEqual(
      noSeparation.batches.map((b) => b.services),
      [['auth', 'mailer'], ['api']],
    );
  });

  test('knows every rollback before anything starts: redeploy what ran, or stop a new service', () => {
    const manifest = fleet();
    const deployed = { ...deployedAll };
    delete deployed.mailer;
    const targets = { ...deployedAll, worker: state(v('c2', 'worker-2', 'cfg-worker-1')), mailer: state(v('c2', 'mailer-1', 'cfg-mailer-1')) };
    const steps = plan(manifest, deployed, targets).batches.flatMap((b) => b.steps);
    assert.deepEqual(steps.find((s) => s.service === 'worker')!.rollback, { action: 'redeploy', to: v('c1', 'worker-1', 'cfg-worker-1') });
    assert.deepEqual(steps.find((s) => s.service === 'mailer')!.rollback, { action: 'stop' });
    assert.equal(steps.find((s) => s.service === 'mailer')!.change, 'new');
  });

  test('lists gates per batch and the config keys that change, secrets as fingerprints', () => {
    const targets = { ...deployedAll, web: state(v('c2', 'web-1', 'cfg-web-2'), { TOKEN: 'sha256:bbbbbbbb', PORT: '80' }) };
    const deployed = { ...deployedAll, web: state(v('c1', 'web-1', 'cfg-web-1'), { TOKEN: 'sha256:aaaaaaaa', PORT: '80' }) };
    const [batch] = plan(fleet(), deployed, targets).batches;
    assert.deepEqual(batch!.gates, { health: ['web'], sanity: { web: ['home page'] }, bakeMs: 2000 });
    assert.deepEqual(batch!.steps[0]!.configChanges, { TOKEN: ['sha256:aaaaaaaa', 'sha256:bbbbbbbb'] });
  });

  test('records the basis it was made against, and is plain JSON', () => {
    const p = plan(fleet(), deployedAll, { ...deployedAll, api: state(v('c2', 'api-2', 'cfg-api-1')) });
    assert.deepEqual(Object.keys(p.basis.deployed), [...ALL].sort());
    assert.equal(p.basis.toCommit, 'c2');
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  });

  test('what changes in a service is what its files say: a config file in its folder moves the content id but is a config change', () => {
    const targets = {
      ...deployedAll,
      api: state(v('c2', 'api-2', 'cfg-api-2')),
      worker: state(v('c2', 'worker-2', 'cfg-worker-2')),
      mailer: state(v('c2', 'mailer-2', 'cfg-mailer-1')),
    };
    const input = (kinds: Record<string, ServiceChanges['kinds']>, unreadable?: string) => {
      const changes = contentOf(deployedAll, targets, kinds);
      if (unreadable)
        changes.services = changes.services.map((s) => (s.service === unreadable ? { ...s, unreadable: 'commit c1 is not in this repository' } : s));
      return {
        env: 'prod',
        manifest: fleet(),
        to: { commit: 'c2', label: 'HEAD (c2)' },
        targets: new Map(Object.entries(targets)),
        deployed: new Map(Object.entries(deployedAll)),
        findings: [],
        changes,
        createdAt: '2026-11-29T00:00:00.000Z',
      };
    };
    const kinds = (p: ReturnType<typeof buildPlan>) =>
      Object.fromEntries(p.batches.flatMap((b) => b.steps.map((s) => [s.service, `${s.change} in a ${b.kind} batch`])));
    const byFiles = { api: ['config'], worker: ['code', 'config'], mailer: ['config'] } as Record<string, ServiceChanges['kinds']>;
    assert.deepEqual(
      kinds(buildPlan(input(byFiles))),
      { api: 'config in a config batch', worker: 'code+config in a code batch' },
      'mailer: a config file of another environment changed, its config here did not',
    );
    assert.deepEqual(
      kinds(buildPlan(input({ ...byFiles, api: ['deps'] }))),
      { api: 'code+config in a code batch', worker: 'code+config in a code batch' },
      'a lockfile change needs a new build',
    );
    assert.deepEqual(
      kinds(buildPlan(input(byFiles, 'api'))),
      { api: 'code+config in a code batch', worker: 'code+config in a code batch' },
      'when what a service runs cannot be read, its content id decides',
    );
  });

  test('an empty release has no batches', () => {
    const p = plan(fleet(), deployedAll, deployedAll);
    assert.deepEqual(p.batches, []);
    assert.equal(p.unchanged.length, 5);
  });
});
