import type { RenderRequest, RenderResult } from './renderer.js';

/** What a path is at one revision of the fleet. */
export type TreeNode =
  | {
      kind: 'file';
      /** A content id (the git blob id) when the file's content is addressed by one; parse caches key on it. */
      id?: string;
      /** Whether git tracks the file at this revision. */
      tracked: boolean;
    }
  | {
      kind: 'dir';
      /** The git tree id at a commit: the same id means the same content below it. */
      id?: string;
    }
  | {
      /**
       * A git submodule, or a path inside one: its files belong to another repository, which the
       * fleet's commits only point at. `submodule` is the submodule's own path.
       */
      kind: 'submodule';
      submodule: string;
      /** The commit of the submodule that the fleet's revision records, when known. */
      id?: string;
    };

/**
 * The fleet's files at one revision — a commit, or the working tree — read without a checkout.
 * Paths are relative to the fleet's directory (the one holding tranche.yaml), in canonical form
 * (see `normalizeRepoPath`).
 */
export interface FileTree {
  /** The full commit id, or undefined for the working tree. */
  readonly commit?: string;
  /** How a person names this revision (`HEAD (3f2a1c9)`, `working tree`). */
  readonly label: string;
  /** What exists at each path; a path absent from the answer does not exist. */
  lookup(paths: readonly string[]): Promise<Map<string, TreeNode>>;
  /** The text of each file; a path absent from the answer is not a readable file. */
  read(paths: readonly string[]): Promise<Map<string, string>>;
  /**
   * Every file below a directory (at any depth), sorted; a git-ignored file on disk counts, as in
   * `read`. Empty when the directory does not exist.
   */
  list(dir: string): Promise<string[]>;
  /**
   * The fleet's directory on disk as it is at this revision, for tools that read files
   * themselves (kubectl kustomize, helm): the working tree itself, or a copy of the commit's files
   * with the working tree's git-ignored files in it (as `read` sees them), made once and removed
   * when the `Git` adapter is closed.
   */
  materialize(): Promise<string>;
  /** What a renderer prints from this revision's files (see `Renderer`); a problem when none is configured. */
  render(request: RenderRequest): Promise<RenderResult>;
}
