import type { ChangeManifest, ServiceChanges } from '../../../src/core/changes/change-manifest.js';
import type { Finding } from '../../../src/core/finding.js';
import { buildPlan, type ServiceState } from '../../../src/core/plan/build-plan.js';
import type { Plan } from '../../../src/core/plan/plan.js';
import { revision } from '../../support/fleet-builder.js';

/** Commit ids as git writes them. */
export const C1 = '1'.repeat(40);
export const C2 = '2'.repeat(40);
export const C3 = '3'.repeat(40);

const version = (commit: string, contentId: string, configHash: string) => ({ commit, contentId, configHash });

/**
 * A real plan, as buildPlan makes it: web → api → auth (depends_on), a standalone worker, batches
 * of at most 2; api and auth move from C1 to C2 (code), worker changes config only, web is new.
 * `edit` changes the input (the deployed state, a target, the findings, the policy) first.
 */
export function fixturePlan(
  edit: { deployed?: Record<string, ServiceState>; targets?: Record<string, ServiceState>; findings?: Finding[]; onFailure?: string; batchSize?: number } = {},
): Plan {
  const service = (name: string, deps: string[] = []) => ({
    path: `services/${name}`,
    depends_on: deps,
    config: { schema: { GREETING: { type: 'string' } } },
    checks: { health: { http: { path: '/health' } }, sanity: [{ name: `${name} answers`, http: { path: '/work' } }] },
  });
  const manifest = revision({
    version: 1,
    name: 'shop',
    environments: { prod: { driver: 'local' } },
    policy: { batch_size: edit.batchSize ?? 2, separate_config: true, bake: '2s', on_failure: edit.onFailure ?? 'rollback-batch' },
    services: { web: service('web', ['api']), api: service('api', ['auth']), auth: service('auth'), worker: service('worker') },
  }).manifest;
  const deployed: Record<string, ServiceState> = edit.deployed ?? {
    api: { version: version(C1, 'api-1', 'sha256:a1'), shown: { GREETING: 'hi' } },
    auth: { version: version(C1, 'auth-1', 'sha256:b1'), shown: {} },
    worker: { version: version(C1, 'worker-1', 'sha256:c1'), shown: { GREETING: 'old' } },
  };
  const targets: Record<string, ServiceState> = {
    web: { version: version(C2, 'web-2', 'sha256:d2'), shown: {} },
    api: { version: version(C2, 'api-2', 'sha256:a1'), shown: { GREETING: 'hi' } },
    auth: { version: version(C2, 'auth-2', 'sha256:b1'), shown: {} },
    worker: { version: version(C2, 'worker-1', 'sha256:c2'), shown: { GREETING: 'new' } },
    ...edit.targets,
  };
  const services = Object.entries(targets).flatMap(([name, target]): ServiceChanges[] => {
    const before = deployed[name];
    const kinds: ServiceChanges['kinds'] = !before
      ? ['code', 'config']
      : before.version.contentId !== target.version.contentId
        ? ['code']
        : before.version.configHash !== target.version.configHash
          ? ['config']
          : [];
    return kinds.length
      ? [
          {
            service: name,
            ...(before ? { from: { commit: before.version.commit, label: 'v1' } } : {}),
            kinds,
            files: [],
            commits: [],
            configKeys: [],
            deps: [],
          },
        ]
      : [];
  });
  const changes: ChangeManifest = { env: 'prod', from: { commit: C1, label: 'v1' }, to: { commit: C2, label: 'HEAD (2222222)' }, services, unowned: [] };
  return buildPlan({
    env: 'prod',
    manifest,
    to: { commit: C2, label: 'HEAD (2222222)' },
    targets: new Map(Object.entries(targets)),
    deployed: new Map(Object.entries(deployed)),
    findings: edit.findings ?? [{ rule: 'change/no-intent', severity: 'warn', env: 'prod', message: 'no intent given' }],
    changes,
    createdAt: '2026-12-01T10:00:00.000Z',
  });
}

/** A deep copy to edit as a person editing the file would. */
export const copy = (plan: Plan): Plan => JSON.parse(JSON.stringify(plan)) as Plan;

/** The smallest plan the schema reads: nothing to deploy in prod. `fields` replaces what it names. */
export function emptyPlan(fields: Partial<Plan> = {}): Plan {
  return {
    format: 1,
    fleet: 'shop',
    env: 'prod',
    createdAt: '2026-12-01T10:00:00.000Z',
    to: { commit: C2, label: 'HEAD (2222222)' },
    basis: { deployed: {}, toCommit: C2 },
    policy: { batch_size: 1, bake: 0, on_failure: 'rollback-batch' },
    findings: [],
    batches: [],
    unchanged: [],
    ...fields,
  };
}
