import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { BIN } from '../support/paths.js';
import { runCli, runJson } from '../support/run-cli.js';

// Sources whose manifests a tool renders: a kustomize overlay (the real kubectl kustomize of this
// machine), and a chart rendered by its render command (a stand-in for helm template, which is
// not installed here: a node script that prints what helm would, `# Source:` comments included).

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

const KUSTOMIZE_MANIFEST = `version: 1
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
        LOG_LEVEL: { type: string }
        DB_PORT: { type: port, required: true }
        MODE: { type: string }
        CACHE: { type: string }
        TOKEN: { type: string, secret: true }
      sources:
        - kustomize: ../../deploy/overlays/{env}
`;

const BASE = {
  'deploy/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PORT
              value: "5432"
          envFrom:
            - configMapRef:
                name: api-config
            - secretRef:
                name: api-secret
`,
  'deploy/base/kustomization.yaml': `resources: [deployment.yaml]
configMapGenerator:
  - name: api-config
    literals: [MODE=base]
    envs: [api.env]
secretGenerator:
  - name: api-secret
    envs: [secret.env]
`,
  'deploy/base/api.env': 'CACHE=redis:6379\n',
  'deploy/overlays/dev/kustomization.yaml': 'resources: [../../base]\n',
  'deploy/overlays/prod/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod-\npatches:\n  - path: patch.yaml\n',
  'deploy/overlays/prod/patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          env:
            - name: LOG_LEVEL
              value: warn
`,
  '.gitignore': 'secret.env\n.tranche/\n',
  'services/api/src.js': '\n',
};

function kustomizeFleet() {
  const repo = new GitRepo({ 'tranche.yaml': KUSTOMIZE_MANIFEST, ...BASE });
  repo.write({ 'deploy/base/secret.env': 'TOKEN=s3cr3t-t0ken\n' });
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

/** A temporary directory of the test's own, for the CLI's copies: other test files make theirs elsewhere. */
const tmpDirs: string[] = [];
after(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function privateTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-cli-tmp-'));
  tmpDirs.push(dir);
  return dir;
}

describe('kustomize sources', () => {
  test('the overlay as kubectl kustomize renders it, each value traced to the line that sets it: resource, patch, literal, env file', () => {
    const { repo } = kustomizeFleet();
    const prod = runCli(['config', 'api', '--env', 'prod'], repo.dir);
    assert.equal(prod.code, 0, prod.stderr);
    assert.match(prod.stdout, /LOG_LEVEL +warn +deploy\/overlays\/prod\/patch\.yaml:11/, 'set by the patch');
    assert.match(prod.stdout, /DB_PORT +5432 +deploy\/base\/deployment\.yaml:14/, 'still what the resource says');
    assert.match(prod.stdout, /MODE +base +deploy\/base\/kustomization\.yaml:4/, 'a generator literal');
    assert.match(prod.stdout, /CACHE +redis:6379 +deploy\/base\/api\.env:1/, 'a generator env file');
    assert.match(prod.stdout, /TOKEN +hmac:\S+ +deploy\/base\/secret\.env:1/, 'a secret from a git-ignored env file, fingerprinted');
    assert.doesNotMatch(prod.stdout + prod.stderr, /s3cr3t-t0ken/);
    const dev = runCli(['config', 'api', '--env', 'dev'], repo.dir);
    assert.match(dev.stdout, /LOG_LEVEL +info +deploy\/base\/deployment\.yaml:12/);
  });

  test('a commit is rendered from a copy of its files, git-ignored ones included, removed afterwards; a base edit changes the service where its values change', () => {
    const { repo, v1 } = kustomizeFleet();
    const env = { TMPDIR: privateTmp() };
    const v2 = repo.write({ 'deploy/base/api.env': 'CACHE=redis:6380\n' }).commit('cache port');
    const changes = runJson<Changes>(['changes', '--env', 'prod', '--from', v1, '--to', v2], repo.dir, env).json;
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.kinds, s.configKeys.map((k) => `${k.key} ${k.from} → ${k.to}`), s.files.map((f) => f.path)]),
      [['api', ['config'], ['CACHE redis:6379 → redis:6380'], ['deploy/base/api.env']]],
    );
    const v3 = repo.write({ 'deploy/overlays/prod/patch.yaml': BASE['deploy/overlays/prod/patch.yaml'].replace('warn', 'error') }).commit('prod log level');
    const dev = runJson<Changes>(['changes', '--env', 'dev', '--from', v2, '--to', v3], repo.dir, env).json;
    assert.deepEqual(
      dev.services.map((s) => [s.service, s.kinds]),
      [['api', []]],
      "the prod overlay is not dev's",
    );
    const prod = runJson<Changes>(['changes', '--env', 'prod', '--from', v2, '--to', v3], repo.dir, env).json;
    assert.deepEqual(
      prod.services.map((s) => s.configKeys.map((k) => `${k.key} ${k.from} → ${k.to}`)),
      [['LOG_LEVEL warn → error']],
    );
    assert.deepEqual(readdirSync(env.TMPDIR), [], 'no copy of a commit is left behind');
  });

  test('a broken overlay, a missing one, and kubectl missing: located, exit 2, no tool output quoted', () => {
    const { repo } = kustomizeFleet();
    repo.write({ 'deploy/overlays/prod/kustomization.yaml': 'resources: [../../nowhere]\n' }).commit('broken');
    const broken = runCli(['check', '--env', 'prod'], repo.dir);
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(broken.stderr, /tranche\.yaml:18:\d+: kubectl kustomize deploy\/overlays\/prod failed \(exit 1\); run it in the fleet's directory to see why/);
    repo.write({ 'tranche.yaml': KUSTOMIZE_MANIFEST.replace('overlays/{env}', 'overlays/{env}/gone') }).commit('gone');
    const gone = runCli(['validate'], repo.dir);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /kustomize overlay deploy\/overlays\/dev\/gone does not exist in the working tree/);
  });

  test('an env file or a base linked out of the repository: located, not rendered, nothing of it shown, at a commit as in the working tree', () => {
    const { repo } = kustomizeFleet();
    const outside = mkdtempSync(join(tmpdir(), 'tranche-outside-'));
    tmpDirs.push(outside);
    writeFileSync(join(outside, 'api.env'), 'CACHE=outside-value-93c1\n');
    cpSync(join(repo.dir, 'deploy/base'), join(outside, 'base'), { recursive: true });
    writeFileSync(join(outside, 'base/api.env'), 'CACHE=outside-value-93c1\n');
    const expectRefused = (link: string, target: string) => {
      for (const command of [
        ['config', 'api', '--env', 'dev'],
        ['config', 'api', '--env', 'dev', '--ref', 'HEAD'],
      ]) {
        const result = runCli(command, repo.dir);
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.ok(
          result.stderr.includes(`tranche.yaml:18:11: kustomize overlay deploy/overlays/dev: ${link} is a symbolic link to ${target}, outside the repository`),
          result.stderr,
        );
        assert.doesNotMatch(result.stdout + result.stderr, /outside-value-93c1/);
      }
    };
    rmSync(join(repo.dir, 'deploy/base/api.env'));
    symlinkSync(join(outside, 'api.env'), join(repo.dir, 'deploy/base/api.env'));
    repo.commit('env file linked out');
    expectRefused('deploy/base/api.env', join(outside, 'api.env'));
    rmSync(join(repo.dir, 'deploy/base'), { recursive: true });
    symlinkSync(join(outside, 'base'), join(repo.dir, 'deploy/base'));
    repo.commit('base linked out');
    expectRefused('deploy/base', join(outside, 'base'));
  });

  test('kubectl not on PATH says so; git not on PATH says so', () => {
    const { repo } = kustomizeFleet();
    // A PATH with git and tar but no kubectl, then one with nothing.
    const bin = mkdtempSync(join(tmpdir(), 'tranche-path-'));
    for (const tool of ['git', 'tar']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    try {
      const run = (path: string) =>
        spawnSync(process.execPath, [BIN, 'config', 'api', '--env', 'prod'], {
          cwd: repo.dir,
          encoding: 'utf8',
          env: { PATH: path, HOME: process.env.HOME ?? '/' },
        });
      const noKubectl = run(bin);
      assert.equal(noKubectl.status, 2, noKubectl.stdout + noKubectl.stderr);
      assert.match(
        noKubectl.stderr,
        /tranche\.yaml:18:\d+: kubectl is not installed \(or not on PATH\): a kustomize source is rendered with kubectl kustomize/,
      );
      const noGit = run(join(bin, 'nothing'));
      assert.equal(noGit.status, 2, noGit.stdout + noGit.stderr);
      assert.match(noGit.stderr, /git is not installed \(or not on PATH\): tranche reads the fleet through git/);
      assert.doesNotMatch(noGit.stderr, /internal error/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

const HELM_MANIFEST = `version: 1
name: shop
environments:
  prod: { driver: exec }
services:
  api:
    path: services/api
    exec: { deploy: [node, -e, ''] }
    config:
      schema:
        DB_PORT: { type: port, required: true }
        LOG_LEVEL: { type: string }
        RELEASE: { type: string }
      sources:
        - helm-values: [../../charts/api/values.yaml, '../../charts/api/values-{env}.yaml']
          render: [node, tools/fake-helm.mjs, template, api, charts/api, -f, charts/api/values.yaml, -f, 'charts/api/values-{env}.yaml']
`;

// A stand-in for helm template: merges the values files it is given (one level deep) and fills the chart's one template.
const FAKE_HELM = `import { readFileSync } from 'node:fs';
const args = process.argv.slice(2);
const chart = args[2];
const values = {};
for (let i = 0; i < args.length; i++) if (args[i] === '-f') for (const line of readFileSync(args[i + 1], 'utf8').split('\\n')) {
  const m = /^\\s*(\\w+):\\s*(\\S+)\\s*$/.exec(line);
  if (m) values[m[1]] = m[2];
}
const template = readFileSync(chart + '/templates/deployment.yaml', 'utf8').replace(/\\{\\{ \\.Values\\.(\\w+) \\}\\}/g, (_, k) => values[k]);
process.stdout.write('---\\n# Source: api/templates/deployment.yaml\\n' + template);
`;

describe('rendered helm-values sources', () => {
  test('what the render command prints is read as kubernetes, values located in the values files, the rest in the template', () => {
    const repo = new GitRepo({
      'tranche.yaml': HELM_MANIFEST,
      'tools/fake-helm.mjs': FAKE_HELM,
      'charts/api/Chart.yaml': 'name: api\nversion: 1.0.0\n',
      'charts/api/values.yaml': 'port: 5432\nlevel: info\n',
      'charts/api/values-prod.yaml': 'level: warn\n',
      'charts/api/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          env:
            - name: DB_PORT
              value: "{{ .Values.port }}"
            - name: LOG_LEVEL
              value: "{{ .Values.level }}"
            - name: RELEASE
              value: stable
`,
      'services/api/src.js': '\n',
    });
    repos.push(repo);
    const v1 = repo.commit('v1');
    const config = runCli(['config', 'api', '--env', 'prod'], repo.dir);
    assert.equal(config.code, 0, config.stderr);
    assert.match(config.stdout, /DB_PORT +5432 +charts\/api\/values\.yaml:1/);
    assert.match(config.stdout, /LOG_LEVEL +warn +charts\/api\/values-prod\.yaml:1/);
    assert.match(config.stdout, /RELEASE +stable +charts\/api\/templates\/deployment\.yaml:15/);
    const v2 = repo.write({ 'charts/api/templates/deployment.yaml': readTemplate(repo).replace('value: stable', 'value: canary') }).commit('template');
    const changes = runJson<Changes>(['changes', '--env', 'prod', '--from', v1, '--to', v2], repo.dir).json;
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.kinds, s.configKeys.map((k) => `${k.key} ${k.from} → ${k.to}`)]),
      [['api', ['config'], ['RELEASE stable → canary']]],
    );
    const failing = repo.write({ 'tranche.yaml': HELM_MANIFEST.replace('tools/fake-helm.mjs', 'tools/missing.mjs') }).commit('bad render');
    const bad = runCli(['validate', '--ref', failing], repo.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /tranche\.yaml:15:\d+: node tools\/missing\.mjs template api .* failed \(exit 1\); run it in the fleet's directory to see why/);
  });
});

function readTemplate(repo: GitRepo): string {
  return `${repo.git('show', 'HEAD:charts/api/templates/deployment.yaml')}\n`;
}
