import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';

const MANIFEST = `version: 1
name: shop
environments:
  dev: { driver: local }
  prod: { driver: local }
resources:
  db:
    kind: postgres
    values:
      dev: { host: 127.0.0.1, port: 5432 }
      prod: { host: 127.0.0.1, port: 5432 }
services:
  orders:
    path: services/orders
    watch: [libs/common]
    config:
      schema:
        PORT: { type: port, default: 7001 }
        DB_PORT: { type: port, bind: db.port }
        LOG_LEVEL: { type: string, default: info }
      sources:
        - file: config/{env}.yaml
          optional: true
    contracts:
      provides: { http: api/openapi.yaml }
  payments:
    path: services/payments
    config:
      schema:
        PORT: { type: port, default: 7002 }
`;

interface Changes {
  services: {
    service: string;
    kinds: string[];
    files: { path: string; kind: string; status: string }[];
    commits: { sha: string; subject: string; author: string; files: string[] }[];
    configKeys: { key: string; from: string | null; to: string | null }[];
  }[];
  unowned: string[];
}

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fleet() {
  const repo = new GitRepo({
    'tranche.yaml': MANIFEST,
    'services/orders/src/index.js': 'v1\n',
    'services/orders/api/openapi.yaml': 'openapi: 3.0.0\n',
    'services/orders/config/prod.yaml': 'LOG_LEVEL: warn\n',
    'services/orders/package.json': '{"dependencies":{"ms":"2.1.2"}}\n',
    'services/payments/index.js': 'v1\n',
    'libs/common/util.js': 'v1\n',
    'README.md': 'fleet\n',
  });
  repos.push(repo);
  const base = repo.commit('v1');
  return { repo, base };
}

function commitAs(repo: GitRepo, author: string, message: string, files: Record<string, string>): string {
  repo.write(files);
  repo.git('add', '-A');
  repo.git('-c', `user.name=${author}`, '-c', 'user.email=a@example.com', 'commit', '-q', '--author', `${author} <a@example.com>`, '-m', message);
  return repo.git('rev-parse', 'HEAD');
}

describe('tranche changes', () => {
  test('attributes every commit and file to the services that own it, classified by kind', () => {
    const { repo, base } = fleet();
    const config = commitAs(repo, 'Ana', 'raise the prod log level', { 'services/orders/config/prod.yaml': 'LOG_LEVEL: error\n' });
    const code = commitAs(repo, 'Bo', 'misc fixes', { 'services/orders/src/index.js': 'v2\n', 'libs/common/util.js': 'v2\n' });
    const deps = commitAs(repo, 'Cy', 'bump ms', { 'services/orders/package.json': '{"dependencies":{"ms":"2.1.3"}}\n' });
    const contract = commitAs(repo, 'Di', 'document the API', { 'services/orders/api/openapi.yaml': 'openapi: 3.0.1\n', 'README.md': 'the fleet\n' });
    const db = commitAs(repo, 'Ed', 'move the prod database', {
      'tranche.yaml': MANIFEST.replace('prod: { host: 127.0.0.1, port: 5432 }', 'prod: { host: 127.0.0.1, port: 6432 }'),
    });

    const { code: exit, json } = runJson<Changes>(['changes', '--env', 'prod', '--from', base], repo.dir);
    assert.equal(exit, 0);
    assert.deepEqual(
      json.services.map((s) => s.service),
      ['orders'],
    );
    const orders = json.services[0]!;
    assert.deepEqual(orders.kinds, ['config', 'code', 'deps', 'contract']);
    const kindOf = Object.fromEntries(orders.files.map((f) => [f.path, f.kind]));
    assert.deepEqual(kindOf, {
      'services/orders/config/prod.yaml': 'config',
      'services/orders/src/index.js': 'code',
      'libs/common/util.js': 'code',
      'services/orders/package.json': 'deps',
      'services/orders/api/openapi.yaml': 'contract',
      'tranche.yaml': 'config',
    });
    assert.deepEqual(orders.commits.map((c) => c.sha).sort(), [config, code, deps, contract, db].sort());
    assert.equal(orders.commits.find((c) => c.sha === code)!.author, 'Bo');
    assert.deepEqual(orders.commits.find((c) => c.sha === code)!.files.sort(), ['libs/common/util.js', 'services/orders/src/index.js']);
    assert.deepEqual(orders.configKeys, [
      { key: 'DB_PORT', from: '5432', to: '6432' },
      { key: 'LOG_LEVEL', from: 'warn', to: 'error' },
    ]);
    assert.deepEqual(json.unowned, ['README.md']);
  });

  test('prints markdown for a pull-request comment', () => {
    const { repo, base } = fleet();
    commitAs(repo, 'Bo', 'misc fixes', { 'services/payments/index.js': 'v2\n' });
    const result = runCli(['changes', '--env', 'prod', '--from', base, '--format', 'markdown'], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^### tranche: what [0-9a-f]{7} changes in prod/);
    assert.match(result.stdout, /\| payments \| code \| 1 \| 1 \|/);
    assert.match(result.stdout, /<summary><b>payments — code<\/b><\/summary>/);
  });

  test('with nothing deployed yet, every service is new in the environment', () => {
    const { repo } = fleet();
    const result = runCli(['changes', '--env', 'prod'], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /tranche changes: prod, nothing deployed → HEAD/);
    assert.match(result.stdout, /^orders — config, code, new in this environment$/m);
    assert.match(result.stdout, /^payments — config, code, new in this environment$/m);
    const { json } = runJson<Changes>(['changes', '--env', 'prod'], repo.dir);
    assert.deepEqual(
      json.services.map((s) => [s.service, s.kinds]),
      [
        ['orders', ['config', 'code']],
        ['payments', ['config', 'code']],
      ],
    );
  });
});

describe('change rules', () => {
  interface CheckJson {
    findings: { rule: string; severity: string; service?: string; message: string; location?: { file: string } }[];
  }

  test('change/unrelated lists the commits and files outside the declared scope', () => {
    const { repo, base } = fleet();
    commitAs(repo, 'Ana', 'raise the prod log level', { 'services/orders/config/prod.yaml': 'LOG_LEVEL: error\n' });
    const misc = commitAs(repo, 'Bo', 'misc fixes', { 'services/payments/index.js': 'v2\n' });
    const { code, json } = runJson<CheckJson>(['check', '--env', 'prod', '--from', base, '--scope', 'config', '--intent', 'log level'], repo.dir);
    assert.equal(code, 1);
    const unrelated = json.findings.filter((f) => f.rule === 'change/unrelated');
    assert.deepEqual(
      unrelated.map((f) => f.service),
      ['payments'],
    );
    assert.ok(unrelated[0]!.message.includes(`commits ${misc.slice(0, 7)} "misc fixes" (Bo); files services/payments/index.js`), unrelated[0]!.message);
    assert.equal(unrelated[0]!.location?.file, 'services/payments/index.js');
  });

  test('change/no-intent warns when a release says nothing of why', () => {
    const { repo, base } = fleet();
    commitAs(repo, 'Bo', 'fix', { 'services/payments/index.js': 'v2\n' });
    const without = runJson<CheckJson>(['check', '--env', 'prod', '--from', base], repo.dir).json;
    assert.deepEqual(
      without.findings.filter((f) => f.rule === 'change/no-intent').map((f) => f.severity),
      ['warn'],
    );
    const withIntent = runJson<CheckJson>(['check', '--env', 'prod', '--from', base, '--intent', 'fix payments'], repo.dir).json;
    assert.deepEqual(
      withIntent.findings.filter((f) => f.rule === 'change/no-intent'),
      [],
    );
  });

  test('change/uncommitted fires when the target is HEAD and a service has uncommitted changes; --allow-dirty only for the first environment', () => {
    const { repo, base } = fleet();
    commitAs(repo, 'Bo', 'fix', { 'services/payments/index.js': 'v2\n' });
    repo.write({ 'services/orders/src/index.js': 'work in progress\n' });
    const prod = runJson<CheckJson>(['check', '--env', 'prod', '--from', base, '--intent', 'x'], repo.dir);
    assert.equal(prod.code, 1);
    const dirty = prod.json.findings.filter((f) => f.rule === 'change/uncommitted');
    assert.deepEqual(
      dirty.map((f) => [f.service, f.location?.file]),
      [['orders', 'services/orders/src/index.js']],
    );
    const dev = runJson<CheckJson>(['check', '--env', 'dev', '--from', base, '--intent', 'x', '--allow-dirty'], repo.dir);
    assert.deepEqual(
      dev.json.findings.filter((f) => f.rule === 'change/uncommitted'),
      [],
    );
    const refused = runCli(['check', '--env', 'prod', '--from', base, '--allow-dirty'], repo.dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--allow-dirty is accepted for dev only/);
    // A target other than HEAD does not look at the working tree.
    const atBase = runJson<CheckJson>(['check', '--env', 'prod', '--from', base, '--to', base, '--intent', 'x'], repo.dir);
    assert.deepEqual(
      atBase.json.findings.filter((f) => f.rule === 'change/uncommitted'),
      [],
    );
  });
});
