import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';

// Services that run in some environments only, and keys whose values must agree across some.

const MANIFEST = `version: 1
name: shop
environments:
  dev: { driver: local }
  staging: { driver: local }
  prod: { driver: local }
services:
  cart:
    path: services/cart
    environments: { except: [dev] }
    config:
      schema:
        LOG_LEVEL: { type: string, same: [staging, prod] }
        REGION: { type: string, same: true }
      sources:
        - file: config/{env}.yaml
  debugger:
    path: services/debugger
    environments: [dev]
    config:
      schema:
        TOKEN: { type: string, required: true }
      sources:
        - dotenv: deploy/{env}.env
`;

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fleet(manifest = MANIFEST) {
  const repo = new GitRepo({
    'tranche.yaml': manifest,
    'services/cart/config/staging.yaml': 'LOG_LEVEL: info\nREGION: eu\n',
    'services/cart/config/prod.yaml': 'LOG_LEVEL: warn\nREGION: eu\n',
    'services/debugger/deploy/dev.env': 'TOKEN=dev-only\n',
  });
  repos.push(repo);
  repo.commit('v1');
  return repo;
}

interface Finding {
  rule: string;
  service?: string;
  key?: string;
  message: string;
}

describe('environments per service', () => {
  test('a service is read, checked and planned only where it runs: no missing files or keys elsewhere', () => {
    const repo = fleet();
    assert.equal(runCli(['validate'], repo.dir).code, 0, 'no config file of cart in dev, none of debugger in staging or prod: not needed');
    const prod = runJson<{ findings: Finding[] }>(['check', '--env', 'prod', '--intent', 'x'], repo.dir).json;
    assert.deepEqual(
      prod.findings.filter((f) => f.service === 'debugger'),
      [],
    );
    const plan = runJson<{ batches: { services: string[] }[] }>(['plan', '--env', 'prod'], repo.dir).json;
    assert.deepEqual(
      plan.batches.flatMap((b) => b.services),
      ['cart'],
    );
    const devPlan = runJson<{ batches: { services: string[] }[] }>(['plan', '--env', 'dev'], repo.dir).json;
    assert.deepEqual(
      devPlan.batches.flatMap((b) => b.services),
      ['debugger'],
    );
    const config = runCli(['config', 'debugger', '--env', 'prod'], repo.dir);
    assert.equal(config.code, 2);
    assert.match(config.stderr, /debugger does not run in prod: its environments leave it out/);
  });

  test('drift shows n/a where a service does not run, and --values flags a key that must be the same but is not', () => {
    const repo = fleet();
    const drift = runCli(['drift', '--values'], repo.dir);
    assert.equal(drift.code, 0, drift.stderr);
    assert.match(drift.stdout, /^ {2}LOG_LEVEL +n\/a +info +warn +!$/m);
    assert.match(drift.stdout, /^ {2}REGION +n\/a +eu +eu *$/m);
    assert.match(drift.stdout, /^ {2}TOKEN +dev-only +n\/a +n\/a *$/m);
    const json = runJson<{ rows: { service: string; key: string; differs?: string[]; cells: Record<string, unknown> }[] }>(['drift'], repo.dir).json;
    const level = json.rows.find((r) => r.key === 'LOG_LEVEL')!;
    assert.deepEqual(level.differs, ['staging', 'prod']);
    assert.deepEqual(Object.keys(level.cells), ['staging', 'prod'], 'no cell where the service does not run');
    const check = runJson<{ findings: Finding[] }>(['check', '--env', 'prod', '--intent', 'x'], repo.dir).json;
    const drifts = check.findings.filter((f) => f.rule === 'config/drift').map((f) => `${f.key}: ${f.message}`);
    assert.deepEqual(drifts, ['LOG_LEVEL: LOG_LEVEL must be the same in staging, prod (same: in its schema), but it is info in staging, warn in prod']);
  });

  test('an environment the manifest does not have, in environments or same, is a located problem', () => {
    const repo = fleet(MANIFEST.replace('environments: [dev]', 'environments: [dve]').replace('same: [staging, prod]', 'same: [staging, prd]'));
    const result = runCli(['validate'], repo.dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /tranche\.yaml:13:52: unknown environment prd \(did you mean prod\?\)/);
    assert.match(result.stderr, /tranche\.yaml:19:20: unknown environment dve \(did you mean dev\?\)/);
  });
});
