import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { rolloutFleet, type JournalJson } from './rollout-fleet.js';

// A rollback is a rollout: what it restores passes the gates of a deploy (health, sanity, bake),
// and a restored batch that fails them pauses the release saying which service and which check.

const APPLY = ['apply', '--env', 'dev', '--yes'];

describe('the gates of a rollback', () => {
  test('a restored batch that fails its sanity check pauses the release (exit 3) naming it; once fixed, resume restores and checks it again', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tranche-ready-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const ready = join(dir, 'ready');
    writeFileSync(ready, 'ok\n');
    const f = await rolloutFleet(t, { services: [{ name: 'a' }, { name: 'b' }], batchSize: 1, onFailure: 'rollback-batch' });
    // b's v1 works while `ready` exists: it passes its gates now, and not once it is gone.
    f.setVersion('b', 'v1', { kind: 'broken-until', file: ready }).commit('v1');
    const first = f.run(APPLY);
    assert.equal(first.code, 0, first.stderr);
    f.setVersion('a', 'v2').setVersion('b', 'v2', { kind: 'broken' }).commit('v2: b broken');
    rmSync(ready);

    const apply = f.run(APPLY);
    assert.equal(apply.code, 3, apply.stdout + apply.stderr);
    const match = /^release (\S+): paused — (.+)\n$/.exec(apply.stdout);
    assert.ok(match, apply.stdout);
    assert.match(
      match[2]!,
      /^rollback paused: batch 2 was restored and failed its sanity gate \(b: .*work answers.*\); the previous version runs but does not pass its checks: look at it \(tranche status --env dev\), then tranche rollback --env dev restores and checks it again \(the rollback was for: batch 2 failed \(b: .*\); batch 2 was rolled back\)$/,
    );
    const shown = f.json<{ release: { status: string }; journal: JournalJson[] }>(['show', match[1]!]).json;
    assert.equal(shown.release.status, 'paused');
    assert.deepEqual(
      shown.journal.filter((e) => e.service === 'b').map((e) => `${e.kind} ${e.event}`),
      ['deploy started', 'deploy succeeded', 'rollback started', 'rollback failed'],
    );
    const status = f.json<{ next?: string }>(['status', '--env', 'dev']).json;
    assert.match(status.next ?? '', /is paused: tranche resume --env dev, or tranche rollback --env dev/);

    writeFileSync(ready, 'ok\n');
    const resume = f.run(['resume', '--env', 'dev', '--yes']);
    assert.equal(resume.code, 1, resume.stdout + resume.stderr);
    assert.match(resume.stdout, /: failed — batch 2 failed \(b: .*\); batch 2 was rolled back\n$/);
    assert.deepEqual([await f.version('a'), await f.version('b')], ['v2', 'v1']);
    const after = f.json<{ journal: JournalJson[] }>(['show', match[1]!]).json;
    assert.deepEqual(
      after.journal
        .filter((e) => e.service === 'b')
        .map((e) => `${e.kind} ${e.event}`)
        .slice(-2),
      ['rollback started', 'rollback succeeded'],
    );
  });
});
