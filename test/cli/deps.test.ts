import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { FIXTURES } from '../support/paths.js';
import { runJson } from '../support/run-cli.js';

const MANIFEST = `version: 1
name: shop
environments:
  prod: { driver: local }
services:
  api:
    path: services/api
  web:
    path: services/web
`;

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

/** The lockfile fixtures written by the real package managers, as one service's files. */
function lockfiles(tool: string, kase: string, side: 'before' | 'after', file: string, into: string): Record<string, string> {
  const dir = join(FIXTURES, 'lockfiles', tool, kase, side);
  return {
    [`${into}/package.json`]: readFileSync(join(dir, 'package.json'), 'utf8'),
    [`${into}/${file}`]: readFileSync(join(dir, file), 'utf8'),
  };
}

interface Json {
  findings: { rule: string; severity: string; service?: string; key?: string; location?: { file: string; line?: number } }[];
}
interface ChangesJson {
  services: { service: string; kinds: string[]; deps: { name: string; from?: string; to?: string; direct: boolean; explained: boolean; semver?: string; lockfile: string }[] }[];
}

function release(tool: string, kase: string, file: string) {
  const repo = new GitRepo({ 'tranche.yaml': MANIFEST, 'services/web/index.js': '1\n', ...lockfiles(tool, kase, 'before', file, 'services/api') });
  repos.push(repo);
  const base = repo.commit('before');
  repo.write(lockfiles(tool, kase, 'after', file, 'services/api'));
  repo.commit(`${kase}`);
  return { repo, base };
}

describe('dependency changes in a release', () => {
  test('a transitive-only change (npm) is attributed to its service and flagged as unexplained', () => {
    const { repo, base } = release('npm', 'transitive-only', 'package-lock.json');
    const changes = runJson<ChangesJson>(['changes', '--env', 'prod', '--from', base], repo.dir).json;
    assert.deepEqual(changes.services.map((s) => [s.service, s.kinds]), [['api', ['deps']]]);
    const ms = changes.services[0]!.deps.find((d) => d.name === 'ms')!;
    assert.deepEqual([ms.from, ms.to, ms.direct, ms.explained, ms.lockfile], ['2.1.2', '2.1.3', false, false, 'services/api/package-lock.json']);
    const { code, json } = runJson<Json>(['check', '--env', 'prod', '--from', base, '--intent', 'x'], repo.dir);
    assert.equal(code, 0);
    const transitive = json.findings.filter((f) => f.rule === 'deps/transitive-change');
    assert.deepEqual(transitive.map((f) => [f.service, f.key, f.severity, f.location?.file]), [['api', 'ms', 'warn', 'services/api/package-lock.json']]);
  });

  test('a major bump (yarn classic) is a deps/major-change, and its transitive moves are explained', () => {
    const { repo, base } = release('yarn-classic', 'major-bump', 'yarn.lock');
    const { json } = runJson<Json>(['check', '--env', 'prod', '--from', base, '--intent', 'x'], repo.dir);
    assert.deepEqual(json.findings.filter((f) => f.rule === 'deps/major-change').map((f) => [f.service, f.key]), [['api', 'chalk']]);
    assert.deepEqual(json.findings.filter((f) => f.rule === 'deps/transitive-change'), []);
  });

  test('a minor bump (pnpm) moves transitive packages, all explained by the direct change', () => {
    const { repo, base } = release('pnpm', 'minor-bump', 'pnpm-lock.yaml');
    const changes = runJson<ChangesJson>(['changes', '--env', 'prod', '--from', base], repo.dir).json;
    const deps = changes.services[0]!.deps;
    const express = deps.find((d) => d.name === 'express')!;
    assert.deepEqual([express.from, express.to, express.direct, express.semver], ['4.17.1', '4.18.2', true, 'minor']);
    assert.ok(deps.filter((d) => !d.direct).length >= 10);
    assert.ok(deps.every((d) => d.explained));
  });

  test('a lockfile that does not parse at the target is a located problem, exit 2', () => {
    const { repo, base } = release('npm', 'transitive-only', 'package-lock.json');
    repo.write({ 'services/api/package-lock.json': '{ "lockfileVersion": 3, "packages": {\n' });
    repo.commit('broken lockfile');
    const { code, json } = runJson<Json>(['check', '--env', 'prod', '--from', base], repo.dir);
    assert.equal(code, 2);
    assert.equal(json.findings[0]?.location?.file, 'services/api/package-lock.json');
    assert.ok((json.findings[0]?.location?.line ?? 0) >= 1);
  });
});

describe('tranche deps', () => {
  test('lists each package with the versions the fleet resolves it to, and which services use each', () => {
    const repo = new GitRepo({
      'tranche.yaml': MANIFEST,
      ...lockfiles('npm', 'major-bump', 'before', 'package-lock.json', 'services/api'),
      ...lockfiles('npm', 'major-bump', 'after', 'package-lock.json', 'services/web'),
    });
    repos.push(repo);
    repo.commit('two services, two chalks');
    const { code, json } = runJson<{ packages: { name: string; versions: { version: string; services: string[] }[] }[]; findings: { rule: string; key?: string; severity: string }[] }>(['deps'], repo.dir);
    assert.equal(code, 0);
    const chalk = json.packages.find((p) => p.name === 'chalk')!;
    assert.deepEqual(chalk.versions.map((v) => [v.version, v.services]), [['4.1.2', ['api']], ['5.3.0', ['web']]]);
    const debug = json.packages.find((p) => p.name === 'debug')!;
    assert.deepEqual(debug.versions.map((v) => v.services), [['api', 'web']]);
    assert.deepEqual(json.findings.map((f) => [f.rule, f.key, f.severity]), [['deps/divergence', 'chalk', 'info']]);
    const all = runJson<{ packages: unknown[] }>(['deps', '--all'], repo.dir).json;
    assert.ok(all.packages.length > json.packages.length);
  });
});
