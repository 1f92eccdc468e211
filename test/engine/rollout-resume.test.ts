import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JournalEntry } from '../../src/core/state/records.js';
import type { FakeProcess } from '../support/fakes/fake-driver.js';
import { engineFor, ENV, V2, type Engine, type FleetSpec } from '../support/engine-harness.js';

// Crash safety in-process: tranche dies right after each write of a release (the store as that
// write left it, the services as they ran then), or right after a driver call whose end it had not
// recorded yet; `resume` must bring the release to the end an uninterrupted run reaches, doing
// no step twice unless the journal left it in doubt.

interface Cut {
  /** How many of the store's writes landed. */
  writes: number;
  /** What ran then. */
  world: Map<string, FakeProcess>;
  /** How many driver calls had been made. */
  calls: number;
  what: string;
}

interface Scenario {
  name: string;
  spec: FleetSpec;
  /** Scripts the engine's fakes (on a fresh engine too). */
  script?: (e: Engine) => void;
}

const scenarios: Scenario[] = [
  { name: 'a release of two batches that succeeds', spec: { services: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }] } },
  {
    name: 'a release whose second batch fails and is rolled back whole',
    spec: { onFailure: 'rollback-release', services: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }] },
    script: (e) => e.checks.script('b', 'b works', () => e.driver.versions(ENV).b !== V2),
  },
];

/** Deploys of `service` to the target (not rollbacks) among `calls`. */
const deploysOf = (calls: { op: string; service: string; action?: string; commit?: string }[], service: string) =>
  calls.filter((c) => c.op === 'deploy' && c.service === service && c.action === 'deploy').length;

/** Services whose deploy the journal shows started and not ended: in doubt. */
function inDoubt(journal: JournalEntry[]): Set<string> {
  const open = new Set<string>();
  for (const j of journal) {
    if (j.kind !== 'deploy' || !j.service) continue;
    if (j.event === 'started') open.add(j.service);
    else open.delete(j.service);
  }
  return open;
}

for (const scenario of scenarios) {
  describe(`resume after a crash at every boundary: ${scenario.name}`, () => {
    test('ends as the uninterrupted run ends, with no step done twice unless in doubt', async () => {
      const whole = await engineFor(scenario.spec);
      scenario.script?.(whole);
      const cuts: Cut[] = [];
      whole.store.onWrite((write, index) =>
        cuts.push({
          writes: index + 1,
          world: whole.driver.world(),
          calls: whole.driver.calls.length,
          what: `${write.method} ${JSON.stringify(write.args[0]).slice(0, 80)}`,
        }),
      );
      const outcome = await whole.apply();
      const expected = { status: outcome.status, versions: whole.driver.versions(ENV), recorded: await whole.recorded() };
      const created = cuts.findIndex((c) => c.what.startsWith('createRelease'));
      assert.ok(created >= 0 && cuts.length - created > 10, `${cuts.length} writes`);

      let resumed = 0;
      for (let i = created; i < cuts.length; i++) {
        const cut = cuts[i]!;
        // Right after write i; and after the driver calls that came before write i + 1 (not recorded).
        const variants = [{ world: cut.world, calls: cut.calls, how: 'right after' }];
        const next = cuts[i + 1];
        if (next && next.calls !== cut.calls) variants.push({ world: next.world, calls: next.calls, how: 'after the driver call that followed' });
        for (const variant of variants) {
          const where = `crash ${variant.how} write ${cut.writes} (${cut.what})`;
          const e = await engineFor(scenario.spec);
          scenario.script?.(e);
          await e.crashed(whole.store.writes.slice(0, cut.writes), variant.world);
          const release = await e.latest();
          const journal = await e.store.journal(release.id);
          if (release.status === 'running' || release.status === 'paused') {
            const end = await e.resume();
            resumed++;
            assert.equal(end.status, expected.status, `${where}: ${end.summary}`);
          }
          assert.equal((await e.latest()).status, expected.status, where);
          assert.deepEqual(e.driver.versions(ENV), expected.versions, where);
          assert.deepEqual(await e.recorded(), expected.recorded, where);
          const before = whole.driver.calls.slice(0, variant.calls);
          const doubtful = inDoubt(journal);
          for (const service of ['a', 'b']) {
            const times = deploysOf(before, service) + deploysOf(e.driver.calls, service);
            const allowed = deploysOf(whole.driver.calls, service) + (doubtful.has(service) ? 1 : 0);
            assert.ok(times <= allowed, `${where}: ${service} deployed ${times} times (${allowed} allowed${doubtful.has(service) ? ', in doubt' : ''})`);
          }
        }
      }
      assert.ok(resumed > 10, `${resumed} crashes resumed`);
    });
  });
}
