import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore } from '../../../src/adapters/stores/open-store.js';
import { storeFault } from '../../../src/adapters/stores/store-fault.js';
import { LockLostError, StoreFaultError } from '../../../src/ports/store.js';
import { holdLock } from '../../support/held-store.js';
import { emptyPlan } from '../../core/plan/plan-fixture.js';

// What each way a store can fail says, from the real errors of the real drivers.

const dir = mkdtempSync(join(tmpdir(), 'tranche-store-fault-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function openFault(spec: string): Promise<StoreFaultError> {
  try {
    await openStore(spec, dir);
  } catch (error) {
    assert.ok(error instanceof StoreFaultError, `not a StoreFaultError: ${String(error)}`);
    assert.equal(error.opening, true);
    return error;
  }
  assert.fail(`${spec} opened`);
}

describe('storeFault', () => {
  test('Postgres refusing the login: check the user and password (never shown)', async () => {
    const fault = await openFault('postgres://no_such_role_here:s3cret-pw@127.0.0.1:5432/test');
    assert.match(
      fault.message,
      /^the state store postgres:\/\/no_such_role_here:\*\*\*@127\.0\.0\.1:5432\/test refused the login \(.*no_such_role_here.*\): check the user and password in the URL given by --state or TRANCHE_STATE$/,
    );
    assert.doesNotMatch(fault.message, /s3cret-pw/);
  });

  test('a Postgres database that does not exist: create it or fix the URL', async () => {
    const fault = await openFault('postgres://postgres@127.0.0.1:5432/tranche_no_such_database');
    assert.match(
      fault.message,
      /does not exist \(database "tranche_no_such_database" does not exist\): create the database, or fix the URL in --state or TRANCHE_STATE$/,
    );
  });

  test('a .tranche that is a file: the store cannot be created there', async () => {
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const fault = await openFault('not-a-folder/state.db');
    assert.match(fault.message, /^cannot create the state store \S+not-a-folder\/state\.db \(.*\): check the path and this user's permissions on its folder$/);
  });

  test('is undefined for what is no fault of the store: a bug, a lost lock', () => {
    assert.equal(storeFault('x.db', new TypeError('cannot read properties of undefined'), false), undefined);
    assert.equal(storeFault('x.db', new LockLostError('dev', 't', undefined), false), undefined);
    assert.equal(storeFault('x.db', Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }), false), undefined);
  });

  test('an opened store passes the fence of each write through, and a refused one stays a LockLostError', async () => {
    const store = await openStore('fenced/state.db', dir);
    try {
      const { fence } = await holdLock(store, 'dev');
      const release = {
        id: 'r1',
        kind: 'release' as const,
        env: 'dev',
        status: 'running' as const,
        toCommit: 'c'.repeat(40),
        by: { user: 'u', host: 'h', pid: 1 },
        startedAt: '2026-01-01T00:00:00.000Z',
        plan: emptyPlan(),
      };
      await store.createRelease(release, fence);
      await assert.rejects(
        store.appendJournal({ releaseId: 'r1', at: release.startedAt, batch: 0, kind: 'release', event: 'started' }, { env: 'dev', token: 'not-the-holder' }),
        LockLostError,
      );
      assert.equal(await store.appendJournal({ releaseId: 'r1', at: release.startedAt, batch: 0, kind: 'release', event: 'started' }, fence), 1);
    } finally {
      await store.close();
    }
  });
});
