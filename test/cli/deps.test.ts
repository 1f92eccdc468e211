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
  findings: { rule: string; severity: string; service?: string; key?: string; message: string; location?: { file: string; line?: number } }[];
}
interface ChangesJson {
  services: {
    service: string;
    kinds: string[];
    deps: { name: string; from?: string; to?: string; direct: boolean; explained: boolean; semver?: string; lockfile: string; dev?: boolean }[];
  }[];
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
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.kinds]),
      [['api', ['deps']]],
    );
    const ms = changes.services[0]!.deps.find((d) => d.name === 'ms')!;
    assert.deepEqual([ms.from, ms.to, ms.direct, ms.explained, ms.lockfile], ['2.1.2', '2.1.3', false, false, 'services/api/package-lock.json']);
    const { code, json } = runJson<Json>(['check', '--env', 'prod', '--from', base, '--intent', 'x'], repo.dir);
    assert.equal(code, 0);
    const transitive = json.findings.filter((f) => f.rule === 'deps/transitive-change');
    assert.deepEqual(
      transitive.map((f) => [f.service, f.key, f.severity, f.location?.file]),
      [['api', 'ms', 'warn', 'services/api/package-lock.json']],
    );
  });

  test('a major bump (yarn classic) is a deps/major-change, and its transitive moves are explained', () => {
    const { repo, base } = release('yarn-classic', 'major-bump', 'yarn.lock');
    const { json } = runJson<Json>(['check', '--env', 'prod', '--from', base, '--intent', 'x'], repo.dir);
    assert.deepEqual(
      json.findings.filter((f) => f.rule === 'deps/major-change').map((f) => [f.service, f.key]),
      [['api', 'chalk']],
    );
    assert.deepEqual(
      json.findings.filter((f) => f.rule === 'deps/transitive-change'),
      [],
    );
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
    const { code, json } = runJson<{
      packages: { name: string; versions: { version: string; services: string[] }[] }[];
      findings: { rule: string; key?: string; severity: string }[];
    }>(['deps'], repo.dir);
    assert.equal(code, 0);
    const chalk = json.packages.find((p) => p.name === 'chalk')!;
    assert.deepEqual(
      chalk.versions.map((v) => [v.version, v.services]),
      [
        ['4.1.2', ['api']],
        ['5.3.0', ['web']],
      ],
    );
    const debug = json.packages.find((p) => p.name === 'debug')!;
    assert.deepEqual(
      debug.versions.map((v) => v.services),
      [['api', 'web']],
    );
    assert.deepEqual(
      json.findings.map((f) => [f.rule, f.key, f.severity]),
      [['deps/divergence', 'chalk', 'info']],
    );
    const all = runJson<{ packages: unknown[] }>(['deps', '--all'], repo.dir).json;
    assert.ok(all.packages.length > json.packages.length);
  });
});

/** A package-lock.json (lockfileVersion 3) as npm writes it, from `name → {version, dev?, dependencies?}` under node_modules. */
function npmLock(
  name: string,
  root: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
  packages: Record<string, { version: string; dev?: true; dependencies?: Record<string, string> }>,
): string {
  const entries: Record<string, unknown> = { '': { name, version: '1.0.0', ...root } };
  for (const [pkg, entry] of Object.entries(packages))
    entries[`node_modules/${pkg}`] = { ...entry, resolved: `https://registry.npmjs.org/${pkg}/-/${pkg}-${entry.version}.tgz`, integrity: 'sha512-AAAA' };
  return `${JSON.stringify({ name, version: '1.0.0', lockfileVersion: 3, requires: true, packages: entries }, null, 2)}\n`;
}

describe('dependency findings a user can trust', () => {
  const check = (repo: GitRepo, base: string) => runJson<Json>(['check', '--env', 'prod', '--from', base, '--intent', 'x'], repo.dir).json.findings;

  test('one finding per direct bump, listing what it pulled in; below 1.0 a minor is breaking; development-only dependencies left out', () => {
    const pkg = (deps: Record<string, string>, dev: Record<string, string>) =>
      `${JSON.stringify({ name: 'api', version: '1.0.0', dependencies: deps, devDependencies: dev }, null, 2)}\n`;
    const repo = new GitRepo({
      'tranche.yaml': MANIFEST,
      'services/web/index.js': '1\n',
      'services/api/package.json': pkg({ 'socket.io': '^2.5.0', tinylib: '^0.3.0' }, { mocha: '^9.0.0' }),
      'services/api/package-lock.json': npmLock(
        'api',
        { dependencies: { 'socket.io': '^2.5.0', tinylib: '^0.3.0' }, devDependencies: { mocha: '^9.0.0' } },
        {
          'socket.io': { version: '2.5.0', dependencies: { 'engine.io': '~3.6.0', ws: '~7.4.2' } },
          'engine.io': { version: '3.6.1' },
          ws: { version: '7.4.6' },
          tinylib: { version: '0.3.1' },
          mocha: { version: '9.2.2', dev: true, dependencies: { chai: '^4.0.0' } },
          chai: { version: '4.3.0', dev: true },
        },
      ),
    });
    repos.push(repo);
    const base = repo.commit('before');
    repo.write({
      'services/api/package.json': pkg({ 'socket.io': '^4.7.2', tinylib: '^0.4.0' }, { mocha: '^10.0.0' }),
      'services/api/package-lock.json': npmLock(
        'api',
        { dependencies: { 'socket.io': '^4.7.2', tinylib: '^0.4.0' }, devDependencies: { mocha: '^10.0.0' } },
        {
          'socket.io': { version: '4.7.2', dependencies: { 'engine.io': '~6.5.2', ws: '~8.11.0' } },
          'engine.io': { version: '6.5.2' },
          ws: { version: '8.11.0' },
          tinylib: { version: '0.4.0' },
          mocha: { version: '10.2.0', dev: true, dependencies: { chai: '^5.0.0' } },
          chai: { version: '5.0.0', dev: true },
        },
      ),
    });
    repo.commit('bumps');
    const findings = check(repo, base).filter((f) => f.rule.startsWith('deps/'));
    assert.deepEqual(
      findings.map((f) => [f.rule, f.key, f.message]),
      [
        [
          'deps/major-change',
          'socket.io',
          'socket.io moves to a new major version, 2.5.0 → 4.7.2; with it 2 packages it pulls in move: engine.io 3.6.1 → 6.5.2 (major), ws 7.4.6 → 8.11.0 (major)',
        ],
        ['deps/major-change', 'tinylib', 'tinylib moves 0.3.1 → 0.4.0: below 1.0 that may break callers, as a new major would'],
      ],
      'mocha and chai are development only',
    );
    const changes = runJson<ChangesJson>(['changes', '--env', 'prod', '--from', base], repo.dir).json;
    assert.deepEqual(
      changes.services[0]!.deps.filter((d) => d.dev).map((d) => d.name),
      ['chai', 'mocha'],
      'shown, marked',
    );
    const deps = runJson<{ packages: { name: string }[] }>(['deps'], repo.dir).json.packages.map((p) => p.name);
    assert.deepEqual(deps, ['socket.io', 'tinylib']);
    assert.deepEqual(
      runJson<{ packages: { name: string }[] }>(['deps', '--dev'], repo.dir).json.packages.map((p) => p.name),
      ['mocha', 'socket.io', 'tinylib'],
    );
  });

  test('go: what go.mod selects, direct unless // indirect; go.sum keeping older versions is no divergence and no change', () => {
    const goMod = (grpc: string, x: string) =>
      `module example.com/api\n\ngo 1.22\n\nrequire (\n\tgoogle.golang.org/grpc ${grpc}\n\tgithub.com/pkg/errors v0.9.1\n)\n\nrequire golang.org/x/net ${x} // indirect\n`;
    const goSum = (lines: string[]) => lines.map((l) => `${l} h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n`).join('');
    const repo = new GitRepo({
      'tranche.yaml': MANIFEST,
      'services/web/index.js': '1\n',
      'services/api/go.mod': goMod('v1.62.0', 'v0.21.0'),
      'services/api/go.sum': goSum(['google.golang.org/grpc v1.62.0', 'github.com/pkg/errors v0.9.1', 'golang.org/x/net v0.21.0']),
    });
    repos.push(repo);
    const base = repo.commit('before');
    repo.write({
      'services/api/go.mod': goMod('v1.63.2', 'v0.24.0'),
      'services/api/go.sum': goSum([
        'google.golang.org/grpc v1.62.0',
        'google.golang.org/grpc v1.63.2',
        'github.com/pkg/errors v0.9.1',
        'golang.org/x/net v0.21.0',
        'golang.org/x/net v0.22.0',
        'golang.org/x/net v0.24.0',
      ]),
    });
    repo.commit('grpc');
    const changes = runJson<ChangesJson>(['changes', '--env', 'prod', '--from', base], repo.dir).json;
    assert.deepEqual(
      changes.services[0]!.deps.map((d) => [d.name, d.from, d.to, d.direct, d.lockfile]),
      [
        ['golang.org/x/net', 'v0.21.0', 'v0.24.0', false, 'services/api/go.mod'],
        ['google.golang.org/grpc', 'v1.62.0', 'v1.63.2', true, 'services/api/go.mod'],
      ],
    );
    // x/net is below 1.0: its minor move may break, and go.mod cannot say which direct move brought it: said once for the file.
    assert.deepEqual(
      check(repo, base)
        .filter((f) => f.rule.startsWith('deps/'))
        .map((f) => [f.rule, f.key, f.message]),
      [
        [
          'deps/major-change',
          'golang.org/x/net',
          'with the direct changes of services/api/go.mod, an indirect dependency moves in a way that may break callers (a new major, or a new minor below 1.0): golang.org/x/net v0.21.0 → v0.24.0',
        ],
      ],
      "grpc's minor bump is no finding; no divergence inside one service",
    );
  });

  test('divergence is one package of one ecosystem across services; a lockfile tranche does not read is said once', () => {
    const repo = new GitRepo({
      'tranche.yaml': MANIFEST,
      'services/api/requirements.txt': 'six==1.15.0\n',
      'services/web/package.json': '{"name":"web","dependencies":{"six":"^1.0.0"}}\n',
      'services/web/package-lock.json': npmLock('web', { dependencies: { six: '^1.0.0' } }, { six: { version: '1.0.0' } }),
      'services/api/poetry.lock': '# v1\n',
    });
    repos.push(repo);
    const base = repo.commit('before');
    repo.write({
      'services/api/requirements.txt': 'six==1.16.0\n',
      'services/web/package-lock.json': npmLock('web', { dependencies: { six: '^1.0.0' } }, { six: { version: '1.0.1' } }),
      'services/api/poetry.lock': '# v2\n',
    });
    repo.commit('six');
    const findings = check(repo, base).filter((f) => f.rule.startsWith('deps/'));
    assert.deepEqual(
      findings.filter((f) => f.rule === 'deps/divergence'),
      [],
      'six of PyPI and six of npm are two packages',
    );
    const unread = findings.filter((f) => f.rule === 'deps/unread-lockfile');
    assert.deepEqual(
      unread.map((f) => [f.service, f.severity, f.location?.file, f.message]),
      [
        [
          'api',
          'info',
          'services/api/poetry.lock',
          'services/api/poetry.lock changes in this release (api), and tranche does not read poetry.lock files: its dependency changes go unchecked',
        ],
      ],
    );
  });
});
