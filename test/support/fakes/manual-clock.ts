import type { Clock } from '../../../src/ports/clock.js';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A clock that moves only when the test says so (`advance`): a `sleep` resolves once time has
 * been advanced past its end, or at once when its signal aborts. The wall clock (`now`) moves with
 * it from `start`, and can be stepped on its own (`stepWall`), as NTP does; `monotonic` never does.
 * `untilSleeping` lets a test wait, without any timer, until the code under test sleeps.
 */
export class ManualClock implements Clock {
  private elapsed = 0;
  private wallOffset = 0;
  private readonly sleepers = new Set<Sleeper>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly start = new Date('2026-12-01T10:00:00.000Z')) {}

  now(): Date {
    return new Date(this.start.getTime() + this.elapsed + this.wallOffset);
  }

  monotonic(): number {
    return this.elapsed;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        wakeAt: this.elapsed + Math.max(0, ms),
        resolve: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.resolve);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.resolve, { once: true });
      this.notify();
    });
  }

  /** How many sleeps are pending. */
  get sleeping(): number {
    return this.sleepers.size;
  }

  /** When the next pending sleep ends (monotonic ms), if any sleeps. */
  get nextWake(): number | undefined {
    let next: number | undefined;
    for (const s of this.sleepers) if (next === undefined || s.wakeAt < next) next = s.wakeAt;
    return next;
  }

  /** Resolves once at least `count` sleeps are pending (at once if they already are). */
  untilSleeping(count = 1): Promise<void> {
    if (this.sleepers.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Moves time on by `ms`, waking every sleep that ends by then (in the order they end). */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a manual clock never goes back');
    this.elapsed += ms;
    const due = [...this.sleepers].filter((s) => s.wakeAt <= this.elapsed).sort((a, b) => a.wakeAt - b.wakeAt);
    for (const s of due) s.resolve();
  }

  /** Steps the wall clock alone (records move; durations do not). */
  stepWall(ms: number): void {
    this.wallOffset += ms;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (this.sleepers.size < waiter.count) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

/**
 * Runs `work` to its end on `clock`: whenever everything ready to run has run and `work` is
 * asleep on the clock, time jumps to the next wake-up. Work waiting on something else (a slow
 * start the test releases) is simply waited for: the test acts on it beside this.
 */
export async function runOnClock<T>(clock: ManualClock, work: Promise<T>, options: { maxJumps?: number } = {}): Promise<T> {
  let settled = false;
  const done = work.finally(() => (settled = true));
  done.catch(() => undefined);
  let jumps = 0;
  while (!settled) {
    // Let every promise chain and I/O callback that is ready run before looking at the clock.
    await new Promise((resolve) => setImmediate(resolve));
    if (settled) break;
    const next = clock.nextWake;
    if (next === undefined) continue;
    if (++jumps > (options.maxJumps ?? 100_000)) throw new Error('runOnClock: the work keeps sleeping (a loop that never ends?)');
    clock.advance(next - clock.monotonic());
  }
  return done;
}
