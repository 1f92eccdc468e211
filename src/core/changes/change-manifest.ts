import type { DependencyChange } from '../deps/dependency-change.js';

/** What a change to a service is about (PRODUCT §2 release scope). */
export type ChangeKind = 'config' | 'code' | 'deps' | 'contract';
export const CHANGE_KINDS: readonly ChangeKind[] = ['config', 'code', 'deps', 'contract'];

/** A file of a service that the release changes. */
export interface ServiceFileChange {
  path: string;
  /** git's status letter: A, M, D, T. */
  status: string;
  kind: ChangeKind;
}

/** A commit of the range that touches a service, with the service's files it touches. */
export interface ServiceCommit {
  sha: string;
  author: string;
  date: string;
  subject: string;
  files: string[];
}

/** A config key whose resolved value changes (shown values: secrets as fingerprints). */
export interface ConfigKeyChange {
  key: string;
  from: string | null;
  to: string | null;
}

export interface ServiceDependencyChange extends DependencyChange {
  /** Repo path of the lockfile. */
  lockfile: string;
}

/** Everything a release changes in one service. */
export interface ServiceChanges {
  service: string;
  kinds: ChangeKind[];
  files: ServiceFileChange[];
  commits: ServiceCommit[];
  configKeys: ConfigKeyChange[];
  /** Dependency changes from the service's lockfiles, each with the lockfile it comes from. */
  deps: ServiceDependencyChange[];
}

/**
 * Exactly what a release carries, per service: what a person reads to know what went out.
 * Plain JSON; recorded with the plan and the release.
 */
export interface ChangeManifest {
  env: string;
  from: { commit: string; label: string };
  to: { commit: string; label: string };
  /** Only services with at least one change, in manifest order. */
  services: ServiceChanges[];
  /** Changed files no service owns (shared docs, CI config…). */
  unowned: string[];
}
