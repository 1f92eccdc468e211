import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';

// A fleet whose config lives in Kubernetes manifests: a directory per environment.

const MANIFEST = `version: 1
name: shop
environments:
  prod: { driver: exec }
services:
  api:
    path: services/api
    exec: { deploy: [node, -e, ''] }
    config:
      schema:
        DB_URL: { type: string, required: true }
        DB_PASSWORD: { type: string }
        LOG_LEVEL: { type: string }
        POD_IP: { type: string }
      sources:
        - kubernetes: ../../k8s/{env}
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1
          envFrom:
            - configMapRef: { name: api-config }
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: { name: api-secret, key: password }
            - name: DB_URL
              value: postgres://api:$(DB_PASSWORD)@db:5432/api
            - name: POD_IP
              valueFrom:
                fieldRef: { fieldPath: status.podIP }
`;

const CONFIG = `apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: api-secret
data:
  password: ${Buffer.from('hunter2-s3cret').toString('base64')}
`;

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fleet() {
  const repo = new GitRepo({ 'tranche.yaml': MANIFEST, 'k8s/prod/deployment.yaml': DEPLOYMENT, 'k8s/prod/config.yaml': CONFIG, 'services/api/src.js': '\n' });
  repos.push(repo);
  return { repo, v1: repo.commit('v1') };
}

describe('kubernetes sources', () => {
  test("what the container gets, located; a Secret's value and what is built from it never shown; a fieldRef set at run time", () => {
    const { repo } = fleet();
    const config = runCli(['config', 'api', '--env', 'prod'], repo.dir);
    assert.equal(config.code, 0, config.stderr);
    assert.match(config.stdout, /LOG_LEVEL +info +k8s\/prod\/config\.yaml:6/);
    assert.match(config.stdout, /POD_IP +\(set at run time/);
    for (const command of [
      ['config', 'api', '--env', 'prod'],
      ['config', 'api', '--env', 'prod', '--json'],
      ['config', 'api', '--env', 'prod', '--explain', 'DB_URL'],
      ['drift', '--values'],
      ['check', '--env', 'prod', '--json'],
    ]) {
      const out = runCli(command, repo.dir);
      assert.doesNotMatch(out.stdout + out.stderr, /hunter2|aHVudGVyMi1zM2NyZXQ/, command.join(' '));
    }
    const json = runJson<{ keys: { key: string; value?: string; secret?: boolean }[] }>(['config', 'api', '--env', 'prod'], repo.dir).json;
    const url = json.keys.find((k) => k.key === 'DB_URL')!;
    assert.match(url.value ?? '', /^hmac:/, 'built from a Secret: a secret');
  });

  test('a manifest that does not parse, a workload that is not there, a directory that is not there: located, exit 2, nothing created', () => {
    const { repo } = fleet();
    repo.write({ 'k8s/prod/config.yaml': CONFIG.replace('  LOG_LEVEL: info', '  LOG_LEVEL: [info') }).commit('broken');
    const broken = runCli(['apply', '--env', 'prod', '--yes'], repo.dir);
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(broken.stderr, /k8s\/prod\/config\.yaml:\d+:\d+: /);
    assert.doesNotMatch(broken.stderr, /hunter2|aHVudGVy/);
    assert.equal(existsSync(join(repo.dir, '.tranche')), false, 'nothing created');
    repo
      .write({
        'k8s/prod/config.yaml': CONFIG,
        'tranche.yaml': MANIFEST.replace('- kubernetes: ../../k8s/{env}', '- kubernetes: ../../k8s/{env}\n          workload: apii'),
      })
      .commit('typo');
    const typo = runCli(['validate'], repo.dir);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /tranche\.yaml:16:\d+: .*apii/);
    repo.write({ 'tranche.yaml': MANIFEST.replace('../../k8s/{env}', '../../k8s/{env}/missing') }).commit('gone');
    const gone = runCli(['validate'], repo.dir);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /tranche\.yaml:16:\d+: kubernetes manifests k8s\/prod\/missing does not exist in the working tree/);
  });
});
