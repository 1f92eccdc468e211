import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import type { CliResult } from '../support/run-cli.js';
import { storeFingerprints } from '../support/fingerprints.js';
import { filesUnder, rolloutFleet, type JournalJson, type WorkAnswer } from './rollout-fleet.js';
import { expectOk, scratchDatabase, tempDir } from '../support/scratch.js';

// End-to-end: real git repositories, the real bin/tranche, real service processes answering HTTP.

interface RolloutEvent {
  type: 'release' | 'batch' | 'step' | 'gate' | 'check' | 'note';
  phase?: string;
  batch?: number;
  services?: string[];
  action?: string;
  service?: string;
  gate?: string;
  ok?: boolean;
  message?: string;
}
interface ApplyJson {
  releaseId: string;
  status: string;
  summary: string;
  events: RolloutEvent[];
}
interface DeployedJson {
  service: string;
  commit: string;
  configHash: string;
  config: Record<string, string>;
  releaseId: string;
  running: boolean | null;
  pid?: number;
  drift: boolean;
}
interface StatusJson {
  env: string;
  lock: { user: string; host: string; pid: number } | null;
  release: { id: string; status: string; summary: string | null } | null;
  services: DeployedJson[];
  next?: string;
}
interface ReleaseJson {
  id: string;
  env: string;
  status: string;
  toCommit: string;
  by: { user: string; host: string; pid: number };
  plan?: { createdAt: string };
}
interface FindingJson {
  rule: string;
  severity: string;
  service?: string;
  message: string;
}
interface ShowJson {
  release: ReleaseJson;
  journal: JournalJson[];
  checks: { batch: number; service: string; gate: string; name: string; ok: boolean; message: string }[];
  findings: FindingJson[];
}

const NO_STACK = /^\s+at /m;

const APPLY = ['apply', '--env', 'dev', '--yes'];
const byService = (services: DeployedJson[]) => Object.fromEntries(services.map((s) => [s.service, s]));
const batchesStarted = (events: RolloutEvent[]) => events.filter((e) => e.type === 'batch' && e.phase === 'started').map((e) => [e.batch, e.services]);
const stepsDone = (events: RolloutEvent[], action: string) =>
  events.filter((e) => e.type === 'step' && e.action === action && e.phase === 'done').map((e) => e.service);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('tranche apply, end to end with the local driver', () => {
  test('a first apply deploys every service batch by batch, dependencies first, with its resolved config; a second apply has nothing to do', async (t) => {
    // beta is declared first but depends on alpha: it must wait for alpha's batch.
    const f = await rolloutFleet(t, { services: [{ name: 'beta', dependsOn: ['alpha'] }, { name: 'alpha' }, { name: 'gamma' }], batchSize: 2, bake: '500ms' });
    f.write({ 'services/alpha/config/dev.yaml': 'GREETING: hello from the dev file\n' });
    const v1 = f.commit('v1');

    const apply = f.json<ApplyJson>(APPLY, { TRANCHE_E2E_OPERATOR_ONLY: 'must not reach services' });
    assert.equal(apply.code, 0, apply.stderr);
    assert.equal(apply.json.status, 'succeeded');
    const { events } = apply.json;
    assert.deepEqual(batchesStarted(events), [
      [1, ['alpha', 'gamma']],
      [2, ['beta']],
    ]);
    const batch1Passed = events.findIndex((e) => e.type === 'batch' && e.phase === 'passed' && e.batch === 1);
    const betaDeploy = events.findIndex((e) => e.type === 'step' && e.service === 'beta');
    assert.ok(batch1Passed >= 0 && betaDeploy > batch1Passed, 'beta is deployed only after batch 1 passed its gates');
    const gatesPassed = events.filter((e) => e.type === 'gate' && e.phase === 'passed' && e.batch! > 0).map((e) => `${e.batch} ${e.gate}`);
    assert.deepEqual(gatesPassed, ['1 health', '1 sanity', '1 bake', '2 health', '2 sanity', '2 bake']);

    const alpha = await f.work('alpha');
    assert.equal(alpha.status, 200);
    assert.deepEqual(alpha.body, {
      version: 'v1',
      greeting: 'hello from the dev file',
      port: String(f.ports.get('alpha')),
      tokenSha256: null,
      // Exactly the resolved config plus PATH: nothing of the operator's environment.
      envKeys: ['GREETING', 'PATH', 'PORT'],
    } satisfies WorkAnswer);
    assert.equal(((await f.work('beta')).body as WorkAnswer).greeting, 'hello from beta');
    assert.equal(await f.version('gamma'), 'v1');

    const status = f.json<StatusJson>(['status', '--env', 'dev']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json.lock, null);
    assert.equal(status.json.release?.id, apply.json.releaseId);
    assert.equal(status.json.release?.status, 'succeeded');
    const services = byService(status.json.services);
    assert.deepEqual(Object.keys(services).sort(), ['alpha', 'beta', 'gamma']);
    for (const name of ['alpha', 'beta', 'gamma']) {
      const s = services[name]!;
      assert.equal(s.running, true, `${name} runs`);
      assert.equal(s.commit, v1);
      assert.equal(s.releaseId, apply.json.releaseId);
      assert.equal(s.pid, f.currentPid(name));
      assert.equal(s.drift, false);
    }
    assert.equal(services.alpha!.config.GREETING, 'hello from the dev file');

    const history = f.json<{ releases: ReleaseJson[] }>(['history', '--env', 'dev']);
    assert.deepEqual(
      history.json.releases.map((r) => [r.id, r.status, r.toCommit]),
      [[apply.json.releaseId, 'succeeded', v1]],
    );
    assert.match(expectOk(f.run(['history']), 'history').stdout, new RegExp(`${apply.json.releaseId}\\s+dev\\s+succeeded`));

    const show = f.json<ShowJson>(['show', apply.json.releaseId]);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(show.json.release.status, 'succeeded');
    const deployed = show.json.journal.filter((e) => e.kind === 'deploy' && e.event === 'succeeded').map((e) => `${e.batch} ${e.service}`);
    assert.deepEqual(deployed.sort(), ['1 alpha', '1 gamma', '2 beta']);
    assert.deepEqual(
      show.json.checks.filter((c) => !c.ok),
      [],
    );
    assert.deepEqual(
      new Set(show.json.checks.map((c) => `${c.service} ${c.gate}`)),
      new Set(['alpha health', 'alpha sanity', 'alpha bake', 'beta health', 'beta sanity', 'beta bake', 'gamma health', 'gamma sanity', 'gamma bake']),
    );
    assert.match(expectOk(f.run(['show', apply.json.releaseId]), 'show').stdout, new RegExp(`^release ${apply.json.releaseId} of dev: succeeded`));

    const pids = ['alpha', 'beta', 'gamma'].map((s) => f.currentPid(s));
    const again = f.run(APPLY);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to deploy in dev/);
    assert.deepEqual(
      ['alpha', 'beta', 'gamma'].map((s) => f.currentPid(s)),
      pids,
      'no service was restarted',
    );
    assert.equal(f.json<{ releases: ReleaseJson[] }>(['history']).json.releases.length, 1);
  });

  test('rollback-batch: a failing sanity check in batch 2 rolls that batch back by itself; batch 1 stays, batch 3 never starts', async (t) => {
    const f = await rolloutFleet(t, {
      services: [{ name: 'alpha' }, { name: 'beta', dependsOn: ['alpha'] }, { name: 'gamma', dependsOn: ['beta'] }],
      onFailure: 'rollback-batch',
    });
    const v1 = f.commit('v1');
    expectOk(f.run(APPLY), 'the first apply');
    const gammaPid = f.currentPid('gamma');
    f.setVersion('alpha', 'v2').setVersion('beta', 'v2', { kind: 'broken' }).setVersion('gamma', 'v2');
    const v2 = f.commit('v2: beta is broken');

    const apply = f.json<ApplyJson>(APPLY);
    assert.equal(apply.code, 1, apply.stderr);
    assert.equal(apply.json.status, 'failed');
    assert.deepEqual(
      batchesStarted(apply.json.events).map(([b]) => b),
      [1, 2],
    );
    assert.deepEqual(stepsDone(apply.json.events, 'rollback'), ['beta']);
    assert.ok(!apply.json.events.some((e) => e.service === 'gamma'), 'nothing happened to gamma');

    assert.equal(await f.version('alpha'), 'v2', 'batch 1 stays deployed');
    assert.equal(await f.version('beta'), 'v1', 'beta answers with its previous version again');
    assert.equal(await f.version('gamma'), 'v1');
    assert.equal(f.currentPid('gamma'), gammaPid, 'gamma was not restarted');

    const status = f.json<StatusJson>(['status', '--env', 'dev']).json;
    assert.equal(status.release?.status, 'failed');
    const services = byService(status.services);
    assert.deepEqual([services.alpha?.commit, services.beta?.commit, services.gamma?.commit], [v2, v1, v1]);
    assert.ok(status.services.every((s) => s.running === true && !s.drift));

    const show = f.json<ShowJson>(['show', apply.json.releaseId]).json;
    assert.equal(show.release.status, 'failed');
    const rules = show.findings
      .filter((x) => x.service === 'beta')
      .map((x) => `${x.rule} ${x.severity}`)
      .sort();
    assert.deepEqual(rules, ['check/failed error', 'check/lying-health warn']);
    assert.ok(!show.journal.some((e) => e.service === 'gamma'), 'the journal never mentions gamma');
    assert.deepEqual(
      show.journal.filter((e) => e.kind === 'rollback' && e.event === 'succeeded').map((e) => e.service),
      ['beta'],
    );
  });

  test('rollback-release: a failure in the last batch undoes every batch, latest first, and every service answers v1 again', async (t) => {
    const f = await rolloutFleet(t, {
      services: [{ name: 'alpha' }, { name: 'beta', dependsOn: ['alpha'] }, { name: 'gamma', dependsOn: ['beta'] }],
      onFailure: 'rollback-release',
    });
    const v1 = f.commit('v1');
    expectOk(f.run(APPLY), 'the first apply');
    f.setVersion('alpha', 'v2').setVersion('beta', 'v2').setVersion('gamma', 'v2', { kind: 'broken' });
    f.commit('v2: gamma is broken');

    const apply = f.json<ApplyJson>(APPLY);
    assert.equal(apply.code, 1, apply.stderr);
    assert.equal(apply.json.status, 'failed');
    assert.deepEqual(stepsDone(apply.json.events, 'deploy'), ['alpha', 'beta', 'gamma']);
    assert.deepEqual(stepsDone(apply.json.events, 'rollback'), ['gamma', 'beta', 'alpha']);
    for (const name of ['alpha', 'beta', 'gamma']) assert.equal(await f.version(name), 'v1', name);

    const status = f.json<StatusJson>(['status', '--env', 'dev']).json;
    assert.equal(status.release?.status, 'failed');
    assert.deepEqual(
      status.services.map((s) => s.commit),
      [v1, v1, v1],
    );
  });

  test('pause: a failed gate leaves the release paused and the env locked against new releases; rollback restores v1', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }, { name: 'beta', dependsOn: ['alpha'] }], onFailure: 'pause' });
    const v1 = f.commit('v1');
    expectOk(f.run(APPLY), 'the first apply');
    f.setVersion('alpha', 'v2', { kind: 'broken' }).setVersion('beta', 'v2');
    f.commit('v2: alpha is broken');

    const apply = f.json<ApplyJson>(APPLY);
    assert.equal(apply.code, 3, `a paused release needs an operator: ${apply.stderr}`);
    assert.equal(apply.json.status, 'paused');
    assert.deepEqual(stepsDone(apply.json.events, 'rollback'), [], 'nothing is rolled back while paused');
    assert.equal(await f.version('alpha'), 'status 500', 'the broken v2 is left running for the operator');
    assert.equal(await f.version('beta'), 'v1');

    const status = f.json<StatusJson>(['status', '--env', 'dev']).json;
    assert.equal(status.release?.status, 'paused');
    assert.match(status.next ?? '', /tranche resume --env dev/);

    const another = f.run(APPLY);
    assert.equal(another.code, 1, another.stderr);
    assert.match(another.stdout, new RegExp(`release ${apply.json.releaseId} of dev is paused: finish it first`));
    assert.equal(await f.version('beta'), 'v1', 'the refused apply deployed nothing');

    const rollback = f.run(['rollback', '--env', 'dev', '--yes']);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /rolled-back/);
    assert.equal(await f.version('alpha'), 'v1');
    assert.equal(await f.version('beta'), 'v1');
    const after = f.json<StatusJson>(['status', '--env', 'dev']).json;
    assert.equal(after.release?.status, 'rolled-back');
    assert.equal(byService(after.services).alpha?.commit, v1);
  });

  test('pause: once the cause is fixed, resume re-runs the failed gates and finishes the release', async (t) => {
    const outside = tempDir(t, 'tranche-plans-');
    const ready = join(outside, 'downstream-ready');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }, { name: 'beta', dependsOn: ['alpha'] }], onFailure: 'pause' });
    f.commit('v1');
    expectOk(f.run(APPLY), 'the first apply');
    f.setVersion('alpha', 'v2', { kind: 'broken-until', file: ready }).setVersion('beta', 'v2');
    const v2 = f.commit('v2: alpha needs something not there yet');

    const apply = f.json<ApplyJson>(APPLY);
    assert.equal(apply.code, 3, `a paused release needs an operator: ${apply.stderr}`);
    assert.equal(apply.json.status, 'paused');
    const alphaPid = f.currentPid('alpha');

    writeFileSync(ready, 'ok\n');
    const resume = f.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(resume.code, 0, resume.stdout + resume.stderr);
    assert.match(resume.stdout, /succeeded/);
    assert.equal(await f.version('alpha'), 'v2');
    assert.equal(await f.version('beta'), 'v2');
    assert.equal(f.currentPid('alpha'), alphaPid, 'resume re-ran the gates without redeploying alpha');

    const show = f.json<ShowJson>(['show', apply.json.releaseId]).json;
    assert.equal(show.release.status, 'succeeded');
    const alphaSanity = show.checks.filter((c) => c.service === 'alpha' && c.gate === 'sanity').map((c) => c.ok);
    assert.deepEqual(alphaSanity, [false, true], 'the failed sanity check ran again, and passed');
    const status = f.json<StatusJson>(['status', '--env', 'dev']).json;
    assert.deepEqual(
      status.services.map((s) => s.commit),
      [v2, v2],
    );
  });

  test('a saved plan applies as saved, and is refused (exit 2, nothing touched) once the deployed state or the target config moves', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }, { name: 'beta', dependsOn: ['alpha'] }] });
    f.commit('v1');

    const first = join(plans, 'first.json');
    expectOk(f.run(['plan', '--env', 'dev', '-o', first]), 'plan -o');
    const saved = JSON.parse(readFileSync(first, 'utf8')) as { createdAt: string; batches: { services: string[] }[] };
    assert.deepEqual(
      saved.batches.map((b) => b.services),
      [['alpha'], ['beta']],
    );
    const applied = f.json<ApplyJson>(['apply', first, '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(await f.version('alpha'), 'v1');
    assert.equal(await f.version('beta'), 'v1');
    const recorded = f.json<ShowJson>(['show', applied.json.releaseId]).json.release;
    assert.equal(recorded.plan?.createdAt, saved.createdAt, 'the release ran the saved plan');

    // The deployed state moves between plan and apply.
    f.setVersion('alpha', 'v2');
    f.commit('v2');
    const second = join(plans, 'second.json');
    expectOk(f.run(['plan', '--env', 'dev', '-o', second]), 'plan -o');
    f.setVersion('alpha', 'v3');
    f.commit('v3');
    expectOk(f.run(APPLY), 'apply v3');
    const pids = [f.currentPid('alpha'), f.currentPid('beta')];
    const releases = f.json<{ releases: ReleaseJson[] }>(['history']).json.releases.length;

    const stale = f.run(['apply', second, '--yes']);
    assert.equal(stale.code, 2, stale.stdout + stale.stderr);
    assert.match(stale.stderr, /is not the release apply would deploy now; nothing was deployed/);
    assert.match(
      stale.stderr,
      /what runs in dev is not what the plan started from: alpha at [0-9a-f]{7} \(config [^)]+\) in the plan, at [0-9a-f]{7} \(config [^)]+\) now/,
    );
    assert.doesNotMatch(stale.stderr, NO_STACK);
    assert.equal(await f.version('alpha'), 'v3', 'the stale plan deployed nothing');
    assert.deepEqual([f.currentPid('alpha'), f.currentPid('beta')], pids);
    assert.equal(f.json<{ releases: ReleaseJson[] }>(['history']).json.releases.length, releases);

    // The target config moves: an untracked, git-ignored dotenv source is edited after the plan.
    f.setVersion('beta', 'v4');
    f.commit('v4');
    const third = join(plans, 'third.json');
    expectOk(f.run(['plan', '--env', 'dev', '-o', third]), 'plan -o');
    f.write({ 'services/beta/deploy/dev.env': 'GREETING=edited by hand after the plan\n' });
    const moved = f.run(['apply', third, '--yes']);
    assert.equal(moved.code, 2, moved.stdout + moved.stderr);
    assert.match(moved.stderr, /is not the release apply would deploy now; nothing was deployed/);
    assert.match(moved.stderr, /step beta in batch 1: config \S+ in the plan, \S+ now \(a config source git does not track changed\?\)/);
    assert.doesNotMatch(moved.stderr, NO_STACK);
    assert.equal(await f.version('beta'), 'v1', 'the stale plan deployed nothing');
    assert.equal(((await f.work('beta')).body as WorkAnswer).greeting, 'hello from beta');
    assert.deepEqual([f.currentPid('alpha'), f.currentPid('beta')], pids);
    assert.equal(f.json<{ releases: ReleaseJson[] }>(['history']).json.releases.length, releases);
  });

  test('of two concurrent applies to one environment exactly one proceeds; the other names the holder (user@host, pid) and changes nothing', async (t) => {
    // The first holds the lock through its bake: long enough for the second to plan and ask for
    // the lock on a loaded machine.
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }], bake: '15s' });
    const v1 = f.commit('v1');
    const first = f.start(APPLY);
    t.after(async () => void (await first.exited.catch(() => undefined)));
    await first.waitFor(/bake started/);

    f.setVersion('alpha', 'v2');
    f.commit('v2');
    const second = f.run(APPLY);
    assert.equal(second.code, 1, second.stdout + second.stderr);
    assert.ok(
      second.stderr.includes(`dev is locked by ${userInfo().username}@${hostname()} (pid ${first.pid})`),
      `the refusal names the holder:\n${second.stderr}`,
    );
    assert.match(second.stderr, /nothing was changed/);

    const done = await first.exited;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(await f.version('alpha'), 'v1', 'the second apply deployed nothing');
    const history = f.json<{ releases: ReleaseJson[] }>(['history']).json.releases;
    assert.deepEqual(
      history.map((r) => [r.status, r.by.pid]),
      [['succeeded', first.pid]],
    );
    const status = f.json<StatusJson>(['status', '--env', 'dev']).json;
    assert.equal(status.lock, null, 'the lock is released when the first apply ends');
    assert.equal(status.services[0]?.commit, v1);
  });

  test('a secret from a git-ignored dotenv reaches the service but no output, state file or runtime file, even when a broken version echoes it', async (t) => {
    const secret = `tok-${randomBytes(16).toString('hex')}`;
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, {
      services: [
        { name: 'alpha', secret: true },
        { name: 'beta', dependsOn: ['alpha'] },
      ],
    });
    f.write({ 'services/alpha/deploy/dev.env': `TOKEN=${secret}\n` });
    f.commit('v1');
    const outputs: CliResult[] = [];
    const keep = <R extends CliResult>(result: R, code = 0): R => {
      outputs.push(result);
      assert.equal(result.code, code, result.stdout + result.stderr);
      return result;
    };
    const planFile = join(plans, 'plan.json');

    keep(f.run(['plan', '--env', 'dev']));
    keep(f.json(['plan', '--env', 'dev']));
    keep(f.run(['plan', '--env', 'dev', '-o', planFile]));
    keep(f.run(APPLY));
    const alpha = (await f.work('alpha')).body as WorkAnswer;
    assert.equal(alpha.tokenSha256, sha256(secret), 'the service runs with the secret');

    keep(f.run(['status', '--env', 'dev']));
    const status = keep(f.json<StatusJson>(['status', '--env', 'dev']));
    assert.equal(
      byService(status.json.services).alpha?.config.TOKEN,
      storeFingerprints(join(f.dir, '.tranche', 'state.db')).secret(secret),
      'status shows the fingerprint, keyed by the store',
    );
    keep(f.run(['config', 'alpha', '--env', 'dev']));
    keep(f.json(['config', 'alpha', '--env', 'dev', '--explain', 'TOKEN']));

    // v2 is broken, and its error page prints the token.
    f.setVersion('alpha', 'v2', { kind: 'broken' });
    f.commit('v2: alpha is broken');
    keep(f.run(APPLY), 1);
    const failed = keep(f.json<ApplyJson>(APPLY), 1);
    assert.equal(await f.version('alpha'), 'v1');
    const show = keep(f.json<ShowJson>(['show', failed.json.releaseId]));
    const checkFailed = show.json.findings.find((x) => x.rule === 'check/failed');
    assert.match(checkFailed?.message ?? '', /TOKEN=\[secret\]/, 'the failure quotes the error page, with the secret masked');
    keep(f.run(['show', failed.json.releaseId]));
    const succeeded = keep(f.json<{ releases: ReleaseJson[] }>(['history'])).json.releases.find((r) => r.status === 'succeeded')!;
    keep(f.run(['show', succeeded.id]));
    keep(f.json(['show', succeeded.id]));
    keep(f.run(['history']));

    for (const [i, r] of outputs.entries()) {
      assert.ok(!r.stdout.includes(secret), `stdout of command #${i + 1} holds the secret`);
      assert.ok(!r.stderr.includes(secret), `stderr of command #${i + 1} holds the secret`);
    }
    assert.ok(!readFileSync(planFile, 'utf8').includes(secret), 'the saved plan holds the secret');
    const stateFiles = filesUnder(join(f.dir, '.tranche'));
    assert.ok(
      stateFiles.some((p) => p.endsWith(join('.tranche', 'state.db'))),
      'the state file was written',
    );
    const logs = stateFiles.filter((p) => basename(p) === 'service.log');
    assert.ok(logs.length >= 3 && logs.every((p) => readFileSync(p, 'utf8').includes('serving')), 'the service logs were written');
    for (const path of stateFiles) assert.ok(!readFileSync(path).includes(secret), `${path} holds the secret`);
  });

  test('a failed check quoting a long error page shows no part of a secret, even when the quote is cut inside it', async (t) => {
    const secret = randomBytes(20).toString('hex');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha', secret: true }] });
    f.write({ 'services/alpha/deploy/dev.env': `TOKEN=${secret}\n` });
    // The page quotes the secret from character 180 on: a 200-character excerpt of it ends inside the secret.
    f.setVersion('alpha', 'v1', { kind: 'broken-padded', pad: 174 });
    f.commit('v1: alpha is broken');

    const apply = f.run(APPLY);
    assert.equal(apply.code, 1, apply.stdout + apply.stderr);
    assert.match(apply.stderr, /answered 500/, 'the failure is reported with the body it quotes');
    const id = f.json<{ releases: ReleaseJson[] }>(['history']).json.releases[0]!.id;
    const show = f.json(['show', id]);
    const prefix = secret.slice(0, 16);
    for (const [what, text] of [
      ['apply stderr', apply.stderr],
      ['apply stdout', apply.stdout],
      ['show --json', show.stdout],
    ] as const) {
      assert.ok(!text.includes(prefix), `${what} shows the first 16 characters of the secret`);
    }
    assert.ok(!readFileSync(join(f.dir, '.tranche', 'state.db')).includes(prefix), 'state.db holds the first 16 characters of the secret');
  });

  test('a failed check quoting an error page shows no escaped form of a secret that holds a double quote', async (t) => {
    const tail = randomBytes(12).toString('hex');
    const secret = `pa"ss-${tail}`;
    const f = await rolloutFleet(t, { services: [{ name: 'alpha', secret: true }] });
    f.write({ 'services/alpha/deploy/dev.env': `TOKEN='${secret}'\n` });
    f.setVersion('alpha', 'v1', { kind: 'broken' });
    f.commit('v1: alpha is broken');

    const apply = f.run(APPLY);
    assert.equal(apply.code, 1, apply.stdout + apply.stderr);
    assert.match(apply.stderr, /answered 500/, 'the failure is reported with the body it quotes');
    const id = f.json<{ releases: ReleaseJson[] }>(['history']).json.releases[0]!.id;
    const show = f.json(['show', id]);
    for (const [what, text] of [
      ['apply stderr', apply.stderr],
      ['apply stdout', apply.stdout],
      ['show --json', show.stdout],
    ] as const) {
      assert.ok(!text.includes(tail), `${what} shows the secret (as ${JSON.stringify(secret)} escaped)`);
    }
    assert.ok(!readFileSync(join(f.dir, '.tranche', 'state.db')).includes(tail), 'state.db holds the secret, escaped');
  });

  test('with --state postgres:// the release is recorded in Postgres and status reads it back', async (t) => {
    const database = await scratchDatabase(t, 'tranche_e2e');
    const state = `postgres://postgres@127.0.0.1:5432/${database}`;

    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }, { name: 'beta', dependsOn: ['alpha'] }] });
    const v1 = f.commit('v1');
    const apply = f.json<ApplyJson>([...APPLY, '--state', state]);
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(batchesStarted(apply.json.events), [
      [1, ['alpha']],
      [2, ['beta']],
    ]);
    assert.equal(await f.version('alpha'), 'v1');
    assert.equal(await f.version('beta'), 'v1');

    const status = f.json<StatusJson>(['status', '--env', 'dev', '--state', state]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json.release?.id, apply.json.releaseId);
    assert.equal(status.json.release?.status, 'succeeded');
    assert.deepEqual(
      status.json.services.map((s) => [s.service, s.commit, s.running]),
      [
        ['alpha', v1, true],
        ['beta', v1, true],
      ],
    );
    assert.ok(!existsSync(join(f.dir, '.tranche', 'state.db')), 'no SQLite file was used');

    const db = new pg.Client({ connectionString: state });
    await db.connect();
    try {
      const rows = (
        await db.query<{ service: string; commit_id: string; release_id: string }>(
          "SELECT service, commit_id, release_id FROM deployed WHERE env = 'dev' ORDER BY service",
        )
      ).rows;
      assert.deepEqual(
        rows.map((r) => [r.service, r.commit_id, r.release_id]),
        [
          ['alpha', v1, apply.json.releaseId],
          ['beta', v1, apply.json.releaseId],
        ],
      );
    } finally {
      await db.end();
    }
    const again = f.run([...APPLY, '--state', state]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to deploy in dev/);
  });

  test('apply refuses (exit 1, nothing deployed) a release with an error finding that check reports', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'alpha', missingRequired: true }] });
    f.commit('v1');
    const check = f.json<{ findings: FindingJson[] }>(['check', '--env', 'dev']);
    assert.equal(check.code, 1);
    assert.deepEqual(
      check.json.findings.filter((x) => x.severity === 'error').map((x) => `${x.rule} ${x.service}`),
      ['config/missing alpha'],
    );

    const apply = f.run(APPLY);
    assert.equal(apply.code, 1, apply.stdout + apply.stderr);
    assert.match(apply.stdout, /config\/missing/);
    assert.match(apply.stdout, /REQUIRED_URL/);
    assert.match(apply.stdout, /apply refused: nothing was deployed/);
    assert.ok(!existsSync(join(f.dir, '.tranche', 'runtime')), 'no service was extracted or started');
    await assert.rejects(f.work('alpha'), "nothing answers on alpha's port");
    assert.deepEqual(f.json<{ releases: ReleaseJson[] }>(['history']).json.releases, []);
  });

  test('unusable input (unknown env, a plan file that is not JSON or not a plan, no --yes off a terminal) exits 2 with a message and no stack trace', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    f.commit('v1');
    writeFileSync(join(plans, 'broken.json'), '{"format": 1, "env": "dev",');
    writeFileSync(join(plans, 'other.json'), '{"hello": "world"}\n');
    const cases: [string[], RegExp][] = [
      [['apply', '--env', 'prd', '--yes'], /unknown environment "prd"/],
      [['apply', join(plans, 'broken.json'), '--yes'], /broken\.json:1:28: not JSON: /],
      [['apply', join(plans, 'other.json'), '--yes'], /other\.json:1:1: not a tranche plan \(tranche plan -o writes one\): it has no format field/],
      [['apply', join(plans, 'missing.json'), '--yes'], /cannot read the plan file/],
      [['apply', '--env', 'dev'], /pass --yes to confirm/],
    ];
    for (const [args, message] of cases) {
      const result = f.run(args);
      assert.equal(result.code, 2, `tranche ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, NO_STACK);
      assert.doesNotMatch(result.stderr, /internal error/);
    }
    assert.ok(!existsSync(join(f.dir, '.tranche', 'runtime')), 'nothing was deployed');
    await assert.rejects(f.work('alpha'), "nothing answers on alpha's port");
  });

  test('unusable input touches nothing: no state store is created by a refused apply', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    f.commit('v1');
    writeFileSync(join(plans, 'broken.json'), 'not json');
    for (const args of [
      ['apply', '--env', 'prd', '--yes'],
      ['apply', join(plans, 'broken.json'), '--yes'],
    ]) {
      const result = f.run(args);
      assert.equal(result.code, 2, result.stderr);
      assert.ok(!existsSync(join(f.dir, '.tranche')), `tranche ${args.join(' ')} exited 2 but created .tranche/`);
    }
  });

  test('status of a fleet never deployed says so and leaves no state file behind', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    f.commit('v1');
    const status = f.json<StatusJson>(['status', '--env', 'dev']);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual([status.json.release, status.json.services], [null, []]);
    assert.ok(!existsSync(join(f.dir, '.tranche', 'state.db')), 'status created .tranche/state.db');
  });
});
