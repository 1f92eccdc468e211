import type { RenderRequest, RenderResult } from './renderer.js';

/** What a path is at one revision of the fleet. */
export type TreeNode =
  | {
      kind: 'file';
      /** A content id (the git blob id) when the file's content is addressed by one; parse caches key on it. */
      id?: string;
      /** Whether git tracks the file at this revision. */
      tracked: boolean;
      /** The path it resolves to, when a symbolic link (inside the fleet's directory) leads there. */
      real?: string;
    }
  | {
      kind: 'dir';
      /** The git tree id at a commit: the same id means the same content below it. */
      id?: string;
      /** The path it resolves to, when a symbolic link (inside the fleet's directory) leads there. */
      real?: string;
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
    }
  | {
      /**
       * A path whose way passes through a symbolic link that is not followed: one that leads out
       * of the fleet's directory (an absolute target, or one that climbs above it), or the link
       * after too many (a loop). Nothing behind it is read. `link` is that link's path, `target`
       * what it holds, as written.
       */
      kind: 'refused-link';
      link: string;
      target: string;
      why: 'outside' | 'loop';
    };

/**
 * Symbolic links one path may pass through. A chain longer than this (a loop, most likely) is
 * refused: a fleet needs few, and the kernel's own limit (40) would let a loop cost much more.
 */
export const MAX_LINKS = 8;

/**
 * The fleet's files at one revision — a commit, or the working tree — read without a checkout.
 * Paths are relative to the fleet's directory (the one holding tranche.yaml), in canonical form
 * (see `normalizeRepoPath`).
 *
 * Symbolic links are resolved alike at a commit (a blob of mode 120000 holding the target) and in
 * the working tree: a link whose target stays inside the fleet's directory is followed, through
 * any chain of such links up to eight, and a path reached through one answers for the file or
 * directory it resolves to (same content id, same text). A link that leads outside — an absolute
 * target, or one that climbs above the fleet's directory — is never followed: `lookup` says so
 * (`refused-link`) and `read` leaves the path out. A special file (a FIFO, a device) and `.git` are
 * not files of the fleet.
 */
export interface FileTree {
  /** The full commit id, or undefined for the working tree. */
  readonly commit?: string;
  /** How a person names this revision (`HEAD (3f2a1c9)`, `working tree`). */
  readonly label: string;
  /** What exists at each path; a path absent from the answer does not exist. */
  lookup(paths: readonly string[]): Promise<Map<string, TreeNode>>;
  /**
   * The content of each file, as bytes (see `engine/read-texts.ts` for text); a path absent from
   * the answer is not a readable file.
   */
  read(paths: readonly string[]): Promise<Map<string, Uint8Array>>;
  /**
   * Every file below a directory (at any depth), named below `dir` as asked even when `dir` is a
   * symbolic link, sorted; a git-ignored file on disk counts, as in `read`. A symbolic link below
   * it is listed when it resolves to a file or is refused (`lookup` tells which); a link to a
   * directory is not descended into. Empty when the directory does not exist.
   */
  list(dir: string): Promise<string[]>;
  /**
   * The fleet's directory on disk as it is at this revision, for tools that read files
   * themselves (kubectl kustomize, helm): the working tree itself, or a copy of the commit's files
   * with the working tree's git-ignored files in it (as `read` sees them), made once and removed
   * when the `Git` adapter is closed. Symbolic links are there as the revision has them: what a
   * tool reads through one that leads outside is checked afterwards (`gather-rendered.ts` refuses
   * a render whose files pass through a `refused-link`).
   */
  materialize(): Promise<string>;
  /** What a renderer prints from this revision's files (see `Renderer`); a problem when none is configured. */
  render(request: RenderRequest): Promise<RenderResult>;
}
