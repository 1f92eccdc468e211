import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rolloutFleet, type JournalJson } from './rollout-fleet.js';

// `tranche down` is a rollout like apply and rollback: a release whose steps stop each service
// recorded as deployed, journaled step by step.

describe('tranche down', () => {
  test('stops every deployed service as journaled steps of a release of its own; status and history say so; apply deploys anew', async (t) => {
    const f = await rolloutFleet(t, { services: [{ name: 'a' }, { name: 'b' }] });
    f.commit('v1');
    const apply = f.run(['apply', '--env', 'dev', '--yes']);
    assert.equal(apply.code, 0, apply.stderr);
    assert.equal(await f.version('a'), 'v1');

    const down = f.run(['down', '--env', 'dev']);
    assert.equal(down.code, 0, down.stderr);
    const match = /^dev: stopped 2 services \(tranche down\) — release (\S+)\n$/.exec(down.stdout);
    assert.ok(match, down.stdout);
    assert.match(down.stderr, /stop a done/);
    for (const s of ['a', 'b']) assert.match(await f.version(s), /^unreachable/, `${s} was stopped`);

    const shown = f.json<{ release: { status: string; summary: string }; journal: JournalJson[] }>(['show', match[1]!]).json;
    assert.deepEqual([shown.release.status, shown.release.summary], ['succeeded', 'stopped 2 services (tranche down)']);
    const steps = shown.journal
      .filter((e) => e.service)
      .map((e) => `${e.service} ${e.kind} ${e.event}`)
      .sort();
    assert.deepEqual(steps, ['a rollback started', 'a rollback succeeded', 'b rollback started', 'b rollback succeeded']);
    const status = f.json<{ services: unknown[]; lock: unknown }>(['status', '--env', 'dev']).json;
    assert.deepEqual([status.services, status.lock], [[], null]);

    const again = f.run(['apply', '--env', 'dev', '--yes']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await f.version('b'), 'v1');
  });
});
