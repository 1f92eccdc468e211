/**
 * How far apart two versions are, by the first SemVer component that differs: `prerelease` when
 * only the pre-release tag moved, `other` when either version is not SemVer (commits, dates,
 * Go pseudo-versions, most PEP 440 forms) or only build metadata differs. Components are compared
 * literally, as `semver.diff` does: 0.1.0 → 0.2.0 is `minor`, even though caret ranges treat it
 * as breaking.
 */
export type SemverClass = 'major' | 'minor' | 'patch' | 'prerelease' | 'other';

/**
 * One package whose locked versions differ between two lockfiles. A package locked at several
 * versions gives one change per version that moved; versions present on both sides are unchanged.
 */
export interface DependencyChange {
  kind: 'added' | 'removed' | 'changed';
  name: string;
  /** The version before; absent for `added`. */
  from?: string;
  /** The version after; absent for `removed`. */
  to?: string;
  /** Whether the project asks for the package directly (after the change; before it, for `removed`). */
  direct: boolean;
  /** For a transitive package, the direct dependencies that pull it in, on either side, sorted. */
  via: string[];
  /** The size of the move; present only for `changed`. */
  semver?: SemverClass;
  /** The move may break callers by SemVer's rules (a new major; below 1.0, a new minor; below 0.1, a new patch). */
  breaking?: true;
  /** Only development dependencies account for it (see `markDev`): it does not ship. */
  dev?: true;
  /**
   * Whether the change is accounted for: always true for a direct change; for a transitive one,
   * true when a direct dependency that pulls it in was itself added, removed or changed (or, when
   * the lockfile does not trace `via`, when any direct dependency changed). An unexplained
   * transitive change is what `deps/transitive-change` reports.
   */
  explained: boolean;
  /** 1-based line of the package's entry in the lockfile after (before, for `removed`), when known. */
  line?: number;
}
