import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { GitRepo } from '../support/git-repo.js';
import { BIN } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { EXEC_MANIFEST, execFleet } from './exec-fleet.js';

// tranche adopt: a fleet that ran before tranche records what runs, deploying nothing, and the
// first release compares with it.

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

interface Status {
  services: { service: string; commit: string; releaseId: string }[];
  release: { id: string; kind: string; status: string; summary: string } | null;
  next?: string;
}
interface History {
  releases: { id: string; kind: string; status: string; summary?: string }[];
}
interface Plan {
  batches: { steps: { service: string; change: string }[] }[];
  unchanged: string[];
}

describe('tranche adopt', () => {
  test('records what runs at a ref without deploying; the next plan starts from it; status and history say it was an adoption', () => {
    const fleet = execFleet(repos);
    const adopt = fleet.json<{ status: string; releaseId: string; recorded: { service: string; commit: string; ref: string }[] }>([
      'adopt',
      '--env',
      'dev',
      '--at',
      fleet.v1,
      '--yes',
    ]);
    assert.equal(adopt.code, 0, adopt.stderr);
    assert.equal(adopt.json.status, 'adopted');
    assert.deepEqual(
      adopt.json.recorded.map((r) => [r.service, r.commit]),
      ['a', 'b', 'c'].map((s) => [s, fleet.v1]),
    );
    assert.deepEqual(fleet.deployed(), { a: fleet.v1, b: fleet.v1, c: fleet.v1 });

    const status = fleet.json<Status>(['status', '--env', 'dev']).json;
    assert.deepEqual([status.release?.kind, status.release?.status], ['adoption', 'succeeded']);
    assert.match(status.release!.summary, /^adopted 3 services as they run \(nothing deployed\): a, b, c at [0-9a-f]{7}$/);
    assert.match(fleet.run(['status', '--env', 'dev']).stdout, /latest record \(adoption\) dev-\S+: succeeded/);
    const history = fleet.run(['history']);
    assert.match(history.stdout, /succeeded \(adoption\).*adopted 3 services/);

    // The first release carries only what changed since what runs.
    fleet.commit('a moves', { 'services/a/index.js': 'a v2\n' });
    const plan = fleet.json<Plan>(['plan', '--env', 'dev']).json;
    assert.deepEqual(
      plan.batches.flatMap((b) => b.steps.map((s) => [s.service, s.change])),
      [['a', 'code']],
    );
    assert.deepEqual(plan.unchanged.sort(), ['b', 'c']);
    const apply = fleet.run(['apply', '--env', 'dev', '--yes', '--intent', 'a v2']);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);

    // An adoption deploys nothing, so there is nothing to roll back; the release after it rolls back to it.
    const releases = fleet.json<History>(['history']).json.releases;
    assert.deepEqual(
      releases.map((r) => r.kind),
      ['release', 'adoption'],
    );
    const rollbackAdoption = fleet.run(['rollback', '--env', 'dev', '--release', releases[1]!.id, '--yes']);
    assert.equal(rollbackAdoption.code, 1);
    assert.match(rollbackAdoption.stdout, /is an adoption \(it recorded what ran; it deployed nothing\): nothing to roll back/);
    assert.equal(fleet.run(['rollback', '--env', 'dev', '--yes']).code, 0);
    assert.deepEqual(fleet.deployed(), { a: fleet.v1, b: fleet.v1, c: fleet.v1 });
  });

  test("a commit from before tranche.yaml is read with HEAD's; a service not there yet is not recorded; --service pins one service", () => {
    const repo = new GitRepo({ 'services/a/index.js': 'a v0\n', 'services/b/index.js': 'b v0\n' });
    repos.push(repo);
    const v0 = repo.commit('before tranche');
    repo.git('tag', 'v0', v0);
    repo.write({ 'services/b/index.js': 'b hotfix\n' });
    const hotfix = repo.commit('b hotfix, deployed by hand');
    repo
      .write({ 'tranche.yaml': EXEC_MANIFEST, '.gitignore': '.tranche/\n', 'services/a/index.js': 'a v1\n', 'services/c/index.js': 'c v1\n' })
      .commit('describe the fleet, a moves on');

    const adopt = runCli(['adopt', '--env', 'prod', '--at', 'v0', '--service', `b=${hotfix}`, '--yes', '--json'], repo.dir);
    assert.equal(adopt.code, 0, adopt.stderr);
    const json = JSON.parse(adopt.stdout) as { recorded: { service: string; commit: string; ref: string }[]; absent: string[]; notes: string[] };
    assert.deepEqual(
      json.recorded.map((r) => [r.service, r.commit]),
      [
        ['a', v0],
        ['b', hotfix],
      ],
    );
    assert.deepEqual(json.absent, ['c']);
    assert.deepEqual(json.notes, [
      `v0 (${v0.slice(0, 7)}) has no tranche.yaml: it is read with the target's; c is not there`,
      `${hotfix} (${hotfix.slice(0, 7)}) has no tranche.yaml: it is read with the target's; c is not there`,
      'c is not at v0: not recorded (new in the next release)',
    ]);
    const plan = JSON.parse(runCli(['plan', '--env', 'prod', '--json'], repo.dir).stdout) as Plan;
    assert.deepEqual(
      plan.batches.flatMap((b) => b.steps.map((s) => [s.service, s.change])).sort(),
      [
        ['a', 'code'],
        ['c', 'new'],
      ],
      'b runs its hotfix, which HEAD has',
    );
  });

  test('unusable input is refused with exit 2 and creates no state store', () => {
    const fleet = execFleet(repos);
    const cases: [string[], RegExp][] = [
      [['adopt', '--env', 'dev', '--yes'], /adopt: say what runs: --at REF for every service, --service S=REF for one/],
      [['adopt', '--env', 'dev', '--at', 'nope', '--yes'], /nope/],
      [['adopt', '--env', 'dev', '--service', 'x=HEAD', '--yes'], /unknown service "x"; the fleet has a, b, c/],
      [['adopt', '--env', 'dev', '--service', 'a', '--yes'], /--service takes SERVICE=REF, not "a"/],
      [['adopt', '--env', 'dev', '--service', 'a=HEAD', '--service', 'a=HEAD~0^{commit}x', '--yes'], /--service a is given twice/],
      [['adopt', '--env', 'nowhere', '--at', 'HEAD', '--yes'], /nowhere/],
      [['adopt', '--env', 'dev', '--at', 'HEAD'], /pass --yes to confirm/],
    ];
    for (const [args, message] of cases) {
      const result = fleet.run(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.doesNotMatch(result.stderr, /internal error| {4}at /);
    }
    assert.equal(existsSync(join(fleet.repo.dir, '.tranche', 'state.db')), false, 'nothing was recorded anywhere');
    const help = fleet.run(['adopt', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--service S=REF +the commit service S runs \(repeatable\)/);
  });

  test('a service recorded at another version is refused unless --replace; adopting what is recorded is nothing to do', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(['apply', '--env', 'dev', '--yes', '--intent', 'v1']).code, 0);
    const v2 = fleet.commit('b hotfix', { 'services/b/index.js': 'b hotfix\n' });
    const same = fleet.json<{ status: string }>(['adopt', '--env', 'dev', '--at', fleet.v1, '--yes']);
    assert.deepEqual([same.code, same.json.status], [0, 'nothing-to-do']);

    const refused = fleet.run(['adopt', '--env', 'dev', '--service', `b=${v2}`, '--yes']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`b: recorded at ${fleet.v1.slice(0, 7)}, adopting ${v2.slice(0, 7)}`));
    assert.match(refused.stderr, /pass --replace/);
    assert.deepEqual(fleet.deployed(), { a: fleet.v1, b: fleet.v1, c: fleet.v1 });

    const replaced = fleet.json<{ recorded: { service: string }[] }>(['adopt', '--env', 'dev', '--service', `b=${v2}`, '--replace', '--yes']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual(
      replaced.json.recorded.map((r) => r.service),
      ['b'],
    );
    assert.deepEqual(fleet.deployed(), { a: fleet.v1, b: v2, c: fleet.v1 });
  });

  test('killed mid-way: status says so, resume points to adopt, and adopting again with --break-lock supersedes it', async () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(['adopt', '--env', 'dev', '--service', `a=${fleet.v1}`, '--yes']).code, 0, 'creates the state store');
    const db = new Database(join(fleet.repo.dir, '.tranche', 'state.db'));
    try {
      // A write to b's step spins inside tranche's transaction: kill -9 lands after a's step and before b's.
      db.exec('CREATE TABLE spin (n INTEGER)');
      const insert = db.prepare('INSERT INTO spin (n) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 1500; i++) insert.run(i);
      })();
      db.exec(
        "CREATE TRIGGER pin BEFORE INSERT ON journal WHEN NEW.kind = 'adopt' AND NEW.service = 'c' BEGIN SELECT count(*) FROM spin a, spin b, spin c; END",
      );
      const v2 = fleet.commit('v2', { 'services/a/index.js': 'a v2\n', 'services/b/index.js': 'b v2\n', 'services/c/index.js': 'c v2\n' });
      const child = spawn(process.execPath, [BIN, 'adopt', '--env', 'dev', '--at', v2, '--replace', '--yes'], { cwd: fleet.repo.dir, stdio: 'ignore' });
      const journaled = () => (db.prepare("SELECT count(*) AS n FROM journal WHERE kind = 'adopt' AND service = 'b'").get() as { n: number }).n;
      for (let i = 0; i < 400 && journaled() === 0; i++) await sleep(25);
      assert.equal(journaled(), 1, 'b was recorded before the kill');
      await sleep(100);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      db.exec('DROP TRIGGER pin');

      assert.deepEqual(fleet.deployed(), { a: v2, b: v2 }, 'each step is written with its state: c was never half-recorded');
      const status = fleet.json<Status>(['status', '--env', 'dev']).json;
      assert.deepEqual([status.release?.kind, status.release?.status], ['adoption', 'running']);
      assert.match(status.next ?? '', /tranche died during adoption \S+: run the same tranche adopt again with --break-lock/);
      const locked = fleet.run(['adopt', '--env', 'dev', '--at', v2, '--replace', '--yes']);
      assert.equal(locked.code, 1, locked.stderr);
      assert.match(locked.stderr, /no longer running: run again with --break-lock/);
      // resume chooses the release under the lock: --break-lock takes the dead holder's over first.
      const resume = fleet.run(['resume', '--env', 'dev', '--yes', '--break-lock']);
      assert.equal(resume.code, 2);
      assert.match(resume.stderr, /is an adoption, interrupted before it finished; run the same tranche adopt again/);
      const again = fleet.json<{ recorded: { service: string }[]; kept: string[]; superseded: string }>([
        'adopt',
        '--env',
        'dev',
        '--at',
        v2,
        '--replace',
        '--yes',
        '--break-lock',
      ]);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual([again.json.recorded.map((r) => r.service), again.json.kept], [['c'], ['a', 'b']]);
      assert.equal(again.json.superseded, status.release!.id);
      assert.deepEqual(fleet.deployed(), { a: v2, b: v2, c: v2 });
      const history = fleet.json<History>(['history']).json.releases;
      assert.deepEqual(
        history.map((r) => [r.kind, r.status]),
        [
          ['adoption', 'succeeded'],
          ['adoption', 'failed'],
          ['adoption', 'succeeded'],
        ],
      );
    } finally {
      db.close();
    }
  });
});
