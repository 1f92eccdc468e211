import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';
import { EXEC_MANIFEST, execFleet } from './exec-fleet.js';

// Repositories as people have them: shallow CI clones, a tag and a branch of one name, submodules,
// a fleet in a directory of a larger repository.

const repos: GitRepo[] = [];
const dirs: string[] = [];
after(() => {
  repos.forEach((r) => r.dispose());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('git as it is', () => {
  test('a shallow clone says it is shallow, and how much history a ref needs', () => {
    const fleet = execFleet(repos);
    fleet.commit('two', { 'services/a/index.js': 'a v2\n' });
    fleet.commit('three', { 'services/a/index.js': 'a v3\n' });
    const clone = mkdtempSync(join(tmpdir(), 'tranche-shallow-'));
    dirs.push(clone);
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${fleet.repo.dir}`, clone]);
    const result = runCli(['check', '--env', 'dev', '--from', 'HEAD~2'], clone);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /unknown revision "HEAD~2": this clone is shallow: HEAD has 1 commit of history here and HEAD~2 needs 3; run git fetch --deepen=2 \(or git fetch --unshallow\)/,
    );
    const sha = runCli(['check', '--env', 'dev', '--from', fleet.v1], clone);
    assert.equal(sha.code, 2);
    assert.match(sha.stderr, new RegExp(`unknown revision "${fleet.v1}": it is not in this clone, which is shallow .*git fetch --unshallow`));
  });

  test('a name that is both a tag and a branch of different commits is refused, both named', () => {
    const fleet = execFleet(repos);
    fleet.repo.git('tag', 'release');
    fleet.commit('two', { 'services/a/index.js': 'a v2\n' });
    fleet.repo.git('branch', 'release');
    const result = runCli(['check', '--env', 'dev', '--to', 'release'], fleet.repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /revision "release" is ambiguous: it names refs\/(tags|heads)\/release \([0-9a-f]{7}\) and refs\/(tags|heads)\/release \([0-9a-f]{7}\); say which: (tags|heads)\/release or (tags|heads)\/release/,
    );
    assert.equal(runCli(['check', '--env', 'dev', '--to', 'tags/release'], fleet.repo.dir).code, 0);
  });

  test('a service that is a git submodule is unsupported input: a located message, exit 2, nothing touched', () => {
    const inner = new GitRepo({ 'index.js': 'inner\n' });
    repos.push(inner);
    inner.commit('inner');
    const fleet = execFleet(repos);
    fleet.repo.git('rm', '-r', '-q', 'services/c');
    fleet.repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner.dir, 'services/c');
    fleet.commit('c is a submodule now', {});
    for (const command of [['validate'], ['check', '--env', 'dev'], ['changes', '--env', 'dev', '--from', fleet.v1], ['plan', '--env', 'dev']]) {
      const result = runCli(command, fleet.repo.dir);
      assert.equal(result.code, 2, `${command.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(
        result.stderr,
        /tranche\.yaml:\d+:\d+: the path of service c, services\/c is a git submodule \(at [0-9a-f]{7}\): tranche reads a fleet from one repository/,
        command.join(' '),
      );
      assert.doesNotMatch(result.stderr, /internal error/);
    }
  });

  test('a fleet in a directory of a larger repository: found upward, paths relative to it, the rest of the repository ignored', () => {
    const mono = new GitRepo({ 'README.md': 'monorepo\n', 'apps/web/index.js': 'web\n' });
    repos.push(mono);
    const before = mono.commit('before the fleet');
    mono.write({
      'deploy/fleet/tranche.yaml': EXEC_MANIFEST,
      'deploy/fleet/services/a/index.js': 'a v1\n',
      'deploy/fleet/services/b/index.js': 'b v1\n',
      'deploy/fleet/services/c/index.js': 'c v1\n',
      'deploy/fleet/.gitignore': '.tranche/\n',
    });
    const v1 = mono.commit('v1');
    // A merge whose own edit is in the fleet, and whose branches also touch the rest of the repository.
    mono.git('checkout', '-q', '-b', 'feature');
    mono.write({ 'deploy/fleet/services/a/index.js': 'a v2\n', 'apps/web/index.js': 'web v2\n' }).commit('a and the web app');
    mono.git('checkout', '-q', 'main');
    mono.write({ 'README.md': 'monorepo v2\n' }).commit('docs');
    mono.git('merge', '-q', '--no-ff', '--no-commit', 'feature');
    mono.write({ 'deploy/fleet/services/b/index.js': 'b edited while merging\n', 'apps/web/index.js': 'web edited while merging\n' });
    const merge = mono.commit('merge feature');

    const inside = join(mono.dir, 'deploy', 'fleet', 'services', 'b');
    const changes = runCli(['changes', '--env', 'dev', '--from', v1, '--json'], inside);
    assert.equal(changes.code, 0, changes.stderr);
    const json = JSON.parse(changes.stdout) as {
      services: { service: string; files: { path: string }[]; commits: { sha: string; files: string[] }[] }[];
      unowned: string[];
    };
    assert.deepEqual(
      json.services.map((s) => [s.service, s.files.map((f) => f.path)]),
      [
        ['a', ['services/a/index.js']],
        ['b', ['services/b/index.js']],
      ],
    );
    assert.deepEqual(
      json.services.find((s) => s.service === 'b')!.commits.map((c) => [c.sha, c.files]),
      [[merge, ['services/b/index.js']]],
    );
    assert.deepEqual(json.unowned, [], "files outside the fleet are not the fleet's");

    // A commit from before the fleet existed is no fleet: unusable input, not a crash.
    const early = runCli(['check', '--env', 'dev', '--from', before], inside);
    assert.equal(early.code, 2, early.stdout + early.stderr);
    assert.match(early.stderr, /there is no tranche\.yaml/);

    const apply = runCli(['apply', '--env', 'dev', '--yes', '--intent', 'first', '--fleet', join(mono.dir, 'deploy', 'fleet')], mono.dir);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    mono.write({ 'deploy/fleet/services/a/index.js': 'a uncommitted\n', 'apps/web/index.js': 'web uncommitted\n' });
    const check = runCli(['check', '--env', 'dev', '--json'], inside);
    const findings = (JSON.parse(check.stdout) as { findings: { rule: string; service?: string; location?: { file: string } }[] }).findings;
    assert.deepEqual(
      findings.filter((f) => f.rule === 'change/uncommitted').map((f) => [f.service, f.location?.file]),
      [['a', 'services/a/index.js']],
    );
  });

  test("a baseline from before tranche.yaml is read with the target's: services not there yet are new, sources not there yet are empty", () => {
    const repo = new GitRepo({ 'services/a/index.js': 'a v1\n', 'services/b/index.js': 'b v1\n' });
    repos.push(repo);
    repo.git('tag', 'v1', repo.commit('before tranche'));
    // The fleet is described later: c is new, and b's dev config file appears only now (a required source).
    const manifest = EXEC_MANIFEST.replace(/config\/\{env\}\.yaml\n {10}optional: true/g, (m, offset: number) =>
      EXEC_MANIFEST.indexOf('services/b') < offset && offset < EXEC_MANIFEST.indexOf('services/c') ? 'config/{env}.yaml' : m,
    );
    assert.notEqual(manifest, EXEC_MANIFEST);
    repo
      .write({
        'tranche.yaml': manifest,
        '.gitignore': '.tranche/\n',
        'services/c/index.js': 'c v1\n',
        'services/b/config/dev.yaml': 'LOG_LEVEL: debug\n',
        'services/b/config/prod.yaml': 'LOG_LEVEL: warn\n',
      })
      .commit('describe the fleet');
    const changes = runCli(['changes', '--env', 'dev', '--from', 'v1', '--json'], repo.dir);
    assert.equal(changes.code, 0, changes.stdout + changes.stderr);
    const json = JSON.parse(changes.stdout) as {
      services: { service: string; new?: boolean; configKeys: { key: string; from: string | null; to: string | null }[] }[];
      notes: string[];
    };
    assert.deepEqual(json.notes, [`v1 (${repo.git('rev-parse', '--short=7', 'v1')}) has no tranche.yaml: it is read with the target's; c is not there`]);
    const b = json.services.find((s) => s.service === 'b')!;
    assert.deepEqual(
      b.configKeys.map((k) => [k.key, k.from, k.to]),
      [['LOG_LEVEL', 'info', 'debug']],
      'the default before, the new file now',
    );
    const plan = runCli(['plan', '--env', 'dev', '--from', 'v1'], repo.dir);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /note: v1 \([0-9a-f]{7}\) has no tranche\.yaml: it is read with the target's; c is not there/);
    assert.match(plan.stdout, /\bc\b.*\bnew\b/);
  });

  test('a fleet moved into a directory: what runs from before the move cannot be read there, and says so', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(['apply', '--env', 'dev', '--yes', '--intent', 'x']).code, 0);
    const dir = fleet.repo.dir;
    execFileSync('sh', ['-c', 'mkdir -p ops/fleet && git mv tranche.yaml services .gitignore ops/fleet/ && mv .tranche ops/fleet/'], { cwd: dir });
    fleet.repo.commit('the fleet moves into ops/fleet');
    const check = runCli(['check', '--env', 'dev', '--json'], join(dir, 'ops', 'fleet'));
    assert.equal(check.code, 1, check.stdout + check.stderr);
    const unreadable = (JSON.parse(check.stdout) as { findings: { rule: string; message: string }[] }).findings.filter((f) => f.rule === 'change/unreadable');
    assert.equal(unreadable.length, 1);
    assert.match(unreadable[0]!.message, /what a, b, c run in dev \([0-9a-f]{7}\) cannot be read: there is no tranche\.yaml/);
  });
});
