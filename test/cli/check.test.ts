import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';
import { SHOP_FILES, SHOP_MANIFEST, SHOP_SECRETS } from './shop-fleet.js';

interface JsonFinding {
  rule: string;
  severity: string;
  service?: string;
  env?: string;
  key?: string;
  message: string;
  location?: { file: string; line?: number; column?: number };
}
interface CheckJson {
  findings: JsonFinding[];
  skipped: { rules: string[]; reason: string }[];
  summary: { error: number; warn: number; info: number };
}

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function shop(): { repo: GitRepo; v1: string } {
  const repo = new GitRepo(SHOP_FILES);
  repos.push(repo);
  const v1 = repo.commit('v1');
  repo.write(SHOP_SECRETS);
  return { repo, v1 };
}

/** The port migration: orders-db moves to 6432 in prod. */
const migrated = SHOP_MANIFEST.replace('prod: { host: 127.0.0.1, port: 5432', 'prod: { host: 127.0.0.1, port: 6432');
const brief = (f: JsonFinding) => [f.rule, f.service, f.key, `${f.location?.file}:${f.location?.line}`].join(' ');

describe('tranche check', () => {
  test('a clean release has no findings and exits 0', () => {
    const { repo, v1 } = shop();
    repo.write({ 'tranche.yaml': migrated, 'services/inventory/config/prod.yaml': 'DB_PORT: 6432\n' });
    repo.commit('move the prod database');
    const { code, json } = runJson<CheckJson>(['check', '--env', 'prod', '--from', v1, '--intent', 'move the prod database'], repo.dir);
    assert.deepEqual(json.findings, []);
    assert.equal(code, 0);
    assert.deepEqual(json.skipped, []);
  });

  test('finds the old variable and the hard-coded port of a database migration, each at its file:line', () => {
    const { repo, v1 } = shop();
    repo.write({ 'tranche.yaml': migrated });
    repo.commit('move the prod database');
    // An operator's old override, still in the untracked prod.env.
    repo.write({ 'services/orders/deploy/prod.env': 'API_TOKEN=prod-token-3\nDB_PORT=5432\n' });
    const { code, json } = runJson<CheckJson>(['check', '--env', 'prod', '--from', v1], repo.dir);
    assert.equal(code, 1);
    const errors = json.findings.filter((f) => f.severity === 'error').map(brief);
    assert.deepEqual(errors.sort(), [
      'config/shadowed-change orders DB_PORT services/orders/deploy/prod.env:2',
      'config/stale-value inventory DB_PORT services/inventory/config/prod.yaml:1',
    ]);
  });

  test('human output groups findings by service with file:line and a fix', () => {
    const { repo, v1 } = shop();
    repo.write({ 'tranche.yaml': migrated });
    repo.commit('move the prod database');
    const result = runCli(['check', '--env', 'prod', '--from', v1], repo.dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^inventory\n {2}error {2}config\/stale-value {2}DB_PORT {2}\[prod\] {2}services\/inventory\/config\/prod.yaml:1:1\n/m);
    assert.match(result.stdout, /fix: bind it instead of a literal/);
    assert.match(result.stdout, /1 error.* in 1 service/);
  });

  test('with nothing deployed and no --from the comparing rules do not apply, and the output says why', () => {
    const { repo } = shop();
    const human = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(human.code, 0, human.stdout + human.stderr);
    assert.match(
      human.stdout,
      /note: config\/shadowed-change, config\/stale-value skipped: no state store is configured here \(none named by --state or TRANCHE_STATE, and no \.tranche\/state\.db\), so nothing is known to run in prod: every service is taken as new there/,
    );
    const { json } = runJson<CheckJson>(['check', '--env', 'prod'], repo.dir);
    assert.deepEqual(json.skipped[0]?.rules, ['config/shadowed-change', 'config/stale-value']);
    // With a store that records nothing for prod, that is what it says.
    assert.equal(runCli(['freeze', '--env', 'dev', '--reason', 'a store now exists'], repo.dir).code, 0);
    const recorded = runCli(['check', '--env', 'prod'], repo.dir);
    assert.match(recorded.stdout, /skipped: nothing is recorded as deployed in prod yet: every service is taken as new there/);
  });

  test('reports missing, invalid, unknown and plaintext-secret values in the committed target', () => {
    const { repo } = shop();
    repo.write({
      'services/orders/config/prod.yaml': 'PAYMENTS_URL: payments:7001\nLOG_LEVL: warn\n',
      'services/payments/config/defaults.yaml': 'PORT: 7001\nAPI_TOKEN: oops\n',
    });
    repo.write({ 'services/orders/config/staging.yaml': 'API_TOKEN: committed-secret\n' });
    repo.commit('mistakes');
    const { code, json } = runJson<CheckJson>(['check', '--env', 'staging'], repo.dir);
    assert.equal(code, 1);
    const staging = json.findings.map(brief);
    assert.ok(staging.includes('config/plaintext-secret orders API_TOKEN services/orders/config/staging.yaml:1'), staging.join('\n'));
    assert.ok(staging.includes('config/unknown-key payments API_TOKEN services/payments/config/defaults.yaml:2'), staging.join('\n'));
    assert.doesNotMatch(JSON.stringify(json), /committed-secret|staging-token-2/);

    const prod = runJson<CheckJson>(['check', '--env', 'prod'], repo.dir).json.findings.map(brief);
    assert.ok(prod.includes('config/invalid orders PAYMENTS_URL services/orders/config/prod.yaml:1'), prod.join('\n'));
    assert.ok(prod.includes('config/unknown-key orders LOG_LEVL services/orders/config/prod.yaml:2'), prod.join('\n'));
  });

  test('reports a required key missing in one environment', () => {
    const { repo } = shop();
    repo.remove('services/orders/deploy/dev.env');
    const { code, json } = runJson<CheckJson>(['check', '--env', 'dev'], repo.dir);
    assert.equal(code, 1);
    const missing = json.findings.filter((f) => f.rule === 'config/missing');
    assert.deepEqual(
      missing.map((f) => [f.service, f.key, f.env]),
      [['orders', 'API_TOKEN', 'dev']],
    );
    assert.equal(missing[0]!.location?.file, 'tranche.yaml');
  });

  test('unusable input exits 2 and touches nothing: unknown env, bad ref, bad flag', () => {
    const { repo } = shop();
    const env = runCli(['check', '--env', 'prd'], repo.dir);
    assert.equal(env.code, 2);
    assert.match(env.stderr, /unknown environment "prd" \(did you mean prod\?\)/);
    const ref = runCli(['check', '--env', 'prod', '--from', 'v0'], repo.dir);
    assert.equal(ref.code, 2);
    assert.match(ref.stderr, /unknown revision "v0"/);
    const flag = runCli(['check', '--env', 'prod', '--too', 'HEAD'], repo.dir);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option --too \(did you mean --to\?\)/);
    for (const r of [env, ref, flag]) assert.doesNotMatch(r.stderr, /\s+at /);
  });

  test('policy.rules changes a severity and turns a rule off', () => {
    const { repo, v1 } = shop();
    repo.write({ 'tranche.yaml': migrated.replace('services:\n', 'policy:\n  rules:\n    config/stale-value: warn\n    config/drift: off\nservices:\n') });
    repo.commit('migrate, stale values tolerated');
    const { code, json } = runJson<CheckJson>(['check', '--env', 'prod', '--from', v1, '--intent', 'migrate'], repo.dir);
    assert.equal(code, 0);
    assert.deepEqual(
      json.findings.map((f) => `${f.rule} ${f.severity}`),
      ['config/stale-value warn'],
    );
  });

  test('a --from revision whose manifest is broken is unusable input, named as such', () => {
    const { repo } = shop();
    repo.write({ 'tranche.yaml': SHOP_MANIFEST.replace('driver: local', 'driver: locl') });
    const broken = repo.commit('broken manifest');
    repo.write({ 'tranche.yaml': SHOP_MANIFEST });
    repo.commit('fixed');
    const result = runCli(['check', '--env', 'prod', '--from', broken], repo.dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /environments\.dev\.driver/);
    assert.match(result.stderr, new RegExp(`1 problem in the fleet definition at --from ${broken}; nothing was touched`));
  });
});
