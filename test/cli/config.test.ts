import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';
import { SHOP_FILES, SHOP_SECRETS } from './shop-fleet.js';

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function shop(): GitRepo {
  const repo = new GitRepo(SHOP_FILES);
  repos.push(repo);
  repo.commit('v1');
  repo.write({ ...SHOP_SECRETS, 'services/orders/deploy/prod.env': 'API_TOKEN=prod-token-3\nDB_PORT=6543\n' });
  return repo;
}

interface ConfigJson {
  keys: {
    key: string;
    value?: string;
    set: boolean;
    valid: boolean;
    source?: { kind: string; location: { file: string; line: number } };
    overrides: { value: string; kind: string }[];
  }[];
}

describe('tranche config', () => {
  test('shows each value with its source file:line and what it overrides', () => {
    const result = runCli(['config', 'orders', '--env', 'prod'], shop().dir);
    assert.equal(result.code, 0, result.stderr);
    const line = (key: string) => result.stdout.split('\n').find((l) => l.startsWith(`${key} `)) ?? '';
    assert.match(line('PORT'), /^PORT\s+7002\s+services\/orders\/config\/defaults.yaml:1$/);
    assert.match(line('DB_PORT'), /^DB_PORT\s+6543\s+services\/orders\/deploy\/prod.env:2\s+5432 from resource orders-db.port \(tranche.yaml:\d+\)$/);
    assert.match(line('LOG_LEVEL'), /^LOG_LEVEL\s+warn\s+env.prod \(tranche.yaml:\d+\)\s+info from the default/);
    assert.match(line('TIMEOUT'), /^TIMEOUT\s+2s\s+the default/);
  });

  test('never shows a secret: only its keyed fingerprint', () => {
    const repo = shop();
    const human = runCli(['config', 'orders', '--env', 'prod'], repo.dir);
    assert.doesNotMatch(human.stdout, /prod-token-3/);
    assert.match(human.stdout, /API_TOKEN\s+hmac:[0-9a-f]{16}\s/);
    const { json } = runJson<ConfigJson>(['config', 'orders', '--env', 'prod'], repo.dir);
    assert.doesNotMatch(JSON.stringify(json), /prod-token-3/);
    assert.match(json.keys.find((k) => k.key === 'API_TOKEN')!.value!, /^hmac:[0-9a-f]{16}$/);
    const explain = runCli(['config', 'orders', '--env', 'prod', '--explain', 'API_TOKEN'], repo.dir);
    assert.doesNotMatch(explain.stdout, /prod-token-3/);
  });

  test('--explain prints the whole chain from the winner to the lowest layer', () => {
    const result = runCli(['config', 'orders', '--env', 'prod', '--explain', 'DB_PORT'], shop().dir);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.split('\n').filter((l) => /^\s+(wins|\d+\.)\s/.test(l));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /wins\s+6543\s+dotenv\s+services\/orders\/deploy\/prod.env:2:1/);
    assert.match(rows[1]!, /2\.\s+5432\s+bind\s+tranche.yaml:\d+:\d+\s+resource orders-db.port/);
    assert.match(result.stdout, /orders gets DB_PORT=6543/);
  });

  test('--json gives every key with its value, source and overrides', () => {
    const { code, json } = runJson<ConfigJson>(['config', 'orders', '--env', 'prod'], shop().dir);
    assert.equal(code, 0);
    assert.deepEqual(
      json.keys.map((k) => k.key),
      ['PORT', 'DB_HOST', 'DB_PORT', 'PAYMENTS_URL', 'API_TOKEN', 'LOG_LEVEL', 'TIMEOUT'],
    );
    const dbPort = json.keys.find((k) => k.key === 'DB_PORT')!;
    assert.equal(dbPort.value, '6543');
    assert.deepEqual(dbPort.source?.location, { file: 'services/orders/deploy/prod.env', line: 2, column: 1 });
    assert.deepEqual(
      dbPort.overrides.map((o) => [o.value, o.kind]),
      [['5432', 'bind']],
    );
  });

  test('unknown service, environment or key is an input error with a did-you-mean', () => {
    const repo = shop();
    const service = runCli(['config', 'ordrs', '--env', 'prod'], repo.dir);
    assert.equal(service.code, 2);
    assert.match(service.stderr, /unknown service "ordrs" \(did you mean orders\?\)/);
    const key = runCli(['config', 'orders', '--env', 'prod', '--explain', 'DB_PROT'], repo.dir);
    assert.equal(key.code, 2);
    assert.match(key.stderr, /declares no key DB_PROT \(did you mean DB_PORT\?\)/);
    const noEnv = runCli(['config', 'orders'], repo.dir);
    assert.equal(noEnv.code, 2);
    assert.match(noEnv.stderr, /--env is required: one of dev, staging, prod/);
  });
});

describe('tranche drift', () => {
  test('shows the kind of source per key and environment and marks drifting keys', () => {
    const repo = shop();
    const result = runCli(['drift'], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    const row = (key: string) => result.stdout.split('\n').filter((l) => l.trimStart().startsWith(`${key} `));
    // orders.DB_PORT: bound everywhere, but a dotenv file wins in prod.
    assert.ok(
      row('DB_PORT').some((l) => /DB_PORT\s+resource\s+resource\s+dotenv\s+\*$/.test(l)),
      result.stdout,
    );
    assert.ok(
      row('LOG_LEVEL').some((l) => /LOG_LEVEL\s+default\s+default\s+env$/.test(l)),
      result.stdout,
    );
  });

  test('--env narrows the environments, --json gives every cell', () => {
    const repo = shop();
    const { code, json } = runJson<{
      envs: string[];
      rows: { service: string; key: string; drifts: boolean; cells: Record<string, { set: boolean; kind?: string }> }[];
    }>(['drift', '--env', 'dev,staging'], repo.dir);
    assert.equal(code, 0);
    assert.deepEqual(json.envs, ['dev', 'staging']);
    const dbPort = json.rows.find((r) => r.service === 'orders' && r.key === 'DB_PORT')!;
    assert.equal(dbPort.drifts, false);
    assert.deepEqual(dbPort.cells.dev, { set: true, kind: 'bind', source: 'orders-db.port', value: '5432' });
    assert.equal(runCli(['drift', '--env', 'dev,qa'], repo.dir).code, 2);
  });
});

describe('help', () => {
  test('every command has --help, and the top level lists them', () => {
    const repo = shop();
    const top = runCli(['--help'], repo.dir);
    assert.equal(top.code, 0);
    for (const command of ['validate', 'config', 'drift', 'check']) {
      assert.match(top.stdout, new RegExp(`\\n  ${command}`));
      const help = runCli([command, '--help'], repo.dir);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: tranche ${command}`));
      assert.match(help.stdout, /--json/);
    }
    const unknown = runCli(['chek'], repo.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "chek" \(did you mean check\?\)/);
  });

  test('tranche help [COMMAND] and tranche version are commands too, anywhere', () => {
    const repo = shop();
    const top = runCli(['help'], repo.dir);
    assert.equal(top.code, 0);
    assert.equal(top.stdout, runCli(['--help'], repo.dir).stdout);
    const plan = runCli(['help', 'plan'], repo.dir);
    assert.equal(plan.code, 0);
    assert.equal(plan.stdout, runCli(['plan', '--help'], repo.dir).stdout);
    const unknown = runCli(['help', 'aply'], repo.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "aply" \(did you mean apply\?\)/);
    const version = runCli(['version'], tmpdir());
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^tranche \d+\.\d+\.\d+\n$/);
    assert.equal(version.stdout, runCli(['--version'], tmpdir()).stdout);
    assert.match(runCli(['version', '--json'], tmpdir()).stdout, /"version": "\d+\.\d+\.\d+"/);
  });
});
