import type { CheckRecord, DeployedService, Fence, JournalEntry, Release, Store } from '../ports/store.js';
import type { Finding } from '../core/finding.js';

/**
 * The store as the holder of an environment's lock uses it: the writes of a release without
 * their fence, which is the lock's (`fenceStore`). Everything else is the Store's own.
 */
export type FencedStore = Omit<Store, FencedWrite> & {
  createRelease(release: Release): Promise<void>;
  updateRelease(id: string, patch: Partial<Pick<Release, 'status' | 'finishedAt' | 'summary'>>): Promise<void>;
  /** Appends and returns the entry's seq. */
  appendJournal(entry: JournalEntry): Promise<number>;
  recordCheck(record: CheckRecord): Promise<void>;
  recordFindings(releaseId: string, findings: Finding[]): Promise<void>;
  /** Records a finished step atomically with its journal entry (see `DeployedStore.completeStep`). */
  completeStep(entry: JournalEntry, service: string, state: DeployedService | null): Promise<number>;
};

type FencedWrite = 'createRelease' | 'updateRelease' | 'appendJournal' | 'recordCheck' | 'recordFindings' | 'completeStep';

/** `store`, every write of a release made under `fence`: refused (LockLostError) once the fence no longer holds the lock. */
export function fenceStore(store: Store, fence: Fence): FencedStore {
  return {
    createRelease: (release) => store.createRelease(release, fence),
    updateRelease: (id, patch) => store.updateRelease(id, patch, fence),
    appendJournal: (entry) => store.appendJournal(entry, fence),
    recordCheck: (record) => store.recordCheck(record, fence),
    recordFindings: (releaseId, findings) => store.recordFindings(releaseId, findings, fence),
    completeStep: (entry, service, state) => store.completeStep(entry, service, state, fence),
    getRelease: (id) => store.getRelease(id),
    listReleases: (filter) => store.listReleases(filter),
    journal: (releaseId) => store.journal(releaseId),
    checks: (releaseId) => store.checks(releaseId),
    findings: (releaseId) => store.findings(releaseId),
    deployed: (env) => store.deployed(env),
    acquireLock: (holder) => store.acquireLock(holder),
    heartbeat: (env, token, releaseId) => store.heartbeat(env, token, releaseId),
    releaseLock: (env, token) => store.releaseLock(env, token),
    breakLock: (env) => store.breakLock(env),
    currentLock: (env) => store.currentLock(env),
    freeze: (freeze) => store.freeze(freeze),
    unfreeze: (env, service) => store.unfreeze(env, service),
    freezes: (env) => store.freezes(env),
    migrate: () => store.migrate(),
    fingerprintKey: (proposed) => store.fingerprintKey(proposed),
    close: () => store.close(),
  };
}
