import { InputError } from '../core/input-error.js';
import type { FileTree } from './file-tree.js';

/**
 * A fleet's git repository, seen from the fleet's directory (the one holding tranche.yaml, the
 * repository's top level or a directory below it): every path in and out is relative to it.
 * Every implementation reads without changing the repository.
 */
export interface Git {
  /** Absolute path of the fleet's directory. */
  readonly root: string;
  /**
   * The full id of the commit a ref names. Throws `RefNotFoundError` when it names none (saying
   * so when the clone is shallow, and how much history the ref needs), `AmbiguousRefError` when
   * a branch and a tag (or a remote branch) of that name name different commits.
   */
  resolveCommit(ref: string): Promise<string>;
  /** The fleet's files at a commit (from `resolveCommit`). */
  commitTree(commit: string, label: string): FileTree;
  /** The fleet's files as they are on disk. */
  workingTree(): FileTree;
  /** Every file of the fleet that differs between two commits; a rename is one entry (status R). */
  changedFiles(from: string, to: string): Promise<ChangedFile[]>;
  /**
   * The commits in `from..to` with the fleet's files each touches, newest first. A merge commit
   * lists the files it changed itself: where its content differs from what merging its parents
   * gives by itself (a conflict resolution, an edit made while merging, a side's change it
   * discarded). What the parents brought is their commits'.
   */
  commits(from: string, to: string): Promise<CommitRecord[]>;
  /**
   * The commits a deployed commit has that the target does not — less those whose change the
   * target already has under another id (a cherry-pick) — with the fleet's files each touches.
   */
  droppedCommits(deployed: string, target: string): Promise<CommitRecord[]>;
  /** Whether `ancestor` is `commit` or one of its ancestors. */
  isAncestor(ancestor: string, commit: string): Promise<boolean>;
  /** Whether the clone is shallow: history stops before the first commit, and old commits may be missing. */
  isShallow(): Promise<boolean>;
  /** Files of the working tree that differ from HEAD (staged, unstaged or untracked, not ignored). */
  uncommittedFiles(): Promise<string[]>;
  /** Ends the long-lived processes the implementation may keep. */
  close(): Promise<void>;
}

export interface ChangedFile {
  path: string;
  /** git's status letter: A added, M modified, D deleted, T type changed, R renamed (from `from`). */
  status: string;
  /** The path before a rename. */
  from?: string;
}

export interface CommitRecord {
  sha: string;
  author: string;
  /** ISO 8601. */
  date: string;
  subject: string;
  files: string[];
}

/** A ref that names no commit: the user's input is wrong (exit 2). */
export class RefNotFoundError extends InputError {
  constructor(
    readonly ref: string,
    /** Why it may be missing and what to run, when the clone is shallow. */
    readonly shallowHint?: string,
  ) {
    super(`unknown revision ${JSON.stringify(ref)}: ${shallowHint ?? 'it names no commit in this repository'}`);
    this.name = 'RefNotFoundError';
  }
}

/** A ref that names different commits as a branch and as a tag (or a remote branch): say which. */
export class AmbiguousRefError extends InputError {
  constructor(
    readonly ref: string,
    readonly candidates: readonly { ref: string; commit: string }[],
  ) {
    const list = candidates.map((c) => `${c.ref} (${c.commit.slice(0, 7)})`).join(' and ');
    const names = candidates.map((c) => c.ref.replace(/^refs\//, '')).join(' or ');
    super(`revision ${JSON.stringify(ref)} is ambiguous: it names ${list}; say which: ${names}`);
    this.name = 'AmbiguousRefError';
  }
}
