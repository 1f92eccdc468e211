import type { Redactor } from '../../core/config/redact-secrets.js';
import type { Finding } from '../../core/finding.js';
import type { CheckRecord, DeployedService, Fence, Freeze, JournalEntry, LockHolder, LockRequest, LockState, Release, Store } from '../../ports/store.js';

/**
 * A store that keeps no secret: every text it is given to record — a release and its plan, a
 * journal entry's detail, a check's message, a finding, a summary, a freeze's reason — is first
 * cleared of every secret `redactor` knows, in any form (see Redactor). The one place between
 * what tranche meets (a driver's error, a check's answer) and what it keeps. Reads pass through.
 */
export class RedactingStore implements Store {
  constructor(
    private readonly store: Store,
    private readonly redactor: Redactor,
  ) {}

  migrate(): Promise<void> {
    return this.store.migrate();
  }

  fingerprintKey(proposed: string): Promise<string> {
    return this.store.fingerprintKey(proposed);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  createRelease(release: Release, fence: Fence): Promise<void> {
    return this.store.createRelease(this.clean(release), fence);
  }

  updateRelease(id: string, patch: Partial<Pick<Release, 'status' | 'finishedAt' | 'summary'>>, fence: Fence): Promise<void> {
    return this.store.updateRelease(id, this.clean(patch), fence);
  }

  getRelease(id: string): Promise<Release | undefined> {
    return this.store.getRelease(id);
  }

  listReleases(filter?: { env?: string; limit?: number }): Promise<Release[]> {
    return this.store.listReleases(filter);
  }

  appendJournal(entry: JournalEntry, fence: Fence): Promise<number> {
    return this.store.appendJournal(this.clean(entry), fence);
  }

  journal(releaseId: string): Promise<JournalEntry[]> {
    return this.store.journal(releaseId);
  }

  recordCheck(record: CheckRecord, fence: Fence): Promise<void> {
    return this.store.recordCheck(this.clean(record), fence);
  }

  checks(releaseId: string): Promise<CheckRecord[]> {
    return this.store.checks(releaseId);
  }

  recordFindings(releaseId: string, findings: Finding[], fence: Fence): Promise<void> {
    return this.store.recordFindings(releaseId, this.clean(findings), fence);
  }

  findings(releaseId: string): Promise<Finding[]> {
    return this.store.findings(releaseId);
  }

  deployed(env: string): Promise<Map<string, DeployedService>> {
    return this.store.deployed(env);
  }

  completeStep(entry: JournalEntry, service: string, state: DeployedService | null, fence: Fence): Promise<number> {
    return this.store.completeStep(this.clean(entry), service, state && this.clean(state), fence);
  }

  acquireLock(holder: LockRequest): Promise<{ acquired: true } | { acquired: false; holder: LockState }> {
    return this.store.acquireLock(holder);
  }

  heartbeat(env: string, token: string, releaseId?: string): Promise<void> {
    return this.store.heartbeat(env, token, releaseId);
  }

  releaseLock(env: string, token: string): Promise<void> {
    return this.store.releaseLock(env, token);
  }

  breakLock(env: string): Promise<LockHolder | undefined> {
    return this.store.breakLock(env);
  }

  currentLock(env: string): Promise<LockState | undefined> {
    return this.store.currentLock(env);
  }

  freeze(freeze: Freeze): Promise<void> {
    return this.store.freeze(this.clean(freeze));
  }

  unfreeze(env: string, service?: string): Promise<boolean> {
    return this.store.unfreeze(env, service);
  }

  freezes(env?: string): Promise<Freeze[]> {
    return this.store.freezes(env);
  }

  /** A copy of `value` with every string in it redacted (object keys are names, kept as they are). */
  private clean<T>(value: T): T {
    if (this.redactor.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.redactor.redact(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v === null || typeof v !== 'object') return v;
      const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
      for (const [key, inner] of Object.entries(v))
        Object.defineProperty(copy, key, { value: walk(inner), enumerable: true, writable: true, configurable: true });
      return copy;
    };
    return walk(value) as T;
  }
}
