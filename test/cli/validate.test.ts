import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { FIXTURES } from '../support/paths.js';
import { runCli, runJson } from '../support/run-cli.js';

const CASES = join(FIXTURES, 'manifest-errors');
const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fixtureRepo(name: string): GitRepo {
  const repo = new GitRepo();
  repos.push(repo);
  cpSync(join(CASES, name), repo.dir, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
  repo.commit('fixture');
  return repo;
}

describe('tranche validate on manifest mistakes', () => {
  const cases = readdirSync(CASES).sort();
  test('has a fixture for every kind of mistake', () => assert.ok(cases.length >= 20));

  for (const name of cases) {
    test(`${name}: reports every problem at FILE:LINE:COL, exits 2, no stack trace`, () => {
      const repo = fixtureRepo(name);
      const expected = readFileSync(join(CASES, name, 'expected.txt'), 'utf8')
        .trim()
        .split('\n');
      const result = runCli(['validate'], repo.dir);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      const located = result.stderr.split('\n').filter((l) => /^[\w./-]+:\d+:\d+: /.test(l));
      assert.deepEqual(located, expected);
      assert.match(result.stderr, new RegExp(`${expected.length} problems? in the fleet definition; nothing was touched`));
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n|internal error/);
    });
  }

  test('--json prints the problems as manifest/invalid findings with locations', () => {
    const repo = fixtureRepo('many-problems');
    const { code, json } = runJson<{ findings: { rule: string; location: { file: string; line: number } }[] }>(['validate'], repo.dir);
    assert.equal(code, 2);
    assert.equal(json.findings.length, 4);
    assert.ok(json.findings.every((f) => f.rule === 'manifest/invalid' && f.location.file === 'tranche.yaml' && f.location.line > 0));
  });
});

describe('tranche validate on a valid fleet', () => {
  const manifest = readFileSync(join(CASES, 'unknown-key', 'tranche.yaml'), 'utf8').replace('    dependson: []\n', '');

  test('says so and exits 0', () => {
    const repo = new GitRepo({ 'tranche.yaml': manifest, 'services/orders/x': '' });
    repos.push(repo);
    repo.commit();
    const result = runCli(['validate'], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /tranche.yaml is valid .*1 service/);
  });

  test('reads the working tree by default and a commit with --ref', () => {
    const repo = new GitRepo({ 'tranche.yaml': manifest, 'services/orders/x': '' });
    repos.push(repo);
    repo.commit();
    repo.write({ 'tranche.yaml': manifest.replace('driver: local', 'driver: locl') });
    assert.equal(runCli(['validate'], repo.dir).code, 2);
    assert.equal(runCli(['validate', '--ref', 'HEAD'], repo.dir).code, 0);
  });

  test('finds the fleet from a subdirectory, or with --fleet before or after the command', () => {
    const repo = new GitRepo({ 'tranche.yaml': manifest, 'services/orders/x': '' });
    repos.push(repo);
    repo.commit();
    assert.equal(runCli(['validate'], join(repo.dir, 'services/orders')).code, 0);
    assert.equal(runCli(['--fleet', repo.dir, 'validate'], '/').code, 0);
    assert.equal(runCli(['validate', '--fleet', repo.dir], '/').code, 0);
  });

  test('a ref that names no commit is an input error naming the ref', () => {
    const repo = new GitRepo({ 'tranche.yaml': manifest, 'services/orders/x': '' });
    repos.push(repo);
    repo.commit();
    const result = runCli(['validate', '--ref', 'no-such-branch'], repo.dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown revision "no-such-branch"/);
    const injected = runCli(['validate', '--ref', '--output=/tmp/x'], repo.dir);
    assert.equal(injected.code, 2);
  });
});
