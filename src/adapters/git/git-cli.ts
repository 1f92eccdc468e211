import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileTree, TreeNode } from '../../ports/file-tree.js';
import { RefNotFoundError, type Git } from '../../ports/git.js';
import { CatFileBatch } from './cat-file-batch.js';
import { GitError, runGit } from './run-git.js';

/**
 * The `Git` port over the git command line: every call an argument array, every revision after
 * `--end-of-options`, every blob through one `cat-file --batch` process.
 */
export class GitCli implements Git {
  private readonly batch: CatFileBatch;
  private tracked: Promise<Set<string>> | undefined;

  constructor(readonly root: string) {
    this.batch = new CatFileBatch(root);
  }

  /** The repository whose top level is `dir` or contains it; undefined when `dir` is in none. */
  static async topLevel(dir: string): Promise<string | undefined> {
    try {
      return (await runGit(dir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
    } catch (error) {
      if (error instanceof GitError) return undefined;
      throw error;
    }
  }

  async resolveCommit(ref: string): Promise<string> {
    try {
      const out = await runGit(this.root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
      return out.toString('utf8').trim();
    } catch (error) {
      if (error instanceof GitError) throw new RefNotFoundError(ref);
      throw error;
    }
  }

  commitTree(commit: string, label: string): FileTree {
    let listing: Promise<Map<string, TreeNode & { id?: string }>> | undefined;
    const list = () => (listing ??= this.listTree(commit));
    const worktree = this.workingTree();
    return {
      commit,
      label,
      lookup: async (paths) => {
        const tree = await list();
        const result = new Map<string, TreeNode>();
        const absent: string[] = [];
        for (const path of paths) {
          const node = tree.get(path);
          if (node) result.set(path, node);
          else absent.push(path);
        }
        // A file git does not track at all (a git-ignored dotenv file holding secrets) is
        // the operator's local source: it is read from disk whatever the revision.
        for (const [path, node] of await worktree.lookup(absent)) {
          if (node.kind === 'file' && !node.tracked) result.set(path, node);
        }
        return result;
      },
      read: async (paths) => {
        const tree = await list();
        const result = new Map<string, string>();
        const ids = new Map<string, string>();
        const local: string[] = [];
        for (const path of paths) {
          const node = tree.get(path);
          if (node?.kind === 'file' && node.id) ids.set(path, node.id);
          else local.push(path);
        }
        const blobs = await this.batch.readMany([...new Set(ids.values())]);
        for (const [path, id] of ids) {
          const blob = blobs.get(id);
          if (blob) result.set(path, blob.toString('utf8'));
        }
        for (const [path, node] of await worktree.lookup(local)) {
          if (node.kind === 'file' && !node.tracked) {
            const text = (await worktree.read([path])).get(path);
            if (text !== undefined) result.set(path, text);
          }
        }
        return result;
      },
    };
  }

  workingTree(): FileTree {
    const root = this.root;
    const trackedFiles = () => (this.tracked ??= this.listTracked());
    return {
      label: 'the working tree',
      lookup: async (paths) => {
        const tracked = await trackedFiles();
        const result = new Map<string, TreeNode>();
        await Promise.all(
          paths.map(async (path) => {
            const stats = await lstat(join(root, path)).catch(() => undefined);
            if (stats?.isDirectory()) result.set(path, { kind: 'dir' });
            else if (stats?.isFile()) result.set(path, { kind: 'file', tracked: tracked.has(path) });
          }),
        );
        return result;
      },
      read: async (paths) => {
        const result = new Map<string, string>();
        await Promise.all(
          paths.map(async (path) => {
            const text = await readFile(join(root, path), 'utf8').catch(() => undefined);
            if (text !== undefined) result.set(path, text);
          }),
        );
        return result;
      },
    };
  }

  close(): Promise<void> {
    return this.batch.close();
  }

  private async listTree(commit: string): Promise<Map<string, TreeNode & { id?: string }>> {
    const out = await runGit(this.root, ['ls-tree', '-r', '-t', '-z', '--full-tree', '--end-of-options', commit]);
    const tree = new Map<string, TreeNode & { id?: string }>();
    // The root has no entry of its own: its tree id is in the commit object (`tree <id>`).
    const commitObject = (await this.batch.read(commit))?.toString('utf8') ?? '';
    tree.set('.', { kind: 'dir', id: /^tree ([0-9a-f]+)/.exec(commitObject)?.[1] ?? commit });
    for (const record of out.toString('utf8').split('\0')) {
      if (!record) continue;
      // `<mode> SP <type> SP <id> TAB <path>`
      const tab = record.indexOf('\t');
      const [, type, id] = record.slice(0, tab).split(' ');
      const path = record.slice(tab + 1);
      if (type === 'tree') tree.set(path, { kind: 'dir', id: id! });
      else if (type === 'blob') tree.set(path, { kind: 'file', id: id!, tracked: true });
    }
    return tree;
  }

  private async listTracked(): Promise<Set<string>> {
    const out = await runGit(this.root, ['ls-files', '-z', '--cached']);
    return new Set(out.toString('utf8').split('\0').filter(Boolean));
  }
}
