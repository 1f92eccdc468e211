import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort, holdPort, rolloutFleet, type RolloutFleet } from './rollout-fleet.js';
import { expectOk } from '../support/scratch.js';

// Liveness in the gates, end to end: real services started by the local driver, real ports held
// by real processes, the real bin/tranche. What is asserted is the diagnosis: the rule, the pid,
// the exit code and the log lines a person reads, and that nothing is taken for a lying health
// check when the service's process is not what answered.

interface CheckEvent {
  type: string;
  gate?: string;
  phase?: string;
  service?: string;
  name?: string;
  ok?: boolean;
  message?: string;
  detail?: string;
}
interface ApplyJson {
  releaseId: string;
  status: string;
  summary: string;
  events: CheckEvent[];
}
interface ShowJson {
  release: { status: string; summary: string };
  checks: { batch: number; service: string; gate: string; name: string; ok: boolean; message: string }[];
  findings: { rule: string; severity: string; service?: string; message: string; hint?: string }[];
}

const APPLY = ['apply', '--env', 'dev', '--yes'];
/** What the misdiagnosis looked like: the rule and the words of its message. */
const LYING_HEALTH = /lying-health|does not tell whether the service works/;

function lastRelease(f: RolloutFleet): string {
  return f.json<{ releases: { id: string }[] }>(['history']).json.releases[0]!.id;
}

/** The rules of the findings recorded about `service`, with their severity. */
const rulesOf = (show: ShowJson, service: string) =>
  show.findings
    .filter((x) => x.service === service)
    .map((x) => `${x.rule} ${x.severity}`)
    .sort();

/** What the process on `port` answers (one request, no keep-alive). */
function answer(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 3000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('liveness in the gates, end to end with the local driver', () => {
  test('a healthy service passes, and the record names the process that listens on its port', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }] });
    f.commit('v1');
    const apply = f.json<ApplyJson>(APPLY);
    assert.equal(apply.code, 0, apply.stderr);
    assert.equal(apply.json.status, 'succeeded');
    const show = f.json<ShowJson>(['show', apply.json.releaseId]).json;
    const process = show.checks.filter((c) => c.name === 'process');
    assert.deepEqual(
      process.map((c) => [c.service, c.gate, c.ok, c.message]),
      [['alpha', 'health', true, `pid ${f.currentPid('alpha')} is alive and listens on port ${f.ports.get('alpha')}`]],
    );
    assert.deepEqual(
      show.findings.filter((x) => x.rule.startsWith('check/')),
      [],
    );
  });

  test('a port another process holds before the start is check/port-in-use naming its pid; the batch is rolled back and the previous version serves again', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }], onFailure: 'rollback-batch' });
    f.commit('v1');
    expectOk(f.run(APPLY), 'the first apply');
    const taken = await freePort();
    const holder = await holdPort(taken);
    t.after(() => holder.close());
    f.setVersion('alpha', 'v2').write({ 'services/alpha/config/dev.yaml': `PORT: ${taken}\n` });
    f.commit('v2: alpha moves to a port another program holds');

    const apply = f.run(APPLY);
    assert.equal(apply.code, 1, apply.stdout + apply.stderr);
    assert.match(
      apply.stdout,
      new RegExp(
        `failed — batch 1 failed \\(alpha: check/port-in-use: deploy failed: port ${taken} of alpha is held by another process: pid ${holder.pid}\\b.*so alpha was not started\\); batch 1 was rolled back`,
      ),
    );
    assert.doesNotMatch(apply.stdout + apply.stderr, LYING_HEALTH);
    assert.equal(await f.version('alpha'), 'v1', 'the previous version serves again on its own port');
    assert.equal(await answer(taken), 'ok', 'the holder was left alone');

    const show = f.json<ShowJson>(['show', lastRelease(f)]).json;
    assert.equal(show.release.status, 'failed');
    assert.deepEqual(rulesOf(show, 'alpha'), ['check/port-in-use error']);
    const finding = show.findings.find((x) => x.rule === 'check/port-in-use')!;
    assert.match(finding.message, new RegExp(`^deploy failed: port ${taken} of alpha is held by another process: pid ${holder.pid}\\b`));
    assert.equal(finding.hint, `stop pid ${holder.pid}, or give alpha a port of its own`);
  });

  test('a process that exits with code 3 before it listens, while something else answers on its port, is a failed deploy, check/exited with its code and the end of its log (secrets masked), never a lying health check', async (t) => {
    const secret = `tok-${randomBytes(12).toString('hex')}`;
    const f = await rolloutFleet(t, { services: [{ name: 'alpha', secret: true }], onFailure: 'rollback-batch' });
    f.write({ 'services/alpha/deploy/dev.env': `TOKEN=${secret}\n` });
    f.commit('v1');
    expectOk(f.run(APPLY), 'the first apply');
    // v2 never listens: it prints its token in a fatal line and exits with code 3, and a process it
    // left behind then answers every check on its port.
    f.setVersion('alpha', 'v2', { kind: 'exits-before-listening', code: 3, ms: 400 });
    f.commit('v2: alpha dies');

    const apply = f.run(APPLY);
    assert.equal(apply.code, 1, apply.stdout + apply.stderr);
    // The driver waits for the process to listen on its port or to exit: it sees the exit.
    assert.match(
      apply.stdout,
      /failed — batch 1 failed \(alpha: check\/exited: deploy failed: alpha's process \(pid \d+\) exited with code 3\); batch 1 was rolled back/,
    );
    assert.match(
      apply.stderr,
      /alpha's process \(pid \d+\) exited with code 3; last lines of its log \(\S+service\.log\):\n\s+starting v2\n\s+fatal: the ledger refused TOKEN=\[secret\]\n/,
    );
    assert.doesNotMatch(apply.stdout + apply.stderr, LYING_HEALTH);
    assert.equal(await f.version('alpha'), 'v1', 'the previous version serves again (what the dead one left was stopped)');

    const id = lastRelease(f);
    const showText = f.run(['show', id, '--json']).stdout;
    const show = JSON.parse(showText) as ShowJson;
    assert.deepEqual(rulesOf(show, 'alpha'), ['check/exited error']);
    const finding = show.findings.find((x) => x.rule === 'check/exited')!;
    assert.match(finding.message, /^deploy failed: alpha's process \(pid \d+\) exited with code 3; last lines of its log/);
    assert.match(finding.message, /fatal: the ledger refused TOKEN=\[secret\]/);
    assert.deepEqual(
      show.checks.filter((c) => c.name === 'process').map((c) => [c.gate, c.ok]),
      [['health', true]],
      'no gate ran for v2 (its deploy failed); the version the rollback restored passed the health gate',
    );
    for (const [what, text] of [
      ['apply stdout', apply.stdout],
      ['apply stderr', apply.stderr],
      ['show --json', showText],
    ] as const) {
      assert.ok(!text.includes(secret), `${what} holds the secret`);
    }
    assert.ok(!readFileSync(join(f.dir, '.tranche', 'state.db')).includes(secret), 'state.db holds the secret');
  });

  test('a process that dies during the bake is caught there as check/exited, though something else keeps answering its checks', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'alpha' }], bake: '3s', onFailure: 'rollback-batch' });
    f.commit('v1');
    expectOk(f.run(APPLY), 'the first apply');
    // v2 serves, passes health and sanity, then exits with code 3 600 ms after its first /work.
    f.setVersion('alpha', 'v2', { kind: 'exits-after-work', code: 3, ms: 600 });
    f.commit('v2: alpha dies after a while');

    const apply = f.json<ApplyJson>(APPLY);
    assert.equal(apply.code, 1, apply.stderr);
    assert.equal(apply.json.status, 'failed');
    const gates = apply.json.events.filter((e) => e.type === 'gate' && e.phase !== 'started').map((e) => `${e.gate} ${e.phase}`);
    // The deploy's gates, then the rollback's: the restored version passes the same gates, bake included.
    assert.deepEqual(gates.slice(-6), ['health passed', 'sanity passed', 'bake failed', 'health passed', 'sanity passed', 'bake passed'], apply.json.summary);
    const failed = apply.json.events.find((e) => e.type === 'gate' && e.phase === 'failed')!;
    assert.match(failed.detail ?? '', /^alpha: alpha's process \(pid \d+\) exited with code 3$/);
    const dead = apply.json.events.find((e) => e.type === 'check' && e.name === 'process' && e.ok === false)!;
    assert.equal(dead.gate, 'bake');
    assert.match(dead.message ?? '', /exited with code 3; last lines of its log \(\S+service\.log\):\n\s+serving v2 on port \d+\n\s+fatal: lost the ledger$/);
    assert.match(apply.json.summary, /^batch 1 failed \(alpha: check\/exited: alpha's process \(pid \d+\) exited with code 3\); batch 1 was rolled back$/);
    assert.doesNotMatch(JSON.stringify(apply.json), LYING_HEALTH);
    assert.equal(await f.version('alpha'), 'v1');

    const show = f.json<ShowJson>(['show', apply.json.releaseId]).json;
    assert.deepEqual(rulesOf(show, 'alpha'), ['check/exited error']);
    assert.match(show.findings.find((x) => x.rule === 'check/exited')!.message, /^bake gate: alpha's process/);
  });
});
