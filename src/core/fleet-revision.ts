import type { SourceFiles } from './config/source-file.js';
import type { Manifest } from './manifest/manifest.js';

/** The fleet as read at one revision: what every pure analysis works from. */
export interface FleetRevision {
  /** The full commit id, or undefined for the working tree. */
  commit?: string;
  /** How a person names it: the ref they gave and the short commit, or `working tree`. */
  label: string;
  manifest: Manifest;
  /** Every config source file any service names in any environment, when it exists. */
  files: SourceFiles;
  /** Whether git tracks tranche.yaml at this revision. */
  manifestTracked: boolean;
  /** Service → content id of its paths (see `contentId`); only for a commit. */
  contents?: Map<string, string>;
  /**
   * The revision has no tranche.yaml of its own: it is read with another revision's (the
   * release's target), less the services whose paths are `absent` there; every config source is
   * read as optional.
   */
  manifestBorrowed?: { absent: string[] };
}
