import type { DependencyChange } from '../deps/dependency-change.js';

/** What a change to a service is about (PRODUCT §2 release scope): what `--scope` and freezes name. */
export type ChangeKind = 'config' | 'code' | 'deps' | 'contract';
export const CHANGE_KINDS: readonly ChangeKind[] = ['config', 'code', 'deps', 'contract'];

export function isChangeKind(word: string): word is ChangeKind {
  return (CHANGE_KINDS as readonly string[]).includes(word);
}

/** A commit as people name it: the full id and how it was asked for (`v1 (e30d538)`). */
export interface RevisionRef {
  commit: string;
  label: string;
}

/** A file of a service that the release changes. */
export interface ServiceFileChange {
  path: string;
  /** git's status letter: A, M, D, T, R (renamed from `from`). */
  status: string;
  /** The path before a rename. */
  from?: string;
  kind: ChangeKind;
  /**
   * It changes nothing that runs in this environment — a config source of other environments
   * only, or a manifest edit of what runs elsewhere or of how the service is checked — so it does
   * not count among the service's kinds here.
   */
  noEffectHere?: true;
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
  /**
   * What the service runs before the release: its own deployed commit (services of one
   * environment may run different ones). Absent for a service new to the environment.
   */
  from?: RevisionRef;
  /**
   * What the change is about in this environment, from its files (a config source read here,
   * code, a lockfile or the dependency fields of a package manifest, a spec it provides) and its
   * resolved config. A new service is all of code and config.
   */
  kinds: ChangeKind[];
  files: ServiceFileChange[];
  commits: ServiceCommit[];
  configKeys: ConfigKeyChange[];
  /** Dependency changes from the service's lockfiles, each with the lockfile it comes from. */
  deps: ServiceDependencyChange[];
  /** Why what the service runs could not be compared with the target (a `change/unreadable` finding says more). */
  unreadable?: string;
}

/**
 * Exactly what a release carries, per service: what a person reads to know what went out.
 * Plain JSON; recorded with the plan and the release.
 */
export interface ChangeManifest {
  env: string;
  /** The revision every service starts from, when they all run one; absent when they run several (see each service's `from`). */
  from?: RevisionRef;
  to: RevisionRef;
  /** Only services with at least one change, in manifest order. */
  services: ServiceChanges[];
  /** Changed files no service owns (shared docs, CI config…). */
  unowned: string[];
}

/** The kinds that need a new build of the service: anything but config. */
export function changesCode(kinds: readonly ChangeKind[]): boolean {
  return kinds.some((k) => k !== 'config');
}
