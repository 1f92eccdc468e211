import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { FileTree, TreeNode } from '../../ports/file-tree.js';
import type { RenderRequest, RenderResult, Renderer } from '../../ports/renderer.js';
import type { ChangedFile, CommitRecord, Git } from '../../ports/git.js';
import { CatFileBatch } from './cat-file-batch.js';
import { materializeCommit, signalCleanup } from './materialize-commit.js';
import { isShallow, resolveRef } from './resolve-ref.js';
import { GitError, gitEnv, gitExitCode, runGit } from './run-git.js';

/** A commit's listing: nodes by path, symbolic links by path with the blob holding their target, submodules by path. */
interface Listing {
  nodes: Map<string, TreeNode>;
  links: Map<string, string>;
  submodules: Map<string, string>;
}

/** What the index says of the working tree: tracked files, and submodules with their commits. */
interface IndexListing {
  tracked: Set<string>;
  submodules: Map<string, string>;
}

const MAX_LINK_HOPS = 8;

/**
 * The `Git` port over the git command line: every call an argument array, every revision after
 * `--end-of-options`, every blob through one `cat-file --batch` process. git runs in the fleet's
 * directory, so a fleet below a repository's top level sees paths relative to itself.
 */
export class GitCli implements Git {
  private readonly batch: CatFileBatch;
  private readonly env: NodeJS.ProcessEnv;
  private index: Promise<IndexListing> | undefined;
  /** Each commit is listed once per command, however many trees of it are asked for. */
  private readonly listings = new Map<string, Promise<Listing>>();
  private prefix: Promise<string> | undefined;
  private shallow: Promise<boolean> | undefined;

  /** Commits copied to disk for tools (see `FileTree.materialize`): temporary directories, removed by `close`. */
  private readonly materialized = new Map<string, Promise<string>>();
  private readonly renderer: Renderer | undefined;
  private readonly renders = new Map<string, Promise<RenderResult>>();
  /** The copies made so far, removed on a signal before the process ends as the signal says. */
  private readonly copies = new Set<string>();
  private readonly onSignal = signalCleanup(() => {
    for (const dir of this.copies) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * `env` is the operator's environment (git needs HOME, PATH); prompts and pagers are turned
   * off. `renderer` runs kubectl kustomize and render commands over a revision's files.
   */
  constructor(
    readonly root: string,
    env: NodeJS.ProcessEnv,
    options: { renderer?: Renderer } = {},
  ) {
    this.env = gitEnv(env);
    this.batch = new CatFileBatch(root, this.env);
    this.renderer = options.renderer;
  }

  /** The repository whose top level is `dir` or contains it; undefined when `dir` is in none. */
  static async topLevel(dir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
    try {
      return (await runGit(dir, gitEnv(env), ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
    } catch (error) {
      if (error instanceof GitError) return undefined;
      throw error;
    }
  }

  resolveCommit(ref: string): Promise<string> {
    return resolveRef((args) => this.git(args), ref);
  }

  isShallow(): Promise<boolean> {
    return (this.shallow ??= isShallow((args) => this.git(args)));
  }

  async isAncestor(ancestor: string, commit: string): Promise<boolean> {
    return (await gitExitCode(this.root, this.env, ['merge-base', '--is-ancestor', '--end-of-options', ancestor, commit], [0, 1])) === 0;
  }

  commitTree(commit: string, label: string): FileTree {
    const list = () => {
      let listing = this.listings.get(commit);
      if (!listing) this.listings.set(commit, (listing = this.listTree(commit)));
      return listing;
    };
    const worktree = this.workingTree();
    // A file git ignores (a dotenv file holding secrets) is the operator's local source: it is
    // read from disk whatever the revision. Nothing else is: a file that is merely not added
    // yet is not part of any commit.
    const ignoredOnDisk = async (paths: string[]) => {
      const onDisk = [...(await worktree.lookup(paths))].filter(([, node]) => node.kind === 'file' && !node.tracked).map(([p]) => p);
      return this.ignored(onDisk);
    };
    return {
      commit,
      label,
      lookup: async (paths) => {
        const result = new Map<string, TreeNode>();
        const absent: string[] = [];
        for (const path of paths) {
          const node = await this.follow(await list(), path);
          if (node) result.set(path, node.node);
          else absent.push(path);
        }
        for (const path of await ignoredOnDisk(absent)) result.set(path, { kind: 'file', tracked: false });
        return result;
      },
      read: async (paths) => {
        const ids = new Map<string, string>();
        const absent: string[] = [];
        for (const path of paths) {
          const node = (await this.follow(await list(), path))?.node;
          if (node?.kind === 'file' && node.id) ids.set(path, node.id);
          else if (!node) absent.push(path);
        }
        const blobs = await this.batch.readMany([...new Set(ids.values())]);
        const result = new Map<string, string>();
        for (const [path, id] of ids) {
          const blob = blobs.get(id);
          if (blob) result.set(path, blob.toString('utf8'));
        }
        for (const [path, text] of await worktree.read([...(await ignoredOnDisk(absent))])) result.set(path, text);
        return result;
      },
      list: async (dir) => {
        const prefix = dir === '.' ? '' : `${dir}/`;
        const committed = new Set([...(await list()).nodes].filter(([path, node]) => node.kind === 'file' && path.startsWith(prefix)).map(([path]) => path));
        const ignored = await this.ignored((await worktree.list(dir)).filter((p) => !committed.has(p)));
        return [...new Set([...committed, ...ignored])].sort();
      },
      materialize: () => this.materialize(commit),
      render: (request) => this.render(commit, request, () => this.materialize(commit)),
    };
  }

  workingTree(): FileTree {
    const root = this.root;
    const indexed = () => (this.index ??= this.listIndex());
    return {
      label: 'the working tree',
      lookup: async (paths) => {
        const { tracked, submodules } = await indexed();
        const result = new Map<string, TreeNode>();
        const untracked: string[] = [];
        await onDiskInTurn(paths, async (path) => {
          const submodule = containingSubmodule(submodules, path);
          if (submodule) {
            result.set(path, { kind: 'submodule', submodule, id: submodules.get(submodule)! });
            return;
          }
          const stats = await stat(join(root, path)).catch(() => undefined);
          if (stats?.isDirectory()) result.set(path, { kind: 'dir' });
          else if (stats?.isFile()) {
            result.set(path, { kind: 'file', tracked: tracked.has(path) });
            if (!tracked.has(path)) untracked.push(path);
          }
        });
        // An untracked file that is not ignored is on its way into git: treat it as tracked.
        const ignored = new Set(await this.ignored(untracked));
        for (const path of untracked) if (!ignored.has(path)) result.set(path, { kind: 'file', tracked: true });
        return result;
      },
      list: async (dir) => {
        // Tracked, untracked and ignored files alike: what is on disk (a tracked file deleted from disk is not).
        const [present, deleted] = await Promise.all([
          this.git(['ls-files', '-z', '--cached', '--others', '--', dir]),
          this.git(['ls-files', '-z', '--deleted', '--', dir]),
        ]);
        const gone = new Set(deleted.toString('utf8').split('\0'));
        const { submodules } = await indexed();
        const files = present.toString('utf8').split('\0').filter((p) => p && !gone.has(p) && !containingSubmodule(submodules, p));
        return [...new Set(files)].sort();
      },
      materialize: async () => root,
      render: (request) => this.render(undefined, request, async () => root),
      read: async (paths) => {
        const { submodules } = await indexed();
        const result = new Map<string, string>();
        await onDiskInTurn(paths, async (path) => {
          if (containingSubmodule(submodules, path)) return;
          const text = await readFile(join(root, path), 'utf8').catch(() => undefined);
          if (text !== undefined) result.set(path, text);
        });
        return result;
      },
    };
  }

  async changedFiles(from: string, to: string): Promise<ChangedFile[]> {
    const out = (await this.git(['diff', '--name-status', '-z', '--find-renames', '--relative', '--end-of-options', from, to])).toString('utf8');
    const fields = out.split('\0');
    const files: ChangedFile[] = [];
    for (let i = 0; i + 1 < fields.length; ) {
      const status = fields[i]!;
      if (status.startsWith('R') || status.startsWith('C')) {
        files.push({ status: status[0]!, from: fields[i + 1]!, path: fields[i + 2]! });
        i += 3;
      } else {
        files.push({ status, path: fields[i + 1]! });
        i += 2;
      }
    }
    return files;
  }

  async commits(from: string, to: string): Promise<CommitRecord[]> {
    return this.log([], `${from}..${to}`);
  }

  async droppedCommits(deployed: string, target: string): Promise<CommitRecord[]> {
    // The right side of target...deployed: reachable from deployed only, less what target has as a patch of its own.
    return this.log(['--cherry-pick', '--right-only', '--no-merges'], `${target}...${deployed}`);
  }

  /**
   * The commits a `git log` range selects, each with the fleet's files it touches. A merge lists
   * the files whose merged content differs from what git merges by itself (a remerge diff): a
   * conflict resolution, an edit made while merging, a side's change discarded (`-s ours`). Paths
   * come from git relative to the repository's top level (`--relative` does not apply to merges),
   * so files outside the fleet are dropped here and the rest made relative to it.
   */
  private async log(options: string[], range: string): Promise<CommitRecord[]> {
    const format = '%x01%H%x00%an%x00%aI%x00%s';
    const args = ['log', `--format=${format}`, '--name-only', '-z', '--no-renames', '--diff-merges=remerge', ...options, '--end-of-options', range];
    const [out, prefix] = await Promise.all([this.git(args), this.fleetPrefix()]);
    // A record starts with \x01 and the full commit id: a file name holding \x01 does not start one.
    return out
      .toString('utf8')
      .split(/\x01(?=[0-9a-f]{40}(?:[0-9a-f]{24})?\x00)/)
      .filter(Boolean)
      .map((record) => {
        const [sha, author, date, subject, ...rest] = record.split('\0');
        const paths = rest.map((f) => f.replace(/^\n/, '')).filter((f) => f && f.startsWith(prefix));
        return { sha: sha!, author: author!, date: date!, subject: subject!, files: [...new Set(paths.map((f) => f.slice(prefix.length)))] };
      });
  }

  async uncommittedFiles(): Promise<string[]> {
    // Porcelain paths are relative to the repository's top level, whatever the directory.
    const [out, prefix] = await Promise.all([this.git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', '.']), this.fleetPrefix()]);
    return out
      .toString('utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => entry.slice(3))
      .filter((path) => path.startsWith(prefix))
      .map((path) => path.slice(prefix.length));
  }

  async close(): Promise<void> {
    await Promise.all([...this.materialized.values()].map((p) => p.catch(() => undefined)));
    const copies = [...this.copies];
    this.materialized.clear();
    this.copies.clear();
    this.onSignal.remove();
    await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
    return this.batch.close();
  }

  /** The fleet's directory in a copy of `commit` on disk, made once. */
  private async materialize(commit: string): Promise<string> {
    let copy = this.materialized.get(commit);
    if (!copy) {
      // A copy may hold git-ignored files (secrets): a signal that ends the process removes it first.
      this.onSignal.install();
      copy = (async () => {
        const dir = await mkdtemp(join(tmpdir(), 'tranche-rev-'));
        // Known from the start: removed by close() or a signal however far the copy got.
        this.copies.add(dir);
        await materializeCommit((await GitCli.topLevel(this.root, this.env)) ?? this.root, this.env, commit, dir);
        return dir;
      })();
      this.materialized.set(commit, copy);
    }
    return join(await copy, await this.fleetPrefix());
  }

  /** Renders once per revision and request, however many times a command reads the revision. */
  private render(commit: string | undefined, request: RenderRequest, fleetDir: () => Promise<string>): Promise<RenderResult> {
    const key = `${commit ?? 'working tree'}\0${JSON.stringify(request)}`;
    let result = this.renders.get(key);
    if (!result) {
      const renderer = this.renderer;
      result = renderer
        ? fleetDir().then(
            (dir) => renderer.render(request, dir),
            (error: Error): RenderResult => ({ ok: false, problem: error.message }),
          )
        : Promise.resolve({ ok: false, problem: 'this tranche has no renderer configured (kubectl kustomize, render commands)' });
      this.renders.set(key, result);
    }
    return result;
  }

  private git(args: readonly string[], options?: { input?: string; okCodes?: number[] }): Promise<Buffer> {
    return runGit(this.root, this.env, args, options);
  }

  /** The fleet directory's path from the repository's top level: `''`, or `fleet/`. */
  private fleetPrefix(): Promise<string> {
    return (this.prefix ??= this.git(['rev-parse', '--show-prefix']).then((out) => out.toString('utf8').trim()));
  }

  /** The node at `path`, following symbolic links that stay inside the fleet. */
  private async follow(listing: Listing, path: string): Promise<{ node: TreeNode } | undefined> {
    let current = path;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const node = listing.nodes.get(current);
      if (node) return { node };
      const submodule = containingSubmodule(listing.submodules, current);
      if (submodule) return { node: { kind: 'submodule', submodule, id: listing.submodules.get(submodule)! } };
      const link = listing.links.get(current);
      if (!link) return undefined;
      const target = (await this.batch.read(link))?.toString('utf8') ?? '';
      const next = posix.normalize(posix.join(posix.dirname(current), target));
      if (target.startsWith('/') || next.startsWith('..')) return undefined;
      current = next;
    }
    return undefined;
  }

  /**
   * The fleet's directory at a commit: every entry below it, paths relative to it. A commit in
   * which the directory does not exist (before the fleet moved there) lists nothing.
   */
  private async listTree(commit: string): Promise<Listing> {
    const nodes = new Map<string, TreeNode>();
    const links = new Map<string, string>();
    const submodules = new Map<string, string>();
    const root = await this.rootTree(commit);
    if (root === undefined) return { nodes, links, submodules };
    nodes.set('.', { kind: 'dir', id: root });
    const out = await this.git(['ls-tree', '--full-tree', '-r', '-t', '-z', '--end-of-options', root]);
    for (const record of out.toString('utf8').split('\0')) {
      if (!record) continue;
      // `<mode> SP <type> SP <id> TAB <path>`
      const tab = record.indexOf('\t');
      const [mode, type, id] = record.slice(0, tab).split(' ');
      const path = record.slice(tab + 1);
      if (type === 'tree') nodes.set(path, { kind: 'dir', id: id! });
      else if (type === 'commit') submodules.set(path, id!);
      else if (type === 'blob' && mode === '120000') links.set(path, id!);
      else if (type === 'blob') nodes.set(path, { kind: 'file', id: id!, tracked: true });
    }
    return { nodes, links, submodules };
  }

  /** The tree id of the fleet's directory at a commit; undefined when the directory is not there. */
  private async rootTree(commit: string): Promise<string | undefined> {
    const prefix = await this.fleetPrefix();
    try {
      return (await this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}:${prefix}`])).toString('utf8').trim();
    } catch (error) {
      if (error instanceof GitError) return undefined;
      throw error;
    }
  }

  private async listIndex(): Promise<IndexListing> {
    const out = await this.git(['ls-files', '-z', '--cached', '--stage']);
    const tracked = new Set<string>();
    const submodules = new Map<string, string>();
    for (const record of out.toString('utf8').split('\0')) {
      if (!record) continue;
      // `<mode> SP <id> SP <stage> TAB <path>`
      const tab = record.indexOf('\t');
      const [mode, id] = record.slice(0, tab).split(' ');
      const path = record.slice(tab + 1);
      if (mode === '160000') submodules.set(path, id!);
      else tracked.add(path);
    }
    return { tracked, submodules };
  }

  /** Which of `paths` git ignores (exit 1 from check-ignore means none). */
  private async ignored(paths: string[]): Promise<string[]> {
    if (!paths.length) return [];
    const out = await this.git(['check-ignore', '-z', '--stdin'], { input: paths.join('\0') + '\0', okCodes: [0, 1] });
    return out.toString('utf8').split('\0').filter(Boolean);
  }
}

/** The submodule `path` is, or is inside, if any. */
function containingSubmodule(submodules: Map<string, string>, path: string): string | undefined {
  if (!submodules.size) return undefined;
  for (let p = path; p !== '.' && p !== '/' && p !== ''; p = posix.dirname(p)) if (submodules.has(p)) return p;
  return undefined;
}

/** How many files are looked at or read on disk at once. */
const ON_DISK_AT_ONCE = 256;

/**
 * `visit` on every path, ON_DISK_AT_ONCE at a time: a fleet in hundreds of environments names a
 * million optional files, and a stat or read of each all at once holds gigabytes of pending
 * requests (and more open files than the system allows).
 */
async function onDiskInTurn(paths: readonly string[], visit: (path: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < paths.length; i += ON_DISK_AT_ONCE) await Promise.all(paths.slice(i, i + ON_DISK_AT_ONCE).map(visit));
}
