import { systemClock } from '../../../src/adapters/clock/system-clock.js';
import { validateStep } from '../../../src/adapters/stores/validate-step.js';
import type { Finding } from '../../../src/core/finding.js';
import type { Clock } from '../../../src/ports/clock.js';
import {
  LockLostError,
  type CheckRecord,
  type DeployedService,
  type Fence,
  type Freeze,
  type JournalEntry,
  type LockHolder,
  type LockRequest,
  type LockState,
  type Release,
  type Store,
} from '../../../src/ports/store.js';

/** One write a MemoryStore took, as it was asked: replaying a prefix of them is the state a crash right after the last would leave. */
export interface StoreWrite {
  method: WriteMethod;
  args: unknown[];
}

type WriteMethod =
  | 'createRelease'
  | 'updateRelease'
  | 'appendJournal'
  | 'completeStep'
  | 'recordCheck'
  | 'recordFindings'
  | 'acquireLock'
  | 'heartbeat'
  | 'releaseLock'
  | 'breakLock'
  | 'freeze'
  | 'unfreeze'
  | 'fingerprintKey';

/** What a MemoryStore holds; several stores may share one, as connections share a database. */
export class MemoryState {
  readonly releases = new Map<string, { release: Release; order: number; seq: number }>();
  readonly journal = new Map<string, JournalEntry[]>();
  readonly checks = new Map<string, CheckRecord[]>();
  readonly findings = new Map<string, Finding[]>();
  readonly deployed = new Map<string, DeployedService>();
  readonly locks = new Map<string, { holder: LockHolder; beatAt: number }>();
  readonly freezes = new Map<string, Freeze>();
  key: string | undefined;
  created = 0;
  /** Every write that changed or claimed something, in order. */
  readonly writes: StoreWrite[] = [];
  readonly listeners: ((write: StoreWrite, index: number) => void)[] = [];
}

/**
 * The Store port in memory, for the engine suite: it passes the same contract suite as the SQLite
 * and Postgres stores (`test/adapters/stores/memory-store.test.ts`). Every write is atomic (it
 * checks everything before it changes anything); what goes in and comes out is copied through
 * JSON, as a database would. Lock times are the store's own clock (`clock`: the system's by
 * default, or the test's ManualClock). A write given a `fence` is refused with LockLostError
 * unless the fence's token holds its environment's lock.
 *
 * For tests: `writes` lists every write in order, `replay` builds a store from a prefix of them,
 * and `onWrite` is told of each write as it lands.
 */
export class MemoryStore implements Store {
  private closed = false;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'monotonic'> = systemClock,
    readonly state = new MemoryState(),
  ) {}

  /** Another connection to the same state. */
  connect(): MemoryStore {
    return new MemoryStore(this.clock, this.state);
  }

  /** A store holding what `writes` leave, in order: the state a crash right after the last of them leaves. */
  static async replay(writes: readonly StoreWrite[], clock: Pick<Clock, 'now' | 'monotonic'> = systemClock): Promise<MemoryStore> {
    const store = new MemoryStore(clock);
    for (const write of writes) {
      const method = store[write.method] as (...args: unknown[]) => Promise<unknown>;
      await method.apply(store, copy(write.args)).catch(() => undefined);
    }
    return store;
  }

  get writes(): readonly StoreWrite[] {
    return this.state.writes;
  }

  /** Calls `listener` after each write this store (or another connection) takes. */
  onWrite(listener: (write: StoreWrite, index: number) => void): void {
    this.state.listeners.push(listener);
  }

  async migrate(): Promise<void> {
    this.live();
  }

  async fingerprintKey(proposed: string): Promise<string> {
    this.live();
    if (this.state.key === undefined) {
      this.state.key = proposed;
      this.wrote('fingerprintKey', [proposed]);
    }
    return this.state.key;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async createRelease(release: Release, fence: Fence): Promise<void> {
    this.live();
    this.fenced(fence, release.env);
    if (this.state.releases.has(release.id)) throw new Error(`release ${release.id} already exists`);
    this.state.releases.set(release.id, { release: copy(release), order: this.state.created++, seq: 0 });
    this.wrote('createRelease', [release, fence]);
  }

  async updateRelease(id: string, patch: Partial<Pick<Release, 'status' | 'finishedAt' | 'summary'>>, fence: Fence): Promise<void> {
    this.live();
    const row = this.row(id);
    this.fenced(fence, row.release.env);
    for (const field of ['status', 'finishedAt', 'summary'] as const) {
      if (patch[field] !== undefined) Object.assign(row.release, { [field]: patch[field] });
    }
    this.wrote('updateRelease', [id, patch, fence]);
  }

  async getRelease(id: string): Promise<Release | undefined> {
    this.live();
    const row = this.state.releases.get(id);
    return row && copy(row.release);
  }

  async listReleases(filter: { env?: string; limit?: number } = {}): Promise<Release[]> {
    this.live();
    if (filter.limit !== undefined && (!Number.isInteger(filter.limit) || filter.limit < 0)) {
      throw new RangeError(`internal error: listReleases limit must be a whole number ≥ 0, not ${filter.limit}`);
    }
    const rows = [...this.state.releases.values()]
      .filter((r) => filter.env === undefined || r.release.env === filter.env)
      .sort((a, b) => (a.release.startedAt === b.release.startedAt ? b.order - a.order : a.release.startedAt < b.release.startedAt ? 1 : -1));
    return rows.slice(0, filter.limit ?? rows.length).map((r) => copy(r.release));
  }

  async appendJournal(entry: JournalEntry, fence: Fence): Promise<number> {
    this.live();
    this.fenced(fence, this.row(entry.releaseId).release.env);
    const seq = this.append(entry);
    this.wrote('appendJournal', [entry, fence]);
    return seq;
  }

  async journal(releaseId: string): Promise<JournalEntry[]> {
    this.live();
    return copy(this.state.journal.get(releaseId) ?? []);
  }

  async recordCheck(record: CheckRecord, fence: Fence): Promise<void> {
    this.live();
    this.fenced(fence, this.row(record.releaseId).release.env);
    listOf(this.state.checks, record.releaseId).push(copy(record));
    this.wrote('recordCheck', [record, fence]);
  }

  async checks(releaseId: string): Promise<CheckRecord[]> {
    this.live();
    return copy(this.state.checks.get(releaseId) ?? []);
  }

  async recordFindings(releaseId: string, findings: Finding[], fence: Fence): Promise<void> {
    this.live();
    this.fenced(fence, this.row(releaseId).release.env);
    listOf(this.state.findings, releaseId).push(...copy(findings));
    this.wrote('recordFindings', [releaseId, findings, fence]);
  }

  async findings(releaseId: string): Promise<Finding[]> {
    this.live();
    return copy(this.state.findings.get(releaseId) ?? []);
  }

  async deployed(env: string): Promise<Map<string, DeployedService>> {
    this.live();
    const states = [...this.state.deployed.values()].filter((d) => d.env === env).sort((a, b) => (a.service < b.service ? -1 : 1));
    return new Map(states.map((d) => [d.service, copy(d)]));
  }

  async completeStep(entry: JournalEntry, service: string, state: DeployedService | null, fence: Fence): Promise<number> {
    this.live();
    const { release } = this.row(entry.releaseId);
    this.fenced(fence, release.env);
    validateStep(entry, service, state, release.env);
    // The state refers to its release, as a database's foreign key would: checked before anything is written.
    if (state) this.row(state.releaseId);
    const seq = this.append(entry);
    if (state) this.state.deployed.set(deployedKey(release.env, service), copy(state));
    else this.state.deployed.delete(deployedKey(release.env, service));
    this.wrote('completeStep', [entry, service, state, fence]);
    return seq;
  }

  async acquireLock(holder: LockRequest): Promise<{ acquired: true } | { acquired: false; holder: LockState }> {
    this.live();
    const current = this.state.locks.get(holder.env);
    if (!current) {
      const at = this.clock.now().toISOString();
      this.state.locks.set(holder.env, { holder: { ...copy(holder), acquiredAt: at, heartbeatAt: at }, beatAt: this.clock.monotonic() });
      this.wrote('acquireLock', [holder]);
      return { acquired: true };
    }
    return current.holder.token === holder.token ? { acquired: true } : { acquired: false, holder: this.lockState(current) };
  }

  async heartbeat(env: string, token: string, releaseId?: string): Promise<void> {
    this.live();
    const current = this.state.locks.get(env);
    if (current?.holder.token !== token) throw new LockLostError(env, token, current && copy(current.holder));
    current.holder.heartbeatAt = this.clock.now().toISOString();
    current.beatAt = this.clock.monotonic();
    if (releaseId !== undefined) current.holder.releaseId = releaseId;
    this.wrote('heartbeat', releaseId === undefined ? [env, token] : [env, token, releaseId]);
  }

  async releaseLock(env: string, token: string): Promise<void> {
    this.live();
    if (this.state.locks.get(env)?.holder.token !== token) return;
    this.state.locks.delete(env);
    this.wrote('releaseLock', [env, token]);
  }

  async breakLock(env: string): Promise<LockHolder | undefined> {
    this.live();
    const current = this.state.locks.get(env);
    if (!current) return undefined;
    this.state.locks.delete(env);
    this.wrote('breakLock', [env]);
    return copy(current.holder);
  }

  async currentLock(env: string): Promise<LockState | undefined> {
    this.live();
    const current = this.state.locks.get(env);
    return current && this.lockState(current);
  }

  async freeze(freeze: Freeze): Promise<void> {
    this.live();
    this.state.freezes.set(freezeKey(freeze.env, freeze.service), copy(freeze));
    this.wrote('freeze', [freeze]);
  }

  async unfreeze(env: string, service?: string): Promise<boolean> {
    this.live();
    const removed = this.state.freezes.delete(freezeKey(env, service));
    if (removed) this.wrote('unfreeze', [env, service]);
    return removed;
  }

  async freezes(env?: string): Promise<Freeze[]> {
    this.live();
    // As the databases order them: by environment, then service, the whole environment's first.
    const rows = [...this.state.freezes.values()].filter((f) => env === undefined || f.env === env);
    const key = (f: Freeze) => [f.env, f.service ?? ''] as const;
    rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] === y[1] ? 0 : x[1] < y[1] ? -1 : 1;
    });
    return copy(rows);
  }

  /** Refuses a write to `env` unless `fence` holds that environment's lock. */
  private fenced(fence: Fence, env: string): void {
    const current = this.state.locks.get(env);
    if (fence.env !== env || current?.holder.token !== fence.token) throw new LockLostError(env, fence.token, current && copy(current.holder));
  }

  private append(entry: JournalEntry): number {
    const row = this.row(entry.releaseId);
    const seq = ++row.seq;
    listOf(this.state.journal, entry.releaseId).push({ ...copy(entry), seq });
    return seq;
  }

  private row(id: string): { release: Release; order: number; seq: number } {
    const row = this.state.releases.get(id);
    if (!row) throw new Error(`release ${id} does not exist`);
    return row;
  }

  private lockState(lock: { holder: LockHolder; beatAt: number }): LockState {
    return { ...copy(lock.holder), silentMs: Math.max(0, Math.round(this.clock.monotonic() - lock.beatAt)) };
  }

  private wrote(method: WriteMethod, args: unknown[]): void {
    const write = { method, args: copy(args.filter((a, i) => a !== undefined || i < args.length - 1)) };
    const index = this.state.writes.push(write) - 1;
    for (const listener of this.state.listeners) listener(write, index);
  }

  private live(): void {
    if (this.closed) throw new Error('the memory store is closed');
  }
}

function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

const deployedKey = (env: string, service: string) => `${env}\u0000${service}`;
const freezeKey = (env: string, service: string | undefined) => `${env}\u0000${service ?? ''}`;
