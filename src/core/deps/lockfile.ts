import type { ParseProblem } from '../location.js';

/** The lockfile formats tranche reads, one per parser. */
export type LockfileFormat = 'npm' | 'yarn-classic' | 'yarn-berry' | 'pnpm' | 'go' | 'cargo' | 'pip';

/**
 * One package at one version as a lockfile installs it. A name locked at several versions at once
 * (npm's nested `node_modules`, Cargo's semver-incompatible duplicates) gives one entry per version;
 * the same name and version installed at several places gives a single entry.
 */
export interface LockedPackage {
  name: string;
  version: string;
  /** The project itself asks for this package at this version (package.json, a workspace member, `-r` input…). */
  direct: boolean;
  /**
   * For a transitive package, the direct dependencies whose dependency trees contain it, sorted.
   * Empty for a direct package, and for a transitive one when the format does not record the
   * dependency graph (see `Lockfile.tracesVia`).
   */
  via: string[];
  /** 1-based line of the package's entry in the lockfile, when the format gives one. */
  line?: number;
}

/** What a lockfile pins, as plain data: packages sorted by name, then version. */
export interface Lockfile {
  format: LockfileFormat;
  packages: LockedPackage[];
  /**
   * Whether the format records which package pulls in which, so that `via` is known for every
   * transitive package. False for go.sum and for a requirements.txt without pip-compile's
   * `# via` annotations: there a transitive change cannot be traced to one direct dependency.
   */
  tracesVia: boolean;
}

/** What every lockfile parser returns: the lockfile when it could be read, and every problem found (never a throw). */
export interface LockfileParse {
  lockfile?: Lockfile;
  problems: ParseProblem[];
}
