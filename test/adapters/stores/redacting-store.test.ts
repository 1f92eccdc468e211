import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redactor } from '../../../src/core/config/redact-secrets.js';
import { RedactingStore } from '../../../src/adapters/stores/redacting-store.js';
import { SqliteStore } from '../../../src/adapters/stores/sqlite-store.js';
import { holdLock } from '../../support/held-store.js';
import { formsIn } from '../../support/secret-forms.js';
import { emptyPlan } from '../../core/plan/plan-fixture.js';

const SECRET = 'p@ss:w/rd+"ü-42';

describe('RedactingStore', () => {
  test('records no secret the redactor knows, in any form, in any field of anything it is given to keep', async () => {
    const inner = new SqliteStore(':memory:');
    await inner.migrate();
    const redactor = new Redactor();
    const store = (await holdLock(new RedactingStore(inner, redactor), 'dev')).fenced;
    redactor.add([SECRET]);
    const quoted = `GET /x/${encodeURIComponent(SECRET)} answered 500: ${JSON.stringify({ echo: SECRET })} ${Buffer.from(`u:${SECRET}`).toString('base64')}`;
    const by = { user: 'alice', host: 'laptop', pid: 1 };
    await store.createRelease({
      id: 'r1',
      kind: 'release',
      env: 'dev',
      status: 'running',
      intent: `deploy ${SECRET}`,
      toCommit: 'c'.repeat(40),
      by,
      startedAt: '2026-01-01T00:00:00.000Z',
      plan: emptyPlan({ findings: [{ rule: 'check/failed', severity: 'error', message: quoted }] }),
    });
    await store.appendJournal({
      releaseId: 'r1',
      at: '2026-01-01T00:00:01.000Z',
      batch: 1,
      service: 'a',
      kind: 'deploy',
      event: 'failed',
      detail: { error: quoted, nested: [{ deeper: SECRET }] },
    });
    await store.recordCheck({
      releaseId: 'r1',
      at: '2026-01-01T00:00:02.000Z',
      batch: 1,
      service: 'a',
      gate: 'sanity',
      name: 'echo',
      ok: false,
      message: quoted,
      durationMs: 3,
    });
    await store.recordFindings('r1', [{ rule: 'check/failed', severity: 'error', service: 'a', message: quoted, hint: SECRET }]);
    const state = {
      env: 'dev',
      service: 'a',
      commit: 'c'.repeat(40),
      contentId: 'x',
      configHash: 'hmac:0123456789abcdef',
      config: { NOTE: quoted },
      releaseId: 'r1',
      deployedAt: '2026-01-01T00:00:03.000Z',
    };
    await store.completeStep(
      { releaseId: 'r1', at: '2026-01-01T00:00:03.000Z', batch: 1, service: 'a', kind: 'deploy', event: 'succeeded', detail: { to: SECRET } },
      'a',
      state,
    );
    await store.updateRelease('r1', { status: 'failed', summary: quoted });
    await store.freeze({ env: 'dev', reason: quoted, allowScope: [], by: 'alice', createdAt: '2026-01-01T00:00:04.000Z' });

    const kept = JSON.stringify([
      await inner.getRelease('r1'),
      await inner.journal('r1'),
      await inner.checks('r1'),
      await inner.findings('r1'),
      [...(await inner.deployed('dev')).values()],
      await inner.freezes(),
    ]);
    assert.deepEqual(formsIn(kept, SECRET), []);
    assert.match(kept, /\[secret\]/);
    assert.equal((await inner.journal('r1'))[0]?.detail?.nested !== undefined, true, 'the shape of what is kept is unchanged');
    await store.close();
  });

  test('passes what it is given through untouched while it knows no secret', async () => {
    const inner = new SqliteStore(':memory:');
    await inner.migrate();
    const store = (await holdLock(new RedactingStore(inner, new Redactor()), 'dev')).fenced;
    const release = {
      id: 'r1',
      kind: 'release' as const,
      env: 'dev',
      status: 'running' as const,
      toCommit: 'c',
      by: { user: 'u', host: 'h', pid: 1 },
      startedAt: '2026-01-01T00:00:00.000Z',
      plan: emptyPlan({ intent: 'p@ss:w/rd+"ü-42' }),
    };
    await store.createRelease(release);
    assert.deepEqual(await store.getRelease('r1'), release);
    await store.close();
  });
});
