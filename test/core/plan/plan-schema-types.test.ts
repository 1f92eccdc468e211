import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type {
  ChangeManifest,
  ConfigKeyChange,
  ServiceChanges,
  ServiceCommit,
  ServiceDependencyChange,
  ServiceFileChange,
} from '../../../src/core/changes/change-manifest.js';
import type { Finding } from '../../../src/core/finding.js';
import type { SourceLocation } from '../../../src/core/location.js';
import type { Batch, Gates, Plan, Step, VersionRef } from '../../../src/core/plan/plan.js';
import type { planSchema } from '../../../src/core/plan/plan-schema.js';

/*
 * The `Plan` type and the plan schema are two spellings of one format: these checks are made by
 * the type checker (the build fails when they drift), for every object of a plan — the same
 * properties, the same ones required — and every enumerated value.
 */

type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** Whether a TS object type has exactly the properties of a schema object, the same ones required. */
type SameShape<T, S> = S extends { properties: infer P }
  ? Equal<keyof T, keyof P> extends true
    ? Equal<RequiredKeys<T>, S extends { required: readonly (infer K)[] } ? K : never>
    : false
  : false;
type Enum<S> = S extends { enum: readonly (infer V)[] } ? V : S extends { items: { enum: readonly (infer V)[] } } ? V : never;

type P = typeof planSchema;
type D = P['definitions'];
type Changed = D['changes']['properties']['services']['items'];

const shapes = {
  plan: true satisfies SameShape<Plan, P>,
  basis: true satisfies SameShape<Plan['basis'], P['properties']['basis']>,
  policy: true satisfies SameShape<Plan['policy'], P['properties']['policy']>,
  revision: true satisfies SameShape<Plan['to'], D['revision']>,
  version: true satisfies SameShape<VersionRef, D['version']>,
  batch: true satisfies SameShape<Batch, D['batch']>,
  gates: true satisfies SameShape<Gates, D['batch']['properties']['gates']>,
  step: true satisfies SameShape<Step, D['step']>,
  redeploy: true satisfies Equal<
    keyof Extract<Step['rollback'], { action: 'redeploy' }> | keyof Extract<Step['rollback'], { action: 'stop' }>,
    keyof D['step']['properties']['rollback']['properties']
  >,
  finding: true satisfies SameShape<Finding, D['finding']>,
  location: true satisfies SameShape<SourceLocation, D['finding']['properties']['location']>,
  changes: true satisfies SameShape<ChangeManifest, D['changes']>,
  service: true satisfies SameShape<ServiceChanges, Changed>,
  file: true satisfies SameShape<ServiceFileChange, Changed['properties']['files']['items']>,
  commit: true satisfies SameShape<ServiceCommit, Changed['properties']['commits']['items']>,
  configKey: true satisfies SameShape<ConfigKeyChange, Changed['properties']['configKeys']['items']>,
  dependency: true satisfies SameShape<ServiceDependencyChange, Changed['properties']['deps']['items']>,
};

const enums = {
  onFailure: true satisfies Equal<Plan['policy']['on_failure'], Enum<P['properties']['policy']['properties']['on_failure']>>,
  scope: true satisfies Equal<NonNullable<Plan['scope']>[number], Enum<P['properties']['scope']>>,
  batchKind: true satisfies Equal<Batch['kind'], Enum<D['batch']['properties']['kind']>>,
  stepChange: true satisfies Equal<Step['change'], Enum<D['step']['properties']['change']>>,
  rollbackAction: true satisfies Equal<Step['rollback']['action'], Enum<D['step']['properties']['rollback']['properties']['action']>>,
  severity: true satisfies Equal<Finding['severity'], Enum<D['finding']['properties']['severity']>>,
  kinds: true satisfies Equal<ServiceChanges['kinds'][number], Enum<Changed['properties']['kinds']>>,
  fileKind: true satisfies Equal<ServiceFileChange['kind'], Enum<Changed['properties']['files']['items']['properties']['kind']>>,
  depKind: true satisfies Equal<ServiceDependencyChange['kind'], Enum<Changed['properties']['deps']['items']['properties']['kind']>>,
  semver: true satisfies Equal<NonNullable<ServiceDependencyChange['semver']>, Enum<Changed['properties']['deps']['items']['properties']['semver']>>,
};

describe('the plan schema and the Plan type', () => {
  test('have the same properties, the same ones required, and the same enumerated values (checked by the type checker)', () => {
    assert.ok(Object.values(shapes).every(Boolean) && Object.values(enums).every(Boolean));
    assert.equal(Object.keys(shapes).length + Object.keys(enums).length, 27);
  });
});
