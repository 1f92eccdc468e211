import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { BIN } from '../support/paths.js';
import type { GitRepo } from '../support/git-repo.js';
import { execFleet } from './exec-fleet.js';

// What was checked is what deploys: every command describes a release the same way, each service
// against what it runs — on real git repositories, with real deploys through the exec driver.

interface Finding {
  rule: string;
  severity: string;
  service?: string;
  message: string;
  location?: { file: string; line?: number };
}
interface ServiceChanges {
  service: string;
  from?: { commit: string };
  kinds: string[];
  files: { path: string; status: string; kind: string; from?: string; noEffectHere?: true }[];
  commits: { sha: string; subject: string; files: string[] }[];
  unreadable?: string;
}
interface ChangesJson {
  from?: { commit: string };
  services: ServiceChanges[];
  unowned: string[];
}
interface PlanJson {
  findings: Finding[];
  batches: { kind: string; steps: { service: string; change: string }[] }[];
}

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

const APPLY = ['apply', '--env', 'dev', '--yes', '--intent', 'test'];
const rules = (findings: Finding[]) => findings.map((f) => `${f.rule}${f.service ? ` ${f.service}` : ''}`).sort();

describe('one release definition', () => {
  test('apply --from is no what-if: refused unless every recorded service runs it, so a scope cannot be dodged', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    const v2 = fleet.commit('b: new code', { 'services/b/index.js': 'b v2\n' });

    const scoped = fleet.json<{ status: string; findings: Finding[] }>([...APPLY, '--scope', 'config']);
    assert.equal(scoped.code, 1);
    assert.deepEqual(rules(scoped.json.findings.filter((f) => f.severity === 'error')), ['change/unrelated b']);

    // Every service still runs v1, so --from v1 states the truth and changes nothing.
    const truthful = fleet.run([...APPLY, '--scope', 'config', '--from', fleet.v1]);
    assert.equal(truthful.code, 1, truthful.stdout + truthful.stderr);
    assert.match(truthful.stdout, /change\/unrelated/);

    const dodge = fleet.run([...APPLY, '--scope', 'config', '--from', 'HEAD']);
    assert.equal(dodge.code, 2, dodge.stdout + dodge.stderr);
    assert.match(
      dodge.stderr,
      new RegExp(
        `apply --from HEAD \\(${v2.slice(0, 7)}\\): not every service of dev runs it — a runs ${fleet.v1.slice(0, 7)}, b runs ${fleet.v1.slice(0, 7)}, c runs ${fleet.v1.slice(0, 7)}`,
      ),
    );
    assert.deepEqual(fleet.deployed(), { a: fleet.v1, b: fleet.v1, c: fleet.v1 }, 'nothing was deployed');

    // A plan made from a what-if does not hold for apply: what is recorded is not what it assumed.
    const plan = fleet.run(['plan', '--env', 'dev', '--from', 'HEAD', '-o', 'what-if.json']);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const stale = fleet.run(['apply', '--env', 'dev', '--yes', 'what-if.json']);
    assert.equal(stale.code, 2, stale.stdout + stale.stderr);
    assert.match(
      stale.stderr,
      /the plan in what-if\.json is not the release apply would deploy now; nothing was deployed:\n {2}what runs in dev is not what the plan started from: a at [0-9a-f]{7} \(config [^)]+\) in the plan, at [0-9a-f]{7} \(config [^)]+\) now/,
    );

    // On check, --from is the what-if it says it is.
    const whatIf = fleet.run(['check', '--env', 'dev', '--from', 'HEAD', '--scope', 'config', '--intent', 'x']);
    assert.equal(whatIf.code, 0, whatIf.stdout);
    assert.match(whatIf.stdout, /tranche check: dev, HEAD \([0-9a-f]{7}\) \(as if every service ran it\) → HEAD/);
  });

  test('a config file edited in a service folder is a config change everywhere: freeze check, check, plan, apply — also after a partial release', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    // A partial release: only a changes, so b and c keep running v1.
    const v2 = fleet.commit('a: new code', { 'services/a/index.js': 'a v2\n' });
    assert.equal(fleet.run(APPLY).code, 0);
    assert.deepEqual(fleet.deployed(), { a: v2, b: fleet.v1, c: fleet.v1 });
    const status = fleet.run(['status', '--env', 'dev']);
    assert.match(
      status.stdout,
      new RegExp(`dev: 3 services recorded as deployed, at 2 deployed revisions: ${fleet.v1.slice(0, 7)} \\(2 services\\), ${v2.slice(0, 7)} \\(1 service\\)`),
    );

    assert.equal(fleet.run(['freeze', '--env', 'dev', '--reason', 'migration', '--allow-scope', 'config']).code, 0);
    const v3 = fleet.commit('b: more logs', { 'services/b/config/dev.yaml': 'LOG_LEVEL: debug\n' });

    const ci = fleet.run(['freeze', 'check', '--from', v2, '--to', v3]);
    assert.equal(ci.code, 0, ci.stdout + ci.stderr);
    const check = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--scope', 'config', '--intent', 'more logs']);
    assert.equal(check.code, 0, JSON.stringify(check.json.findings));
    const plan = fleet.json<PlanJson>(['plan', '--env', 'dev', '--scope', 'config', '--intent', 'more logs']);
    assert.deepEqual(
      plan.json.batches.map((b) => [b.kind, b.steps.map((s) => `${s.service} ${s.change}`)]),
      [['config', ['b config']]],
    );
    const changes = fleet.json<ChangesJson>(['changes', '--env', 'dev']).json;
    assert.equal(changes.from, undefined, 'the services run two revisions');
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.from?.commit, s.kinds]),
      [['b', fleet.v1, ['config']]],
    );

    const apply = fleet.run([...APPLY, '--scope', 'config']);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    assert.equal(fleet.deployed().b, v3);

    // A code change is what the freeze forbids, in CI and at apply.
    const v4 = fleet.commit('c: fix', { 'services/c/index.js': 'c v2\n' });
    const frozen = fleet.run(['freeze', 'check', '--from', v3, '--to', v4]);
    assert.equal(frozen.code, 1);
    assert.match(frozen.stdout, /this change touches the code of c; allowed: config/);
    assert.equal(fleet.run(APPLY).code, 1);
  });

  test('a config source the service stops reading, then deletes, is a config change, not code', () => {
    const fleet = execFleet(repos, { 'services/b/config/dev.yaml': 'LOG_LEVEL: debug\n' });
    assert.equal(fleet.run(APPLY).code, 0);
    const manifest = fleet.repo.git('show', 'HEAD:tranche.yaml');
    const b = manifest.indexOf('  b:\n');
    const sources = manifest.indexOf('      sources:\n', b);
    const end = manifest.indexOf('  c:\n', b);
    fleet.repo.git('rm', '-q', 'services/b/config/dev.yaml');
    fleet.commit('b: no config file any more', { 'tranche.yaml': manifest.slice(0, sources) + manifest.slice(end) });
    const changes = fleet.json<ChangesJson>(['changes', '--env', 'dev']).json;
    const bChanges = changes.services.find((s) => s.service === 'b')!;
    assert.deepEqual(
      bChanges.files.map((f) => [f.status, f.path, f.kind]),
      [
        ['D', 'services/b/config/dev.yaml', 'config'],
        ['M', 'tranche.yaml', 'config'],
      ],
    );
    assert.deepEqual(bChanges.kinds, ['config']);
    const check = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--scope', 'config', '--intent', 'x']);
    assert.equal(check.code, 0, JSON.stringify(check.json.findings));
  });

  test("a saved plan is judged on today's findings: an error that appeared since refuses it (exit 2), as new since the plan", () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    fleet.commit('a: v2', { 'services/a/index.js': 'a v2\n' });
    assert.equal(fleet.run(['plan', '--env', 'dev', '--intent', 'x', '-o', '../plan.json']).code, 0);
    fleet.repo.write({ 'services/a/index.js': 'a v2, and a change nobody committed\n' });
    const apply = fleet.run(['apply', '--env', 'dev', '--yes', '../plan.json']);
    assert.equal(apply.code, 2, apply.stdout + apply.stderr);
    assert.match(
      apply.stderr,
      /the plan in \.\.\/plan\.json is not the release apply would deploy now; nothing was deployed:\n {2}error findings now that the plan does not show:\n {4}change\/uncommitted a: /,
    );
    assert.deepEqual(fleet.deployed(), { a: fleet.v1, b: fleet.v1, c: fleet.v1 }, 'nothing was deployed');
  });

  test('a config file of another environment changes nothing in this one', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    fleet.commit('b: prod log level', { 'services/b/config/prod.yaml': 'LOG_LEVEL: warn\n' });
    const changes = fleet.json<ChangesJson>(['changes', '--env', 'dev']).json;
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.kinds, s.files.map((f) => [f.path, f.kind, f.noEffectHere ?? false])]),
      [['b', [], [['services/b/config/prod.yaml', 'config', true]]]],
    );
    const plan = fleet.json<PlanJson>(['plan', '--env', 'dev']).json;
    assert.deepEqual(plan.batches, []);
    assert.equal(fleet.run(['freeze', '--env', 'dev', '--reason', 'no changes at all']).code, 0);
    assert.equal(fleet.run(['freeze', 'check', '--from', fleet.v1]).code, 0, 'dev is frozen, and nothing in dev changes');
  });

  test('a lockfile, or the dependency fields of package.json, are deps; any other edit of package.json is code', () => {
    const pkg = (deps: Record<string, string>, scripts: Record<string, string> = { start: 'node index.js' }) =>
      `${JSON.stringify({ name: 'a', scripts, dependencies: deps }, null, 2)}\n`;
    const fleet = execFleet(repos, {
      'services/a/package.json': pkg({ ms: '2.1.2' }),
      'services/a/go.mod': 'module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n',
    });
    const bump = fleet.commit('bump ms', {
      'services/a/package.json': pkg({ ms: '2.1.3' }),
      'services/a/go.mod': 'module example.com/a\n\ngo 1.22\n\nrequire (\n\texample.com/x v1.1.0 // indirect\n)\n',
    });
    const kinds = (from: string, to: string) =>
      fleet.json<ChangesJson>(['changes', '--env', 'dev', '--from', from, '--to', to]).json.services.map((s) => [s.service, s.kinds]);
    assert.deepEqual(kinds(fleet.v1, bump), [['a', ['deps']]]);
    const scripts = fleet.commit('start differently', { 'services/a/package.json': pkg({ ms: '2.1.3' }, { start: 'node --inspect index.js' }) });
    assert.deepEqual(kinds(bump, scripts), [['a', ['code']]]);
    const goVersion = fleet.commit('go 1.23', { 'services/a/go.mod': 'module example.com/a\n\ngo 1.23\n\nrequire example.com/x v1.1.0\n' });
    assert.deepEqual(kinds(scripts, goVersion), [['a', ['code']]]);
  });

  test('a target that drops a deployed commit is change/reverts-deployed, with the commit named', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    fleet.repo.git('checkout', '-q', '-b', 'hotfix');
    const hotfix = fleet.commit('b: hotfix for the outage', { 'services/b/index.js': 'b v1 + hotfix\n' }, 'Ana');
    assert.equal(fleet.run([...APPLY, '--to', 'hotfix']).code, 0);
    fleet.repo.git('checkout', '-q', 'main');
    fleet.commit('a: feature', { 'services/a/index.js': 'a v2\n' });

    const check = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'feature']);
    assert.equal(check.code, 1);
    const reverts = check.json.findings.filter((f) => f.rule === 'change/reverts-deployed');
    assert.deepEqual(
      reverts.map((f) => [f.service, f.severity, f.location?.file]),
      [['b', 'error', 'services/b/index.js']],
    );
    assert.match(
      reverts[0]!.message,
      new RegExp(`releasing the target would undo ${hotfix.slice(0, 7)} "b: hotfix for the outage" \\(Ana\\) in services/b/index.js`),
    );
    assert.equal(fleet.run(APPLY).code, 1, 'apply refuses it');

    // A cherry-pick of the hotfix into main, then more work on the same file: the hotfix is not undone.
    fleet.repo.git('-c', 'user.name=Ana', '-c', 'user.email=a@example.com', 'cherry-pick', '-x', hotfix);
    fleet.commit('b: more work', { 'services/b/index.js': 'b v1 + hotfix + more\n' });
    const picked = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'feature']);
    assert.deepEqual(
      picked.json.findings.filter((f) => f.rule === 'change/reverts-deployed'),
      [],
    );
    fleet.repo.git('reset', '-q', '--hard', 'HEAD~2');

    // Once main has the hotfix, nothing is undone.
    fleet.repo.git('merge', '-q', '--no-edit', 'hotfix');
    const merged = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'feature']);
    assert.deepEqual(
      merged.json.findings.filter((f) => f.rule === 'change/reverts-deployed'),
      [],
    );
  });

  test("what a merge commit changes itself is the merge commit's, and change/unrelated names it", () => {
    const fleet = execFleet(repos);
    fleet.repo.git('checkout', '-q', '-b', 'feature');
    fleet.commit('a: feature', { 'services/a/index.js': 'a v2\n' });
    fleet.repo.git('checkout', '-q', 'main');
    fleet.commit('c: docs', { 'services/c/README.md': 'c\n' });
    fleet.repo.git('merge', '-q', '--no-ff', '--no-commit', 'feature');
    fleet.repo.write({ 'services/b/index.js': 'b edited while merging\n' });
    const merge = fleet.commit('Merge branch feature', {});

    const changes = fleet.json<ChangesJson>(['changes', '--env', 'dev', '--from', fleet.v1]).json;
    const b = changes.services.find((s) => s.service === 'b')!;
    assert.deepEqual(
      b.commits.map((c) => [c.sha, c.files]),
      [[merge, ['services/b/index.js']]],
    );
    const a = changes.services.find((s) => s.service === 'a')!;
    assert.deepEqual(
      a.commits.map((c) => c.subject),
      ['a: feature'],
      "what the merged branch brought stays its commits'",
    );

    const check = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--from', fleet.v1, '--scope', 'config', '--intent', 'x']);
    const unrelated = check.json.findings.filter((f) => f.rule === 'change/unrelated' && f.service === 'b');
    assert.match(unrelated[0]!.message, new RegExp(`commits ${merge.slice(0, 7)} "Merge branch feature" \\(Test Author\\); files services/b/index.js`));
  });

  test('a service whose path moved keeps its old files: none of them is owned by no service', () => {
    const fleet = execFleet(repos);
    fleet.repo.git('mv', 'services/c', 'services/c-renamed');
    const moved = fleet.commit('move c', {
      'tranche.yaml': fleet.repo.git('show', 'HEAD:tranche.yaml').replace('path: services/c\n', 'path: services/c-renamed\n'),
    });
    const changes = fleet.json<ChangesJson>(['changes', '--env', 'dev', '--from', fleet.v1, '--to', moved]).json;
    assert.deepEqual(changes.unowned, []);
    const c = changes.services.find((s) => s.service === 'c')!;
    assert.deepEqual(
      c.files.filter((f) => f.status === 'R').map((f) => [f.from, f.path]),
      [['services/c/index.js', 'services/c-renamed/index.js']],
    );
    // b moves too, and its dev config changes on the way: its config files stay config, old and new.
    fleet.repo.git('mv', 'services/b', 'services/bee');
    const bee = fleet.commit('move b, and more logs', {
      'tranche.yaml': fleet.repo.git('show', 'HEAD:tranche.yaml').replace('path: services/b\n', 'path: services/bee\n'),
      'services/bee/config/dev.yaml': 'LOG_LEVEL: debug\n',
    });
    const b = fleet.json<ChangesJson>(['changes', '--env', 'dev', '--from', moved, '--to', bee]).json.services.find((s) => s.service === 'b')!;
    assert.deepEqual(
      b.files.filter((f) => f.path.includes('config/')).map((f) => f.kind),
      b.files.filter((f) => f.path.includes('config/')).map(() => 'config'),
    );
    assert.ok(b.files.some((f) => f.path === 'services/bee/config/dev.yaml' || f.from === 'services/b/config/dev.yaml'));
  });

  test('a new service beside deployed ones: the header names what runs, the new one is new', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    const manifest = fleet.repo.git('show', 'HEAD:tranche.yaml');
    const d = manifest
      .slice(manifest.indexOf('  c:\n'))
      .replaceAll('services/c', 'services/d')
      .replace('  c:\n', '  d:\n')
      .replace('7103', '7104')
      .replaceAll('GATE_C', 'GATE_D');
    fleet.commit('add d', { 'tranche.yaml': `${manifest}\n${d}\n`, 'services/d/index.js': 'd v1\n' });
    const text = fleet.run(['changes', '--env', 'dev']).stdout;
    assert.match(text, new RegExp(`tranche changes: dev, deployed \\(${fleet.v1.slice(0, 7)}\\) → HEAD`));
    assert.match(text, /^d — config, code, new in this environment$/m);
  });
});

describe('fail closed', () => {
  test('a deployed commit gone from the repository is change/unreadable, naming it: never "no findings"', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    fleet.repo.git('checkout', '-q', '-b', 'experiment');
    const gone = fleet.commit('b: experiment', { 'services/b/index.js': 'b experiment\n' });
    assert.equal(fleet.run([...APPLY, '--to', 'experiment']).code, 0);
    fleet.repo.git('checkout', '-q', 'main');
    fleet.repo.git('branch', '-D', '-q', 'experiment');
    fleet.repo.git('reflog', 'expire', '--expire=now', '--all');
    fleet.repo.git('gc', '-q', '--prune=now');

    const check = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'x']);
    assert.equal(check.code, 1);
    const unreadable = check.json.findings.filter((f) => f.rule === 'change/unreadable');
    assert.deepEqual(
      unreadable.map((f) => f.service),
      ['b'],
    );
    assert.match(
      unreadable[0]!.message,
      new RegExp(`what b runs in dev \\(${gone.slice(0, 7)}\\) cannot be read: commit ${gone.slice(0, 7)} is not in this repository`),
    );
    assert.match(unreadable[0]!.message, /config\/shadowed-change, .*cannot be evaluated/);
    const changes = fleet.json<ChangesJson>(['changes', '--env', 'dev']).json;
    assert.match(changes.services.find((s) => s.service === 'b')!.unreadable ?? '', /is not in this repository/);
  });

  test('a deployed lockfile that does not parse is change/unreadable, naming the file', () => {
    const fleet = execFleet(repos, { 'services/a/package-lock.json': '{ "lockfileVersion": 3, "packages": {' });
    assert.equal(fleet.run(APPLY).code, 0);
    const lock = {
      name: 'a',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'a', dependencies: { ms: '2.1.3' } }, 'node_modules/ms': { version: '2.1.3' } },
    };
    fleet.commit('a: a lockfile that parses', { 'services/a/package-lock.json': `${JSON.stringify(lock, null, 2)}\n` });
    const check = fleet.json<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'x']);
    assert.equal(check.code, 1);
    const unreadable = check.json.findings.filter((f) => f.rule === 'change/unreadable');
    assert.deepEqual(
      unreadable.map((f) => [f.service, f.location?.file]),
      [['a', 'services/a/package-lock.json']],
    );
    assert.match(unreadable[0]!.message, /the lockfile services\/a\/package-lock\.json that a runs \([0-9a-f]{7}\) does not parse/);
  });
});

describe('freeze check in CI', () => {
  test('reads the store --state names, never creates one, and says where freezes live when none is named', () => {
    const fleet = execFleet(repos);
    const none = fleet.run(['freeze', 'check', '--from', fleet.v1]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /freeze check reads the freezes from the state store .* pass --state postgres:\/\/… \(or set TRANCHE_STATE\)/);
    assert.equal(fleet.repo.git('status', '--porcelain', '--ignored'), '', 'no state file was created');
    // A store named with a typo is no store: exit 2, and nothing made in its place.
    for (const [args, env] of [
      [['--state', 'typo/state.db'], {}],
      [[], { TRANCHE_STATE: 'typo/state.db' }],
    ] as const) {
      const typo = fleet.run(['freeze', 'check', '--from', fleet.v1, ...args], env);
      assert.equal(typo.code, 2, typo.stdout + typo.stderr);
      assert.match(typo.stderr, /there is no state store at .*typo\/state\.db: a command that only reads does not create one/);
    }
    assert.equal(fleet.repo.git('status', '--porcelain', '--ignored'), '', 'nothing was created');
    const notAStore = fleet.run(['check', '--env', 'dev', '--state', './services']);
    assert.equal(notAStore.code, 2, notAStore.stdout + notAStore.stderr);
    assert.match(
      notAStore.stderr,
      /the state store .*services is a directory, not a file: move it away, or point --state or TRANCHE_STATE at a file; nothing was touched/,
    );
    assert.doesNotMatch(notAStore.stderr, /internal error/);
  });
});

describe('freezes bite at batch boundaries', () => {
  test('a freeze set while an apply runs pauses it before its next batch (exit 3); resume goes on once it is lifted', async () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    const v2 = fleet.commit('a and b: new code', { 'services/a/index.js': 'a v2\n', 'services/b/index.js': 'b v2\n' });
    const gate = join(mkdtempSync(join(tmpdir(), 'tranche-gate-')), 'open');
    // a's deploy waits for the gate: the release is held inside its first batch.
    const child = spawn(process.execPath, [BIN, ...APPLY], { cwd: fleet.repo.dir, env: { ...process.env, GATE_A: gate }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
    for (let i = 0; i < 300 && !/running .* for a/.test(stderr); i++) await delay(20);
    assert.match(stderr, /running .* for a/, 'a is being deployed');

    const freeze = fleet.run(['freeze', '--env', 'dev', '--reason', 'incident in progress']);
    assert.equal(freeze.code, 0, freeze.stderr);
    assert.match(freeze.stdout, /note: release dev-\S+ is running in dev: it pauses before its next batch if the freeze covers what it still has to deploy/);
    writeFileSync(gate, 'open\n');
    assert.equal(await exited, 3, stdout + stderr);
    assert.match(stdout, /paused — paused before batch 2: dev is frozen \(incident in progress, by .*\) and this change touches the code of b/);
    assert.match(stdout, /tranche unfreeze --env dev\) and run tranche resume --env dev/);
    assert.deepEqual(fleet.deployed(), { a: v2, b: fleet.v1, c: fleet.v1 }, 'the batch under way finished; the next did not start');

    const still = fleet.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(still.code, 3, 'still frozen: paused again where it stands');
    assert.equal(fleet.deployed().b, fleet.v1);
    const unattended = fleet.run(['resume', '--env', 'dev']);
    assert.equal(unattended.code, 2);
    assert.match(unattended.stderr, /resume changes an environment: pass --yes to confirm/);
    assert.equal(fleet.run(['unfreeze', '--env', 'dev']).code, 0);
    const resume = fleet.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(resume.code, 0, resume.stdout + resume.stderr);
    assert.match(resume.stdout, /succeeded/);
    assert.deepEqual(fleet.deployed(), { a: v2, b: v2, c: fleet.v1 });
  });
});

describe('output safety', () => {
  test('nothing a commit subject or a file name holds reaches a terminal as a control character, in any command', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    fleet.commit('fix \u001b[2J\u001b]0;pwned\u0007 the \u202escreen', { 'services/a/index.js': 'a v2\n' });
    for (const command of [
      ['changes', '--env', 'dev'],
      ['check', '--env', 'dev', '--scope', 'config', '--intent', 'x'],
      ['plan', '--env', 'dev', '--scope', 'config'],
    ]) {
      const result = fleet.run(command);
      assert.ok(result.stdout.includes('fix \\x1b[2J\\x1b]0;pwned\\x07 the \\u202escreen'), `${command.join(' ')}: ${result.stdout}`);
      assert.doesNotMatch(result.stdout + result.stderr, /[\u0000-\u0009\u000b-\u001f\u007f\u202e]/, command.join(' '));
    }
    // JSON keeps the text as it is, escaped by JSON itself.
    const json = fleet.json<ChangesJson>(['changes', '--env', 'dev']).json;
    assert.ok(json.services[0]!.commits[0]!.subject.includes('\u001b[2J'));
  });

  test('changes --format markdown escapes what comes from commits and files, and cuts long lists with a count', () => {
    const fleet = execFleet(repos);
    assert.equal(fleet.run(APPLY).code, 0);
    fleet.commit('</details> @everyone <img src=x onerror=alert(1)> | `tick`', { 'services/a/we`ird|name.js': 'x\n' }, '@channel');
    for (let i = 0; i < 25; i++) fleet.commit(`b: change ${i}`, { 'services/b/index.js': `b ${i}\n` });
    const result = fleet.run(['changes', '--env', 'dev', '--format', 'markdown']);
    assert.equal(result.code, 0, result.stderr);
    const md = result.stdout;
    assert.doesNotMatch(md, /<\/details> @everyone/);
    assert.doesNotMatch(md, /<img/);
    assert.doesNotMatch(md, /@everyone|@channel/, 'no mention survives');
    assert.match(md, /&lt;\/details&gt; @\u200beveryone &lt;img src=x onerror=alert\\\(1\\\)&gt; \\\| \\`tick\\`/);
    assert.match(md, /``services\/a\/we`ird\|name\.js``/);
    assert.equal(md.match(/<details>/g)?.length, md.match(/<\/details>/g)?.length, 'every block is closed once');
    assert.match(md, /- … and 5 more commits/);
  });
});
