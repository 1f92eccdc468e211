import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemClock } from '../../../src/adapters/clock/system-clock.js';
import type { Clock } from '../../../src/ports/clock.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';

/** A clock under test, and how to let its time pass while something sleeps on it. */
interface ClockUnderTest {
  clock: Clock;
  /** Lets time pass for a pending sleep: nothing for the real clock, an advance for the manual one. */
  pass(ms: number): Promise<void>;
}

/** What every Clock must do, as `ports/clock.ts` says. */
function clockContract(name: string, make: () => ClockUnderTest): void {
  describe(`${name} clock contract`, () => {
    test('sleep resolves once its time has passed on the monotonic clock', async () => {
      const { clock, pass } = make();
      const from = clock.monotonic();
      const sleeping = clock.sleep(30);
      await pass(30);
      await sleeping;
      assert.ok(clock.monotonic() - from >= 29.5, `woke after ${clock.monotonic() - from} ms`);
    });

    test('an abort ends a sleep early and without error; an aborted signal does not sleep at all', async () => {
      const { clock } = make();
      const from = clock.monotonic();
      const stop = new AbortController();
      const sleeping = clock.sleep(3_600_000, stop.signal);
      stop.abort(new Error('stopped'));
      await sleeping;
      await clock.sleep(3_600_000, stop.signal);
      assert.ok(clock.monotonic() - from < 3_600_000);
    });

    test('monotonic never goes back', async () => {
      const { clock, pass } = make();
      let last = clock.monotonic();
      for (let i = 0; i < 200; i++) {
        if (i % 50 === 0) {
          const sleeping = clock.sleep(1);
          await pass(1);
          await sleeping;
        }
        const now = clock.monotonic();
        assert.ok(now >= last, `${now} after ${last}`);
        last = now;
      }
    });

    test('now is a valid date', () => {
      assert.ok(!Number.isNaN(make().clock.now().getTime()));
    });
  });
}

clockContract('system', () => ({ clock: systemClock, pass: async () => undefined }));
clockContract('manual', () => {
  const clock = new ManualClock();
  return {
    clock,
    pass: async (ms) => {
      await clock.untilSleeping();
      clock.advance(ms);
    },
  };
});

describe('ManualClock', () => {
  test('a sleep waits for the test to advance time past its end, and wakes sleepers in the order they end', async () => {
    const clock = new ManualClock();
    const woke: string[] = [];
    const long = clock.sleep(100).then(() => woke.push('long'));
    const short = clock.sleep(40).then(() => woke.push('short'));
    await clock.untilSleeping(2);
    clock.advance(39);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(woke, []);
    clock.advance(100);
    await Promise.all([long, short]);
    assert.deepEqual(woke, ['short', 'long']);
    assert.equal(clock.sleeping, 0);
  });

  test('stepping the wall clock moves now, not monotonic', () => {
    const clock = new ManualClock(new Date('2026-12-01T10:00:00.000Z'));
    clock.advance(1_000);
    clock.stepWall(-7_200_000);
    assert.equal(clock.now().toISOString(), '2026-12-01T08:00:01.000Z');
    assert.equal(clock.monotonic(), 1_000);
  });
});
