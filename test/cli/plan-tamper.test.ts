import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { manifestYaml } from '../support/fleet-builder.js';
import { freePort, rolloutFleet, type RolloutFleet } from './rollout-fleet.js';
import { expectOk, tempDir } from '../support/scratch.js';

// A saved plan is an approval of one release: apply makes the plan again and deploys only when
// the file is that plan. Real git repositories, the real bin/tranche, real service processes.

const NO_STACK = /^\s+at /m;
const REFUSED = /the plan in .* is not the release apply would deploy now; nothing was deployed/;

interface PlanFile {
  createdAt: string;
  policy: { on_failure: string };
  findings: { rule: string; severity: string }[];
  batches: {
    index: number;
    services: string[];
    steps: { service: string; to: { commit: string; configHash: string }; rollback: { action: string; to?: { commit: string } } }[];
  }[];
}

/** Writes a copy of the plan in `file`, edited by `edit`, beside it; returns its path. */
function tampered(file: string, name: string, edit: (plan: PlanFile) => void): string {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
  edit(plan);
  const path = join(file, '..', `${name}.json`);
  writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`);
  return path;
}

const short = (commit: string) => commit.slice(0, 7);
const releases = (f: RolloutFleet) => f.json<{ releases: unknown[] }>(['history']).json.releases.length;

describe('tranche apply of a saved plan', () => {
  test('an edited step, rollback, batch order or policy is refused (exit 2) saying what differs, nothing touched; the untouched plan then deploys the plan made now', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }, { name: 'beta', dependsOn: ['alpha'] }] });
    const v1 = f.commit('v1');
    expectOk(f.run(['apply', '--env', 'dev', '--yes']), 'apply v1');
    f.setVersion('alpha', 'v2').setVersion('beta', 'v2');
    const v2 = f.commit('v2');
    const file = join(plans, 'plan.json');
    expectOk(f.run(['plan', '--env', 'dev', '-o', file]), 'plan -o');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
    assert.deepEqual(
      saved.batches.map((b) => b.services),
      [['alpha'], ['beta']],
    );
    const pids = [f.currentPid('alpha'), f.currentPid('beta')];
    const before = releases(f);

    const cases: [string, (plan: PlanFile) => void, RegExp][] = [
      [
        // A failed batch would "roll back" alpha to v2 itself.
        'rollback',
        (p) => (p.batches[0]!.steps[0]!.rollback.to!.commit = v2),
        new RegExp(`rollback of alpha: redeploy ${short(v2)} \\(config [^)]+\\) in the plan, redeploy ${short(v1)} \\(config [^)]+\\) now`),
      ],
      ['version', (p) => (p.batches[1]!.steps[0]!.to.commit = v1), new RegExp(`step beta in batch 2: version ${short(v1)} in the plan, ${short(v2)} now`)],
      [
        'config',
        (p) => (p.batches[0]!.steps[0]!.to.configHash = 'sha256:0000000000000000'),
        /step alpha in batch 1: config sha256:0000000000000000 in the plan, hmac:[0-9a-f]{16} now/,
      ],
      [
        'order',
        (p) => {
          p.batches.reverse();
          p.batches.forEach((b, i) => (b.index = i + 1));
        },
        /batch order: 1 \(code\): beta; 2 \(code\): alpha in the plan, 1 \(code\): alpha; 2 \(code\): beta now/,
      ],
      ['policy', (p) => (p.policy.on_failure = 'pause'), /policy: on_failure pause in the plan, rollback-batch now/],
    ];
    for (const [name, edit, difference] of cases) {
      const result = f.run(['apply', tampered(file, name, edit), '--yes']);
      assert.equal(result.code, 2, `${name}:\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, REFUSED, name);
      assert.match(result.stderr, difference, name);
      assert.match(result.stderr, /make a new plan \(tranche plan --env dev -o .*\), review it, and apply that/, name);
      assert.doesNotMatch(result.stderr, NO_STACK, name);
      assert.deepEqual([await f.version('alpha'), await f.version('beta')], ['v1', 'v1'], `${name}: nothing was deployed`);
      assert.deepEqual([f.currentPid('alpha'), f.currentPid('beta')], pids, `${name}: nothing was restarted`);
      assert.equal(releases(f), before, `${name}: no release was recorded`);
    }

    const json = f.json<{ error: string; differences: string[]; findings: unknown[] }>(['apply', join(plans, 'policy.json'), '--yes']);
    assert.equal(json.code, 2);
    assert.match(json.json.error, REFUSED);
    assert.deepEqual(json.json.differences, ['policy: on_failure pause in the plan, rollback-batch now']);
    assert.deepEqual(json.json.findings, []);

    const applied = f.json<{ releaseId: string; status: string }>(['apply', file, '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual([await f.version('alpha'), await f.version('beta')], ['v2', 'v2']);
    const recorded = f.json<{ release: { plan: PlanFile } }>(['show', applied.json.releaseId]).json.release.plan;
    assert.equal(recorded.createdAt, saved.createdAt, 'the release records the approved plan');
    assert.deepEqual(recorded.batches, saved.batches);
  });

  test('a plan whose error findings were emptied is refused (exit 2) naming them; as saved, it is refused for them (exit 1)', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha', missingRequired: true }] });
    f.commit('v1');
    const file = join(plans, 'plan.json');
    assert.equal(f.run(['plan', '--env', 'dev', '-o', file]).code, 1, 'the plan has an error finding');
    assert.deepEqual(
      (JSON.parse(readFileSync(file, 'utf8')) as PlanFile).findings.filter((x) => x.severity === 'error').map((x) => x.rule),
      ['config/missing'],
    );

    const emptied = f.run(['apply', tampered(file, 'emptied', (p) => (p.findings = [])), '--yes']);
    assert.equal(emptied.code, 2, emptied.stdout + emptied.stderr);
    assert.match(emptied.stderr, REFUSED);
    assert.match(emptied.stderr, /error findings now that the plan does not show:\n\s+config\/missing alpha REQUIRED_URL: /);
    assert.doesNotMatch(emptied.stderr, NO_STACK);

    const asSaved = f.run(['apply', file, '--yes']);
    assert.equal(asSaved.code, 1, asSaved.stdout + asSaved.stderr);
    assert.match(asSaved.stdout, /config\/missing/);
    assert.match(asSaved.stdout, /apply refused: nothing was deployed/);

    assert.ok(!existsSync(join(f.dir, '.tranche', 'runtime')), 'no service was extracted or started');
    await assert.rejects(f.work('alpha'), "nothing answers on alpha's port");
    assert.equal(releases(f), 0);
  });

  test('a freeze set after the plan was made refuses it (exit 2), reported as new since the plan; once lifted, the plan applies', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    f.commit('v1');
    const file = join(plans, 'plan.json');
    expectOk(f.run(['plan', '--env', 'dev', '-o', file]), 'plan -o');
    expectOk(f.run(['freeze', '--env', 'dev', '--reason', 'database migration']), 'freeze');

    const frozen = f.run(['apply', file, '--yes']);
    assert.equal(frozen.code, 2, frozen.stdout + frozen.stderr);
    assert.match(frozen.stderr, REFUSED);
    assert.match(frozen.stderr, /change\/frozen alpha: dev is frozen \(database migration, by [^)]+\) .* — new since the plan: a freeze set after it was made/);
    assert.doesNotMatch(frozen.stderr, NO_STACK);
    await assert.rejects(f.work('alpha'), 'nothing was deployed');
    assert.equal(releases(f), 0);

    expectOk(f.run(['unfreeze', '--env', 'dev']), 'unfreeze');
    expectOk(f.run(['apply', file, '--yes']), 'apply after the freeze is lifted');
    assert.equal(await f.version('alpha'), 'v1');
  });

  test('a pre-flight check failing since the plan was made refuses it (exit 2), reported as new since the plan; once it passes, the plan applies', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    const downstream = await freePort();
    const manifest = parse(readFileSync(join(f.dir, 'tranche.yaml'), 'utf8')) as { services: { alpha: { checks: { sanity: object[] } } } };
    manifest.services.alpha.checks.sanity.push({ name: 'downstream answers', tcp: { host: '127.0.0.1', port: downstream }, timeout: '1s' });
    f.write({ 'tranche.yaml': manifestYaml(manifest) });
    f.commit('v1: alpha calls a downstream service');
    const file = join(plans, 'plan.json');
    expectOk(f.run(['plan', '--env', 'dev', '-o', file]), 'plan -o');

    // Nothing listens on the downstream port: the pre-flight check fails before anything starts.
    const refused = f.run(['apply', file, '--yes']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, REFUSED);
    assert.match(
      refused.stderr,
      /check\/preflight-failed alpha: check "downstream answers" fails with the new config, before anything restarts: .* — new since the plan: a pre-flight check run now/,
    );
    assert.doesNotMatch(refused.stderr, NO_STACK);
    await assert.rejects(f.work('alpha'), 'nothing was deployed');
    assert.equal(releases(f), 0);

    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(downstream, '127.0.0.1', resolve));
    t.after(() => server.close());
    expectOk(f.run(['apply', file, '--yes']), 'apply once the downstream answers');
    assert.equal(await f.version('alpha'), 'v1');
  });

  test('a plan recorded in the state store that tranche cannot read is a damaged store (exit 2) for show, status, history and rollback, said with the release and where it breaks', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    f.commit('v1');
    const applied = f.json<{ releaseId: string }>(['apply', '--env', 'dev', '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    const db = new Database(join(f.dir, '.tranche', 'state.db'));
    try {
      db.prepare('UPDATE releases SET plan = json_set(plan, \'$.batches[0].steps[0].rollback\', json(\'{"action": "redeploy"}\'))').run();
    } finally {
      db.close();
    }
    for (const args of [['show', applied.json.releaseId], ['status', '--env', 'dev'], ['history'], ['rollback', '--env', 'dev', '--yes']]) {
      const result = f.run(args);
      assert.equal(result.code, 2, `tranche ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, new RegExp(`holds a damaged record \\(release ${applied.json.releaseId} holds a plan this tranche cannot read`));
      assert.match(result.stderr, /plan: batches\.0\.steps\.0\.rollback is missing the required key to \(at \/batches\/0\/steps\/0\/rollback\)/);
      assert.doesNotMatch(result.stderr, NO_STACK);
    }
    assert.equal(await f.version('alpha'), 'v1', 'nothing was rolled back');
  });

  test('a plan file with a malformed value at any depth is refused (exit 2) with its file:line:column and JSON pointer, never a stack trace', async (t) => {
    const plans = tempDir(t, 'tranche-plans-');
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    f.commit('v1');
    const file = join(plans, 'plan.json');
    expectOk(f.run(['plan', '--env', 'dev', '-o', file]), 'plan -o');
    const edits: [string, (plan: any) => void, RegExp][] = [
      ['format', (p) => (p.format = '1'), /format must be 1, found "1" \(at \/format\)/],
      ['newer', (p) => (p.format = 2), /plan format 2 is newer than this tranche reads \(format 1\)/],
      ['policy', (p) => (p.policy.bake = '5s'), /policy\.bake must be an integer, found the string "5s" \(at \/policy\/bake\)/],
      ['findings', (p) => (p.findings = [7]), /findings\.0 must be a map, found the integer 7 \(at \/findings\/0\)/],
      ['step', (p) => (p.batches[0].steps[0].to = 5), /batches\.0\.steps\.0\.to must be a map, found the integer 5 \(at \/batches\/0\/steps\/0\/to\)/],
      [
        'rollback',
        (p) => (p.batches[0].steps[0].rollback = { action: 'redeploy' }),
        /batches\.0\.steps\.0\.rollback is missing the required key to \(at \/batches\/0\/steps\/0\/rollback\)/,
      ],
      [
        'sanity',
        (p) => (p.batches[0].gates.sanity.alpha[0] = { name: 'x' }),
        /batches\.0\.gates\.sanity\.alpha\.0 must be a string, found a map \(at \/batches\/0\/gates\/sanity\/alpha\/0\)/,
      ],
      ['commit', (p) => (p.to.commit = '--upload-pack=touch /tmp/pwned'), /to\.commit: "--upload-pack=touch \/tmp\/pwned" is not a git commit id/],
      ['basis', (p) => (p.basis = null), /basis must be a map, found nothing \(null\) \(at \/basis\)/],
    ];
    for (const [name, edit, message] of edits) {
      const path = tampered(file, name, edit);
      const result = f.run(['apply', path, '--yes']);
      assert.equal(result.code, 2, `${name}:\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, new RegExp(`is not a plan this tranche can read:\\n  ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `), name);
      assert.match(result.stderr, message, name);
      assert.doesNotMatch(result.stderr, NO_STACK, name);
      assert.doesNotMatch(result.stderr, /internal error/, name);
    }
    // The line and column are those of the value in the file.
    const step = f.run(['apply', join(plans, 'step.json'), '--yes']);
    const [line, column] = /step\.json:(\d+):(\d+): /.exec(step.stderr)!.slice(1).map(Number);
    assert.equal(
      readFileSync(join(plans, 'step.json'), 'utf8')
        .split('\n')
        [line! - 1]!.slice(column! - 1),
      '"to": 5,'.slice(6),
    );

    writeFileSync(join(plans, 'cut.json'), readFileSync(file, 'utf8').slice(0, 200));
    writeFileSync(join(plans, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    for (const [name, message] of [
      ['cut.json', /cut\.json:\d+:\d+: not JSON: /],
      ['latin1.json', /latin1\.json is not a plan: it is not UTF-8 text/],
    ] as const) {
      const result = f.run(['apply', join(plans, name), '--yes']);
      assert.equal(result.code, 2, `${name}:\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, NO_STACK);
    }
    // tranche plan made the fleet's fingerprint key there, and nothing else may be.
    assert.deepEqual(
      readdirSync(join(f.dir, '.tranche')).sort(),
      ['.gitignore', 'fingerprint.key'],
      'a refused plan file creates no state store and deploys nothing',
    );
    assert.ok(!existsSync('/tmp/pwned'));
  });
});
