import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { LockLostError } from '../../../src/ports/store.js';
import { emptyPlan, fixturePlan } from '../../core/plan/plan-fixture.js';
import type { Finding } from '../../../src/core/finding.js';
import type {
  CheckRecord,
  DeployedService,
  Fence,
  Freeze,
  JournalEntry,
  LockHolder,
  LockRequest,
  LockState,
  Release,
  Store,
} from '../../../src/ports/store.js';

/** How another process opens the same store as one `open` gave: a module, the class it exports, its constructor's arguments. */
export interface StoreLocation {
  moduleUrl: string;
  className: string;
  args: unknown[];
}

/**
 * How a store of one process only (MemoryStore) is reached again: another connection to what it
 * holds, in this process. The cases that open a store "in another process" open one of these.
 */
export interface StoreConnection {
  connect(): Promise<Store>;
}

/**
 * The behaviour every `Store` implementation must have. `open` gives a migrated store holding
 * nothing; `dispose` closes it and removes whatever it stored; `locate` says how a separate
 * process opens the same store (or, for a store that lives in one process, how another
 * connection to it is opened).
 */
export function storeContract(
  name: string,
  open: () => Promise<Store>,
  dispose: (s: Store) => Promise<void>,
  locate: (s: Store) => StoreLocation | StoreConnection,
): void {
  /** A test on a fresh store. */
  function bare(title: string, body: (store: Store) => Promise<void>): void {
    test(title, async () => {
      const store = await open();
      try {
        await body(store);
      } finally {
        await dispose(store);
      }
    });
  }

  /** A test on a fresh store whose prod and staging locks this test holds: the fences to write with. */
  function it(title: string, body: (store: Store, fences: Record<'prod' | 'staging', Fence>) => Promise<void>): void {
    bare(title, async (store) => body(store, { prod: await hold(store, 'prod'), staging: await hold(store, 'staging') }));
  }

  describe(`${name}: releases`, () => {
    it('reads a release back with every field, its plan JSON and scope included', async (store, fences) => {
      const full = release('r1', {
        intent: 'move orders-db to port 6432',
        scope: ['config', 'code'],
        fromCommit: 'a'.repeat(40),
        finishedAt: '2025-03-01T10:05:00.000Z',
        summary: 'succeeded: 3 services in 2 batches',
        status: 'succeeded',
        plan: fixturePlan({ findings: [{ rule: 'change/no-intent', severity: 'warn', message: 'ünïcødé ✓ "quoted"' }] }),
      });
      await store.createRelease(full, fences.prod);
      assert.deepEqual(await store.getRelease('r1'), full);
    });

    it('keeps what kind of record a release is: a release, or an adoption of what runs', async (store, fences) => {
      await store.createRelease(release('adopted', { kind: 'adoption', status: 'succeeded', plan: emptyPlan() }), fences.prod);
      await store.createRelease(release('deployed'), fences.prod);
      assert.deepEqual((await store.listReleases({ env: 'prod' })).map((r) => [r.id, r.kind]).sort(), [
        ['adopted', 'adoption'],
        ['deployed', 'release'],
      ]);
    });

    it('leaves absent optional fields absent, and tells an empty scope from none', async (store, fences) => {
      await store.createRelease(release('bare'), fences.prod);
      await store.createRelease(release('empty-scope', { scope: [] }), fences.prod);
      assert.deepEqual(await store.getRelease('bare'), release('bare'));
      assert.deepEqual((await store.getRelease('empty-scope'))?.scope, []);
    });

    it('answers undefined for a release it does not have, and refuses a second release with one id', async (store, fences) => {
      assert.equal(await store.getRelease('nope'), undefined);
      await store.createRelease(release('r1'), fences.prod);
      await assert.rejects(store.createRelease(release('r1', { env: 'staging' }), fences.staging));
      assert.equal((await store.getRelease('r1'))?.env, 'prod');
    });

    it('updates status, finish time and summary, leaving every other field as it was', async (store, fences) => {
      await store.createRelease(release('r1', { summary: 'started' }), fences.prod);
      await store.updateRelease('r1', { status: 'paused' }, fences.prod);
      assert.deepEqual(await store.getRelease('r1'), release('r1', { summary: 'started', status: 'paused' }));
      await store.updateRelease('r1', { status: 'rolled-back', finishedAt: '2025-03-01T11:00:00.000Z', summary: 'rolled back on request' }, fences.prod);
      assert.deepEqual(
        await store.getRelease('r1'),
        release('r1', { status: 'rolled-back', finishedAt: '2025-03-01T11:00:00.000Z', summary: 'rolled back on request' }),
      );
      await assert.rejects(store.updateRelease('nope', { status: 'failed' }, fences.prod), /nope/);
    });

    it('lists releases newest first, for one environment, up to a limit', async (store, fences) => {
      // Created out of order; r5 starts at the same time as r4 but was created later.
      for (const [id, env, minute] of [
        ['r2', 'prod', 2],
        ['r1', 'prod', 1],
        ['r3', 'staging', 3],
        ['r4', 'prod', 4],
        ['r5', 'prod', 4],
      ] as const) {
        await store.createRelease(release(id, { env, startedAt: `2025-03-01T10:0${minute}:00.000Z` }), fences[env]);
      }
      const ids = async (filter?: { env?: string; limit?: number }) => (await store.listReleases(filter)).map((r) => r.id);
      assert.deepEqual(await ids(), ['r5', 'r4', 'r3', 'r2', 'r1']);
      assert.deepEqual(await ids({ env: 'prod' }), ['r5', 'r4', 'r2', 'r1']);
      assert.deepEqual(await ids({ env: 'prod', limit: 2 }), ['r5', 'r4']);
      assert.deepEqual(await ids({ limit: 3 }), ['r5', 'r4', 'r3']);
      assert.deepEqual(await ids({ env: 'dev' }), []);
      assert.deepEqual((await store.listReleases({ env: 'staging' }))[0], release('r3', { env: 'staging', startedAt: '2025-03-01T10:03:00.000Z' }));
    });
  });

  describe(`${name}: journal`, () => {
    it('numbers entries 1, 2, 3… per release in write order, whatever seq the caller passed', async (store, fences) => {
      await store.createRelease(release('a'), fences.prod);
      await store.createRelease(release('b'), fences.prod);
      const written = [
        entry('a', { kind: 'release', event: 'started', batch: 0 }),
        entry('b', { kind: 'release', event: 'started', batch: 0 }),
        entry('a', { service: 'orders', detail: { to: 'abc', nested: { list: [1, 'two', null] } } }),
        entry('a', { service: 'orders', event: 'succeeded', seq: 99 }),
        entry('b', { kind: 'gate', event: 'failed', batch: 1, detail: { gate: 'sanity', error: 'HTTP 500' } }),
      ];
      const seqs = [];
      for (const e of written) seqs.push(await store.appendJournal(e, fences.prod));
      assert.deepEqual(seqs, [1, 1, 2, 3, 2]);
      assert.deepEqual(await store.journal('a'), [
        { ...written[0], seq: 1 },
        { ...written[2], seq: 2 },
        { ...written[3], seq: 3 },
      ]);
      assert.deepEqual(await store.journal('b'), [
        { ...written[1], seq: 1 },
        { ...written[4], seq: 2 },
      ]);
    });

    it('gives concurrent appends to one release distinct seqs with no gap', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      const seqs = await Promise.all(Array.from({ length: 25 }, (_, n) => store.appendJournal(entry('r1', { detail: { n } }), fences.prod)));
      assert.deepEqual(
        [...seqs].sort((x, y) => x - y),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      const journal = await store.journal('r1');
      assert.deepEqual(
        journal.map((e) => e.seq),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      assert.deepEqual(new Set(journal.map((e) => e.detail?.n)), new Set(Array.from({ length: 25 }, (_, n) => n)));
    });

    it('refuses an entry for a release it does not have', async (store, fences) => {
      await assert.rejects(store.appendJournal(entry('ghost'), fences.prod), /ghost/);
      assert.deepEqual(await store.journal('ghost'), []);
    });
  });

  describe(`${name}: steps and deployed state`, () => {
    it('records a step with the deployed state it leaves, replacing the previous state', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      await store.appendJournal(entry('r1', { kind: 'release', event: 'started', batch: 0 }), fences.prod);
      const done = entry('r1', { event: 'succeeded', service: 'orders' });
      assert.equal(await store.completeStep(done, 'orders', deployedState('orders', 'r1', 'c1'), fences.prod), 2);
      assert.equal(await store.completeStep(done, 'orders', deployedState('orders', 'r1', 'c2'), fences.prod), 3);
      assert.deepEqual((await store.journal('r1')).slice(1), [
        { ...done, seq: 2 },
        { ...done, seq: 3 },
      ]);
      assert.deepEqual(await store.deployed('prod'), new Map([['orders', deployedState('orders', 'r1', 'c2')]]));
    });

    it('stores neither the journal entry nor the state when the state cannot be written', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      const before = deployedState('orders', 'r1', 'c1');
      await store.completeStep(entry('r1', { event: 'succeeded', service: 'orders' }), 'orders', before, fences.prod);
      // The state names a release the store does not have: the store's reference to releases
      // rejects it, after the journal entry of the same step was written.
      const orphan = { ...deployedState('orders', 'r1', 'c2'), releaseId: 'no-such-release' };
      await assert.rejects(store.completeStep(entry('r1', { event: 'succeeded', service: 'orders', detail: { try: 2 } }), 'orders', orphan, fences.prod));
      assert.deepEqual(
        (await store.journal('r1')).map((e) => e.seq),
        [1],
      );
      assert.deepEqual(await store.deployed('prod'), new Map([['orders', before]]));
      assert.equal(await store.appendJournal(entry('r1'), fences.prod), 2, 'the failed step took no seq');
    });

    it('removes the deployed state when a step records that nothing runs any more', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      await store.completeStep(entry('r1', { service: 'orders', event: 'succeeded' }), 'orders', deployedState('orders', 'r1', 'c1'), fences.prod);
      await store.completeStep(entry('r1', { service: 'billing', event: 'succeeded' }), 'billing', deployedState('billing', 'r1', 'c1'), fences.prod);
      const rollback = entry('r1', { kind: 'rollback', event: 'succeeded', service: 'orders' });
      assert.equal(await store.completeStep(rollback, 'orders', null, fences.prod), 3);
      assert.deepEqual([...(await store.deployed('prod')).keys()], ['billing']);
      assert.deepEqual((await store.journal('r1'))[2], { ...rollback, seq: 3 });
    });

    it('refuses a step whose state is of another service or environment, storing nothing', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      const step = entry('r1', { service: 'orders', event: 'succeeded' });
      await assert.rejects(store.completeStep(step, 'orders', deployedState('billing', 'r1', 'c1'), fences.prod), /billing/);
      await assert.rejects(store.completeStep(step, 'orders', { ...deployedState('orders', 'r1', 'c1'), env: 'staging' }, fences.prod), /staging/);
      assert.deepEqual(await store.journal('r1'), []);
      assert.deepEqual(await store.deployed('staging'), new Map());
    });

    it('maps each service to what is deployed in one environment only', async (store, fences) => {
      await store.createRelease(release('p1'), fences.prod);
      await store.createRelease(release('s1', { env: 'staging' }), fences.staging);
      const orders = {
        ...deployedState('orders', 'p1', 'c1'),
        config: { DB_URL: 'postgres://db:6432/orders', TOKEN: 'sha256:1a2b3c4d', EMPTY: '', 'QUOTE"S': 'a\nb' },
      };
      const billing = deployedState('billing', 'p1', 'c2');
      const staged = { ...deployedState('orders', 's1', 'c3'), env: 'staging' };
      await store.completeStep(entry('p1', { service: 'orders' }), 'orders', orders, fences.prod);
      await store.completeStep(entry('p1', { service: 'billing' }), 'billing', billing, fences.prod);
      await store.completeStep(entry('s1', { service: 'orders' }), 'orders', staged, fences.staging);
      assert.deepEqual(
        await store.deployed('prod'),
        new Map([
          ['billing', billing],
          ['orders', orders],
        ]),
      );
      assert.deepEqual(await store.deployed('staging'), new Map([['orders', staged]]));
      assert.deepEqual(await store.deployed('dev'), new Map());
    });
  });

  describe(`${name}: checks and findings`, () => {
    it('keeps check results in the order they were recorded', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      const records: CheckRecord[] = [
        {
          releaseId: 'r1',
          at: '2025-03-01T10:01:00.000Z',
          batch: 1,
          service: 'orders',
          gate: 'health',
          name: 'http /healthz',
          ok: true,
          message: '200 OK',
          durationMs: 12.5,
        },
        {
          releaseId: 'r1',
          at: '2025-03-01T10:01:01.000Z',
          batch: 1,
          service: 'orders',
          gate: 'sanity',
          name: 'db query',
          ok: false,
          message: 'relation "orders" does not exist',
          durationMs: 3,
        },
        {
          releaseId: 'r1',
          at: '2025-03-01T10:00:00.000Z',
          batch: 0,
          service: 'billing',
          gate: 'preflight',
          name: 'tcp db:6432',
          ok: true,
          message: 'connected',
          durationMs: 0,
        },
      ];
      for (const r of records) await store.recordCheck(r, fences.prod);
      assert.deepEqual(await store.checks('r1'), records);
      assert.deepEqual(await store.checks('r2'), []);
    });

    it('keeps findings with their location and hint, in order, across calls', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      const first: Finding[] = [
        {
          rule: 'config/stale-value',
          severity: 'error',
          service: 'inventory',
          env: 'prod',
          key: 'DB_PORT',
          message: 'old value',
          hint: 'bind it',
          location: { file: 'services/inventory/config/prod.yaml', line: 1, column: 1 },
        },
        { rule: 'change/no-intent', severity: 'warn', message: 'no intent given' },
        { rule: 'config/drift', severity: 'info', service: 'orders', message: 'drifts', location: { file: 'tranche.yaml' } },
      ];
      const second: Finding[] = [
        {
          rule: 'check/lying-health',
          severity: 'warn',
          service: 'orders',
          env: 'prod',
          message: 'health passed, sanity failed',
          location: { file: 'tranche.yaml', line: 40 },
        },
      ];
      await store.recordFindings('r1', first, fences.prod);
      await store.recordFindings('r1', [], fences.prod);
      await store.recordFindings('r1', second, fences.prod);
      assert.deepEqual(await store.findings('r1'), [...first, ...second]);
      assert.deepEqual(await store.findings('r2'), []);
    });
  });

  describe(`${name}: locks`, () => {
    /** What the store shows of a holder, but the times it stamps itself. */
    const identity = (h: LockState | LockHolder | LockRequest | undefined) => h && { ...h, acquiredAt: undefined, heartbeatAt: undefined, silentMs: undefined };

    bare("takes a free lock and shows its holder, stamped with the store's time", async (store) => {
      const a = holder('prod', 'token-a', { releaseId: 'r1' });
      const before = Date.now();
      assert.deepEqual(await store.acquireLock(a), { acquired: true });
      const current = await store.currentLock('prod');
      assert.deepEqual(identity(current), identity({ ...a, acquiredAt: '', heartbeatAt: '' }));
      assert.equal(current!.acquiredAt, current!.heartbeatAt);
      // The store's clock is this machine's here; a few seconds of slack for a database elsewhere.
      assert.ok(Math.abs(Date.parse(current!.acquiredAt) - before) < 5_000, current!.acquiredAt);
      assert.ok(current!.silentMs >= 0 && current!.silentMs < 5_000, `silent ${current!.silentMs} ms`);
      assert.equal(await store.currentLock('staging'), undefined);
      const s = holder('staging', 'token-s');
      assert.deepEqual(await store.acquireLock(s), { acquired: true }, 'each environment has its own lock');
      assert.equal((await store.currentLock('staging'))?.token, 'token-s');
    });

    bare("answers a second claimant with the first holder's identity", async (store) => {
      const a = holder('prod', 'token-a');
      await store.acquireLock(a);
      const second = await store.acquireLock(holder('prod', 'token-b', { user: 'bob', host: 'ci-7', pid: 4242 }));
      assert.equal(second.acquired, false);
      assert.deepEqual(identity(!second.acquired ? second.holder : undefined), identity(a));
      assert.equal((await store.currentLock('prod'))?.token, 'token-a');
    });

    bare('counts the same token again as the same acquisition', async (store) => {
      const a = holder('prod', 'token-a');
      await store.acquireLock(a);
      assert.deepEqual(await store.acquireLock(a), { acquired: true });
      assert.deepEqual(identity(await store.currentLock('prod')), identity(a));
    });

    bare("measures a holder's silence by its own clock; a heartbeat resets it, and anyone else is told the lock is not theirs", async (store) => {
      await store.acquireLock(holder('prod', 'token-a'));
      const taken = (await store.currentLock('prod'))!;
      await new Promise((resolve) => setTimeout(resolve, 120));
      const silent = (await store.currentLock('prod'))!;
      assert.ok(silent.silentMs >= 100, `silent ${silent.silentMs} ms after 120 ms without a heartbeat`);
      await store.heartbeat('prod', 'token-a');
      const beaten = (await store.currentLock('prod'))!;
      assert.ok(beaten.heartbeatAt > taken.heartbeatAt, `${beaten.heartbeatAt} after ${taken.heartbeatAt}`);
      assert.ok(beaten.silentMs < silent.silentMs, `silent ${beaten.silentMs} ms right after a heartbeat`);
      assert.equal(beaten.acquiredAt, taken.acquiredAt);
      await assert.rejects(store.heartbeat('prod', 'token-b'), LockLostError);
      await assert.rejects(store.heartbeat('staging', 'token-a'), LockLostError);
      assert.equal((await store.currentLock('prod'))?.heartbeatAt, beaten.heartbeatAt);
    });

    bare('a heartbeat may name the release the holder works on; one that does not keeps it', async (store) => {
      await store.acquireLock(holder('prod', 'token-a'));
      assert.equal((await store.currentLock('prod'))?.releaseId, undefined);
      await store.heartbeat('prod', 'token-a', 'r-chosen');
      assert.equal((await store.currentLock('prod'))?.releaseId, 'r-chosen');
      await store.heartbeat('prod', 'token-a');
      assert.equal((await store.currentLock('prod'))?.releaseId, 'r-chosen');
      await assert.rejects(store.heartbeat('prod', 'token-b', 'r-other'), LockLostError);
      assert.equal((await store.currentLock('prod'))?.releaseId, 'r-chosen');
    });

    bare("releases only with the holder's token", async (store) => {
      await store.acquireLock(holder('prod', 'token-a'));
      await store.releaseLock('prod', 'token-b');
      assert.equal((await store.currentLock('prod'))?.token, 'token-a');
      await store.releaseLock('prod', 'token-a');
      assert.equal(await store.currentLock('prod'), undefined);
      assert.deepEqual(await store.acquireLock(holder('prod', 'token-b')), { acquired: true });
    });

    bare('breaks whoever holds the lock and says who it was; the old holder cannot touch the next', async (store) => {
      const a = holder('prod', 'token-a', { releaseId: 'r1' });
      await store.acquireLock(a);
      assert.deepEqual(identity(await store.breakLock('prod')), identity(a));
      assert.equal(await store.currentLock('prod'), undefined);
      assert.equal(await store.breakLock('prod'), undefined);
      const b = holder('prod', 'token-b');
      assert.deepEqual(await store.acquireLock(b), { acquired: true });
      await assert.rejects(store.heartbeat('prod', 'token-a'), (error: unknown) => {
        assert.ok(error instanceof LockLostError);
        assert.equal(error.holder?.token, 'token-b');
        return true;
      });
      await store.releaseLock('prod', 'token-a');
      assert.equal((await store.currentLock('prod'))?.token, 'token-b');
    });
  });

  describe(`${name}: fencing`, () => {
    /** Each write of a release, made under `fence`: what it writes is in `readBack`. */
    const writes: Array<[string, (store: Store, fence: Fence) => Promise<unknown>]> = [
      ['createRelease', (store, fence) => store.createRelease(release('r2'), fence)],
      ['updateRelease', (store, fence) => store.updateRelease('r1', { status: 'paused', summary: 'paused by the fence test' }, fence)],
      ['appendJournal', (store, fence) => store.appendJournal(entry('r1', { detail: { fenced: true } }), fence)],
      [
        'recordCheck',
        (store, fence) =>
          store.recordCheck(
            {
              releaseId: 'r1',
              at: '2025-03-01T10:01:00.000Z',
              batch: 1,
              service: 'orders',
              gate: 'health',
              name: 'up',
              ok: true,
              message: '200',
              durationMs: 1,
            },
            fence,
          ),
      ],
      [
        'recordFindings',
        (store, fence) => store.recordFindings('r1', [{ rule: 'check/failed', severity: 'error', service: 'orders', message: 'fenced' }], fence),
      ],
      [
        'completeStep',
        (store, fence) => store.completeStep(entry('r1', { service: 'orders', event: 'succeeded' }), 'orders', deployedState('orders', 'r1', 'c9'), fence),
      ],
    ];

    /** Everything the writes above could have written. */
    const readBack = async (store: Store) => ({
      releases: await store.listReleases(),
      journal: await store.journal('r1'),
      checks: await store.checks('r1'),
      findings: await store.findings('r1'),
      deployed: [...(await store.deployed('prod')).entries()],
    });

    /** A store holding release r1 of prod, written under `fences.prod`. */
    const withRelease = async (store: Store, fences: Record<'prod' | 'staging', Fence>) => {
      await store.createRelease(release('r1'), fences.prod);
      await store.appendJournal(entry('r1', { kind: 'release', event: 'started', batch: 0 }), fences.prod);
    };

    it("accepts each write of a release under the fence of its environment's holder", async (store, fences) => {
      await withRelease(store, fences);
      for (const [write, make] of writes) {
        const before = await readBack(store);
        await make(store, fences.prod);
        assert.notDeepEqual(await readBack(store), before, `${write} wrote nothing`);
      }
      assert.equal((await store.getRelease('r2'))?.id, 'r2');
      assert.equal((await store.getRelease('r1'))?.status, 'paused');
      assert.equal((await store.deployed('prod')).get('orders')?.commit, 'c9');
    });

    /** Each way a fence stops holding: what it does to the lock, the fence written with then, and who holds the lock after. */
    const losses: Array<[string, (store: Store, fences: Record<'prod' | 'staging', Fence>) => Promise<{ fence: Fence; holder: string | undefined }>]> = [
      [
        'after the lock was broken',
        async (store, fences) => {
          await store.breakLock('prod');
          return { fence: fences.prod, holder: undefined };
        },
      ],
      [
        'after another process took the lock',
        async (store, fences) => {
          await store.breakLock('prod');
          await store.acquireLock(holder('prod', 'token-other', { user: 'bob', host: 'ci-7', pid: 4242 }));
          return { fence: fences.prod, holder: 'token-other' };
        },
      ],
      [
        'after the lock was released',
        async (store, fences) => {
          await store.releaseLock('prod', fences.prod.token);
          return { fence: fences.prod, holder: undefined };
        },
      ],
      ["with a token that is not the holder's", async (_, fences) => ({ fence: { env: 'prod', token: 'token-wrong' }, holder: fences.prod.token })],
      ['with the fence of another environment', async (_, fences) => ({ fence: fences.staging, holder: fences.prod.token })],
      [
        "with the holder's token named for another environment",
        async (_, fences) => ({ fence: { env: 'staging', token: fences.prod.token }, holder: fences.prod.token }),
      ],
    ];

    for (const [how, lose] of losses) {
      it(`refuses each write of a release ${how}, writing nothing`, async (store, fences) => {
        await withRelease(store, fences);
        const { fence, holder: now } = await lose(store, fences);
        for (const [write, make] of writes) {
          const before = await readBack(store);
          await assert.rejects(make(store, fence), (error: unknown) => {
            assert.ok(error instanceof LockLostError, `${write}: ${String(error)}`);
            assert.equal(error.env, 'prod', write);
            assert.equal(error.token, fence.token, write);
            assert.equal(error.holder?.token, now, write);
            return true;
          });
          assert.deepEqual(await readBack(store), before, `${write} wrote under a fence that does not hold`);
        }
      });
    }
  });

  describe(`${name}: freezes`, () => {
    const prod: Freeze = {
      env: 'prod',
      reason: 'db migration',
      allowScope: ['config'],
      until: '2025-03-02T00:00:00.000Z',
      by: 'alice',
      createdAt: '2025-03-01T09:00:00.000Z',
    };
    const orders: Freeze = { env: 'prod', service: 'orders', reason: 'schema change', allowScope: [], by: 'bob', createdAt: '2025-03-01T09:30:00.000Z' };
    const staging: Freeze = { env: 'staging', reason: 'load test', allowScope: ['config', 'deps'], by: 'carol', createdAt: '2025-03-01T08:00:00.000Z' };

    bare('freezes environments and single services, and lists them per environment', async (store) => {
      for (const f of [orders, staging, prod]) await store.freeze(f);
      assert.deepEqual(await store.freezes('prod'), [prod, orders]);
      assert.deepEqual(await store.freezes(), [prod, orders, staging]);
      assert.deepEqual(await store.freezes('dev'), []);
    });

    bare('replaces a freeze of the same environment or service', async (store) => {
      await store.freeze(prod);
      await store.freeze(orders);
      const longer = { ...prod, reason: 'db migration, take two', allowScope: [], until: '2025-03-03T00:00:00.000Z' };
      await store.freeze(longer);
      assert.deepEqual(await store.freezes('prod'), [longer, orders]);
    });

    bare('unfreezes exactly the environment or the service named', async (store) => {
      await store.freeze(prod);
      await store.freeze(orders);
      assert.equal(await store.unfreeze('prod', 'orders'), true);
      assert.equal(await store.unfreeze('prod', 'orders'), false);
      assert.deepEqual(await store.freezes('prod'), [prod]);
      assert.equal(await store.unfreeze('prod'), true);
      assert.equal(await store.unfreeze('prod'), false);
      assert.deepEqual(await store.freezes(), []);
    });
  });

  describe(`${name}: fingerprint key`, () => {
    bare('keeps the first key it is given for ever: every later call gets that one, from any connection', async (store) => {
      const [first, second] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
      assert.equal(await store.fingerprintKey(first), first);
      assert.equal(await store.fingerprintKey(second), first);
      await store.migrate();
      assert.equal(await store.fingerprintKey(second), first, 'migrating again keeps the key');
      const location = locate(store);
      const [other] = await racingKeys(location, [second]);
      assert.equal(other, first, 'another process gets the same key');
    });

    bare('gives two processes that make the key at the same moment one and the same key', async (store) => {
      const proposals = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
      const keys = await racingKeys(locate(store), proposals);
      assert.equal(keys[0], keys[1], `each process got its own key: ${keys.join(', ')}`);
      assert.ok(proposals.includes(keys[0]!), 'the key is one of the proposals');
      assert.equal(await store.fingerprintKey(randomBytes(32).toString('hex')), keys[0], 'and it stays');
    });
  });

  describe(`${name}: schema`, () => {
    it('migrates again, twice, without touching what is stored', async (store, fences) => {
      await store.createRelease(release('r1'), fences.prod);
      await store.appendJournal(entry('r1'), fences.prod);
      await store.freeze({ env: 'prod', reason: 'x', allowScope: [], by: 'alice', createdAt: '2025-03-01T09:00:00.000Z' });
      await store.migrate();
      await store.migrate();
      assert.deepEqual(await store.getRelease('r1'), release('r1'));
      assert.equal((await store.journal('r1')).length, 1);
      assert.equal(await store.appendJournal(entry('r1'), fences.prod), 2);
      assert.equal((await store.freezes()).length, 1);
    });
  });
}

/**
 * Opens the store at `location` in one process per proposal (one connection each, for a store of
 * one process); once all are ready, each asks for the fingerprint key with its proposal at the
 * same moment. Returns what each got.
 */
async function racingKeys(location: StoreLocation | StoreConnection, proposals: string[]): Promise<string[]> {
  if ('connect' in location) {
    const stores = await Promise.all(proposals.map(() => location.connect()));
    for (const store of stores) await store.migrate();
    try {
      return await Promise.all(stores.map((store, i) => store.fingerprintKey(proposals[i]!)));
    } finally {
      for (const store of stores) await store.close();
    }
  }
  const script = `
    const [moduleUrl, className, args, proposal] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3]), process.argv[4]];
    const store = new (await import(moduleUrl))[className](...args);
    await store.migrate();
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const key = await store.fingerprintKey(proposal);
    await store.close();
    process.stdout.write(key + '\\n');
  `;
  const children = proposals.map((proposal) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', script, location.moduleUrl, location.className, JSON.stringify(location.args), proposal],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.startsWith('ready\n') && resolve());
      child.on('close', () => reject(new Error(`a process exited before it was ready: ${err}`)));
    });
    const done = new Promise<string>((resolve, reject) => {
      child.on('close', (code) => (code === 0 ? resolve(out.slice('ready\n'.length).trim()) : reject(new Error(`a process exited with ${code}: ${err}`))));
    });
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin.end('go\n');
  return Promise.all(children.map((c) => c.done));
}

/** A running release of prod, for tests of the stores and the lock. */
export function release(id: string, fields: Partial<Release> = {}): Release {
  return {
    id,
    kind: 'release',
    env: 'prod',
    status: 'running',
    toCommit: 'b'.repeat(40),
    by: { user: 'alice', host: 'laptop', pid: 1234 },
    startedAt: '2025-03-01T10:00:00.000Z',
    plan: emptyPlan(),
    ...fields,
  };
}

function entry(releaseId: string, fields: Partial<JournalEntry> = {}): JournalEntry {
  return { releaseId, at: '2025-03-01T10:00:00.000Z', batch: 1, kind: 'deploy', event: 'started', ...fields };
}

function deployedState(service: string, releaseId: string, commit: string): DeployedService {
  return {
    env: 'prod',
    service,
    commit,
    contentId: `tree-${commit}`,
    configHash: `sha256:${commit}`,
    config: { PORT: '8080' },
    releaseId,
    deployedAt: '2025-03-01T10:01:00.000Z',
  };
}

/** Takes `env`'s lock (free) with a token of its own: the fence of its holder. */
async function hold(store: Store, env: string): Promise<Fence> {
  const fence = { env, token: `fence-${env}-${randomBytes(4).toString('hex')}` };
  assert.deepEqual(await store.acquireLock(holder(env, fence.token)), { acquired: true });
  return fence;
}

function holder(env: string, token: string, fields: Partial<LockRequest> = {}): LockRequest {
  return { env, token, user: 'alice', host: 'laptop', pid: 1234, ...fields };
}
