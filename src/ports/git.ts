import { InputError } from '../core/input-error.js';
import type { FileTree } from './file-tree.js';

/** A fleet's git repository. Every implementation reads without changing the repository. */
export interface Git {
  /** Absolute path of the repository's top level. */
  readonly root: string;
  /** The full id of the commit a ref names; throws `RefNotFoundError` when it names none. */
  resolveCommit(ref: string): Promise<string>;
  /** The fleet's files at a commit (from `resolveCommit`). */
  commitTree(commit: string, label: string): FileTree;
  /** The fleet's files as they are on disk. */
  workingTree(): FileTree;
  /** Every file that differs between two commits (renames as a delete and an add). */
  changedFiles(from: string, to: string): Promise<ChangedFile[]>;
  /** The commits in `from..to` with the files each touches, newest first. */
  commits(from: string, to: string): Promise<CommitRecord[]>;
  /** Files of the working tree that differ from HEAD (staged, unstaged or untracked, not ignored). */
  uncommittedFiles(): Promise<string[]>;
  /** Ends the long-lived processes the implementation may keep. */
  close(): Promise<void>;
}

export interface ChangedFile {
  path: string;
  /** git's status letter: A added, M modified, D deleted, T type changed. */
  status: string;
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
  constructor(readonly ref: string) {
    super(`unknown revision ${JSON.stringify(ref)}: it names no commit in this repository`);
    this.name = 'RefNotFoundError';
  }
}
