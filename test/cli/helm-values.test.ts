import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';

// A fleet whose config lives in a Helm chart's values: values.yaml, then values-{env}.yaml.

const MANIFEST = `version: 1
name: shop
environments:
  dev: { driver: exec }
  prod: { driver: exec }
services:
  api:
    path: services/api
    exec: { deploy: [node, -e, ''] }
    config:
      schema:
        DB_HOST: { type: string, required: true }
        DB_PORT: { type: port, required: true }
        LOG_LEVEL: { type: string }
        TIER: { type: string }
      sources:
        - helm-values: [../../charts/api/values.yaml, '../../charts/api/values-{env}.yaml']
          optional: true
          keys:
            DB_HOST: database.host
            DB_PORT: database.port
            LOG_LEVEL: log.level
            TIER: 'podAnnotations."example.com/tier"'
`;

const VALUES = `image: api:1
database:
  host: db.internal
  port: 5432
log:
  level: info
podAnnotations:
  example.com/tier: backend
`;

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fleet() {
  const repo = new GitRepo({
    'tranche.yaml': MANIFEST,
    'charts/api/values.yaml': VALUES,
    'charts/api/values-prod.yaml': 'database:\n  port: 6432\nlog:\n  level: warn\n',
    'services/api/src.js': '\n',
  });
  repos.push(repo);
  return { repo, v1: repo.commit('v1') };
}

interface Changes {
  services: {
    service: string;
    kinds: string[];
    files: { path: string; kind: string; noEffectHere?: true }[];
    configKeys: { key: string; from: string | null; to: string | null }[];
  }[];
}

describe('helm-values sources', () => {
  test("each key at its value path, the environment's values file over the chart's, located where it is set", () => {
    const { repo } = fleet();
    const prod = runCli(['config', 'api', '--env', 'prod'], repo.dir);
    assert.equal(prod.code, 0, prod.stderr);
    assert.match(prod.stdout, /DB_HOST +db\.internal +charts\/api\/values\.yaml:3/);
    assert.match(prod.stdout, /DB_PORT +6432 +charts\/api\/values-prod\.yaml:2/);
    assert.match(prod.stdout, /LOG_LEVEL +warn +charts\/api\/values-prod\.yaml:4/);
    assert.match(prod.stdout, /TIER +backend +charts\/api\/values\.yaml:8/);
    const dev = runCli(['config', 'api', '--env', 'dev', '--explain', 'DB_PORT'], repo.dir);
    assert.equal(dev.code, 0, dev.stderr);
    assert.match(dev.stdout, /wins +5432 +helm-values +charts\/api\/values\.yaml:4:\d+/);
    const drift = runCli(['drift', '--values'], repo.dir);
    assert.equal(drift.code, 0, drift.stderr);
    assert.match(drift.stdout, /DB_PORT +5432 +6432/);
    assert.equal(runCli(['validate'], repo.dir).code, 0);
  });

  test('a change of a mapped value changes the service; an edit of values no key maps changes nothing here', () => {
    const { repo, v1 } = fleet();
    const v2 = repo.write({ 'charts/api/values.yaml': VALUES.replace('image: api:1', 'image: api:2') }).commit('image only');
    const imageOnly = runJson<Changes>(['changes', '--env', 'prod', '--from', v1, '--to', v2], repo.dir).json;
    assert.deepEqual(
      imageOnly.services.map((s) => [s.service, s.kinds, s.files.map((f) => [f.path, f.kind, f.noEffectHere])]),
      [['api', [], [['charts/api/values.yaml', 'config', true]]]],
    );
    const v3 = repo.write({ 'charts/api/values-prod.yaml': 'database:\n  port: 7432\nlog:\n  level: warn\n' }).commit('prod port');
    const port = runJson<Changes>(['changes', '--env', 'prod', '--from', v2, '--to', v3], repo.dir).json;
    assert.deepEqual(
      port.services.map((s) => [s.service, s.kinds, s.configKeys.map((k) => `${k.key} ${k.from} → ${k.to}`)]),
      [['api', ['config'], ['DB_PORT 6432 → 7432']]],
    );
    const dev = runJson<Changes>(['changes', '--env', 'dev', '--from', v2, '--to', v3], repo.dir).json;
    assert.deepEqual(
      dev.services.map((s) => [s.service, s.kinds, s.files.map((f) => [f.path, f.noEffectHere])]),
      [['api', [], [['charts/api/values-prod.yaml', true]]]],
      'values-prod.yaml is not read in dev',
    );
  });

  test('a values file that does not parse, a key mapped to a map, a path that is no path: located, exit 2', () => {
    const { repo } = fleet();
    repo.write({ 'charts/api/values-prod.yaml': 'database:\n  port: [6432\n' }).commit('broken');
    const broken = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(broken.stderr, /charts\/api\/values-prod\.yaml:\d+:\d+: /);
    assert.doesNotMatch(broken.stderr, /6432/, 'no input quoted');
    repo
      .write({
        'charts/api/values-prod.yaml': 'log: {}\n',
        'tranche.yaml': MANIFEST.replace('LOG_LEVEL: log.level', 'LOG_LEVEL: log').replace('DB_PORT: database.port', 'DB_PORT: database..port'),
      })
      .commit('mapped badly');
    const mapped = runCli(['validate'], repo.dir);
    assert.equal(mapped.code, 2);
    assert.match(mapped.stderr, /tranche\.yaml:\d+:\d+: keys\.DB_PORT must be the path of a value in the values files/);
    repo.write({ 'tranche.yaml': MANIFEST.replace('          optional: true\n', '') }).commit('values-dev.yaml required');
    const missing = runCli(['validate'], repo.dir);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /tranche\.yaml:17:11: values file charts\/api\/values-dev\.yaml does not exist in the working tree\n {2}fix: create it, fix the path, or mark the source optional: true/,
    );
    repo.write({ 'tranche.yaml': MANIFEST.replace('LOG_LEVEL: log.level', 'LOG_LEVEL: log') }).commit('a map');
    const map = runCli(['validate'], repo.dir);
    assert.equal(map.code, 2);
    assert.deepEqual(
      map.stderr.split('\n').filter((l) => l.includes('LOG_LEVEL')),
      [
        'tranche.yaml:22:24: LOG_LEVEL is mapped to log, which is a map in charts/api/values.yaml: map it to a value below it',
        'tranche.yaml:22:24: LOG_LEVEL is mapped to log, which is a map in charts/api/values-prod.yaml: map it to a value below it',
      ],
    );
  });
});
