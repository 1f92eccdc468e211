import { constants, rmSync } from 'node:fs';
import { lstat, mkdtemp, open, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { FileTree, TreeNode } from '../../ports/file-tree.js';
import type { RenderRequest, RenderResult, Renderer } from '../../ports/renderer.js';
import type { ChangedFile, CommitRecord, Git } from '../../ports/git.js';
import { CatFileBatch } from './cat-file-batch.js';
import { materializeCommit, signalCleanup } from './materialize-commit.js';
import { resolvePath, type Entry } from './resolve-path.js';
import { isShallow, resolveRef } from './resolve-ref.js';
import { GitError, gitEnv, gitExitCode, runGit } from './run-git.js';

/** A commit's listing: nodes by path, symbolic links by path with their target as written, submodules by path. */
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
  /** The files on disk below a directory, as git lists them for a commit's `list` (see `listOnDisk`): once per command. */
  private readonly diskListings = new Map<string, Promise<[present: Buffer, deleted: Buffer]>>();
  private prefix: Promise<string> | undefined;
  /** The full ids refs were resolved to: each names a commit. */
  private readonly resolved = new Set<string>();
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

  async resolveCommit(ref: string): Promise<string> {
    // A full id this command already resolved to is a commit: commits do not change, refs may.
    if (this.resolved.has(ref)) return ref;
    const commit = await resolveRef((args) => this.git(args), ref);
    this.resolved.add(commit);
    return commit;
  }

  isShallow(): Promise<boolean> {
    return (this.shallow ??= isShallow((args) => this.git(args)));
  }

  async isAncestor(ancestor: string, commit: string): Promise<boolean> {
    return (await gitExitCode(this.root, this.env, ['merge-base', '--is-ancestor', '--end-of-options', ancestor, commit], [0, 1])) === 0;
  }

  commitTree(commit: string, label: string): FileTree {
    const listed = async () => {
      let listing = this.listings.get(commit);
      if (!listing) this.listings.set(commit, (listing = this.listTree(commit)));
      return entriesOf(await listing);
    };
    const resolveAll = async (paths: readonly string[]) => {
      const { entry } = await listed();
      return new Map(await Promise.all(paths.map(async (path) => [path, await resolvePath(path, entry)] as const)));
    };
    const worktree = this.workingTree();
    // A file git ignores (a dotenv file holding secrets) is the operator's local source: it is
    // read from disk whatever the revision. Nothing else is: a file that is merely not added
    // yet is not part of any commit.
    const ignoredOnDisk = async (paths: string[]) => {
      const onDisk = await worktree.lookup(paths);
      const refused = [...onDisk].filter(([, node]) => node.kind === 'refused-link') as [string, TreeNode & { kind: 'refused-link' }][];
      const ignoredLinks = new Set(await this.ignored([...new Set(refused.map(([, node]) => node.link))]));
      return new Map(
        [...onDisk].filter(([, node]) => (node.kind === 'file' && !node.tracked) || (node.kind === 'refused-link' && ignoredLinks.has(node.link))),
      );
    };
    return {
      commit,
      label,
      lookup: async (paths) => {
        const result = new Map<string, TreeNode>();
        const absent: string[] = [];
        for (const [path, node] of await resolveAll(paths)) {
          if (node) result.set(path, node);
          else absent.push(path);
        }
        for (const [path, node] of await ignoredOnDisk(absent)) result.set(path, node);
        return result;
      },
      read: async (paths) => {
        const ids = new Map<string, string>();
        const absent: string[] = [];
        for (const [path, node] of await resolveAll(paths)) {
          if (node?.kind === 'file' && node.id) ids.set(path, node.id);
          else if (!node) absent.push(path);
        }
        const blobs = await this.batch.readMany([...new Set(ids.values())]);
        const result = new Map<string, Uint8Array>();
        for (const [path, id] of ids) {
          const blob = blobs.get(id);
          if (blob) result.set(path, blob);
        }
        const ignored = [...(await ignoredOnDisk(absent))].filter(([, node]) => node.kind === 'file').map(([path]) => path);
        for (const [path, bytes] of await worktree.read(ignored)) result.set(path, bytes);
        return result;
      },
      list: async (dir) => {
        const { listing, entry } = await listed();
        const committed = new Set<string>();
        const node = await resolvePath(dir, entry);
        if (node?.kind === 'dir') {
          const below = belowDir(dir, node.real ?? dir);
          for (const [path, found] of listing.nodes) if (found.kind === 'file' && below(path) !== undefined) committed.add(below(path)!);
          for (const path of listing.links.keys()) {
            const named = below(path);
            const kind = named === undefined ? undefined : (await resolvePath(path, entry))?.kind;
            if (kind === 'file' || kind === 'refused-link') committed.add(named!);
          }
        }
        // The files on disk that the commit lacks: those it holds are not looked at on disk.
        const ignored = await ignoredOnDisk(await this.listOnDisk(dir, committed));
        return [...new Set([...committed, ...ignored.keys()])].sort();
      },
      materialize: () => this.materialize(commit),
      render: (request) => this.render(commit, request, () => this.materialize(commit)),
    };
  }

  workingTree(): FileTree {
    const root = this.root;
    const indexed = () => (this.index ??= this.listIndex());
    const onDisk = (submodules: Map<string, string>) => this.onDisk(submodules);
    return {
      label: 'the working tree',
      lookup: async (paths) => {
        const { tracked, submodules } = await indexed();
        const { resolve } = onDisk(submodules);
        const result = new Map<string, TreeNode>();
        const untracked = new Map<string, string>();
        await onDiskInTurn(paths, async (path) => {
          const node = await resolve(path);
          if (!node) return;
          if (node.kind !== 'file') {
            result.set(path, node);
            return;
          }
          // Whether git tracks it is asked of the file the path resolves to.
          const real = node.real ?? path;
          result.set(path, { ...node, tracked: tracked.has(real) });
          if (!tracked.has(real)) untracked.set(path, real);
        });
        // An untracked file that is not ignored is on its way into git: treat it as tracked.
        const ignored = new Set(await this.ignored([...new Set(untracked.values())]));
        for (const [path, real] of untracked) if (!ignored.has(real)) result.set(path, { ...(result.get(path) as TreeNode & { kind: 'file' }), tracked: true });
        return result;
      },
      list: (dir) => this.listOnDisk(dir),
      materialize: async () => root,
      render: (request) => this.render(undefined, request, async () => root),
      read: async (paths) => {
        const { submodules } = await indexed();
        const { resolve } = onDisk(submodules);
        const result = new Map<string, Uint8Array>();
        await onDiskInTurn(paths, async (path) => {
          const node = await resolve(path);
          if (node?.kind !== 'file') return;
          const bytes = await readRegularFile(join(root, node.real ?? path));
          if (bytes) result.set(path, bytes);
        });
        return result;
      },
    };
  }

  /** What is at each exact path on disk, asked once per call however many paths pass there. */
  private onDisk(submodules: Map<string, string>): { entry: (path: string) => Promise<Entry>; resolve: (path: string) => Promise<TreeNode | undefined> } {
    const root = this.root;
    const seen = new Map<string, Promise<Entry>>();
    const entry = (path: string): Promise<Entry> => {
      let found = seen.get(path);
      if (!found) seen.set(path, (found = diskEntry(root, path, submodules)));
      return found;
    };
    return { entry, resolve: (path: string) => resolvePath(path, entry) };
  }

  /**
   * The working tree's files below `dir` (tracked, untracked and ignored alike: what is on disk),
   * less those named in `known` (names as listed, `dir`-prefixed), which are not looked at on disk.
   * With `known` (a commit's listing: the files on disk beside it), git lists the directory once
   * per command, like the index, however many revisions are listed: each git started once the
   * heap is large costs tens of milliseconds of this thread.
   */
  private async listOnDisk(dir: string, known?: ReadonlySet<string>): Promise<string[]> {
    const { submodules } = await (this.index ??= this.listIndex());
    const { entry, resolve } = this.onDisk(submodules);
    const node = await resolve(dir);
    if (node?.kind !== 'dir') return [];
    const real = node.real ?? dir;
    // A tracked file deleted from disk is not on disk.
    const spec = `:(literal)${real}`;
    const listOnce = () =>
      Promise.all([this.git(['ls-files', '-z', '--cached', '--others', '--', spec]), this.git(['ls-files', '-z', '--deleted', '--', spec])]);
    let listing = known ? this.diskListings.get(spec) : undefined;
    if (!listing) {
      listing = listOnce();
      if (known) this.diskListings.set(spec, listing);
    }
    const [present, deleted] = await listing;
    const gone = new Set(deleted.toString('utf8').split('\0'));
    const below = belowDir(dir, real);
    const files = await Promise.all(
      [...new Set(present.toString('utf8').split('\0'))].map(async (path) => {
        if (!path || gone.has(path) || containingSubmodule(submodules, path)) return undefined;
        const named = below(path);
        if (named === undefined || known?.has(named)) return undefined;
        const found = await entry(path);
        const kind = found && 'link' in found ? (await resolve(path))?.kind : found?.node.kind;
        return kind === 'file' || kind === 'refused-link' ? named : undefined;
      }),
    );
    return files.filter((p): p is string => p !== undefined).sort();
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
        const paths = rest.map((f) => f.replace(/^\n/, '')).filter((f) => f !== '' && f.startsWith(prefix));
        return { sha: sha!, author: author!, date: date!, subject: subject!, files: [...new Set(paths.map((f) => f.slice(prefix.length)))] };
      });
  }

  async uncommittedFiles(): Promise<string[]> {
    // Porcelain paths are relative to the repository's top level, whatever the directory.
    const [out, prefix] = await Promise.all([
      this.git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', '.']),
      this.fleetPrefix(),
    ]);
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
    // A symbolic link is a blob holding its target: read them all at once.
    const targets = await this.batch.readMany([...new Set(links.values())]);
    for (const [path, id] of links) links.set(path, targets.get(id)?.toString('utf8') ?? '');
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
    const out = await this.git(['check-ignore', '-z', '--stdin'], { input: `${paths.join('\0')}\0`, okCodes: [0, 1] });
    return out.toString('utf8').split('\0').filter(Boolean);
  }
}

/** A commit's listing, and what is at each exact path of it (for `resolvePath`). */
function entriesOf(listing: Listing): { listing: Listing; entry: (path: string) => Entry } {
  const entry = (path: string): Entry => {
    const node = listing.nodes.get(path);
    if (node) return { node: node as Exclude<TreeNode, { kind: 'refused-link' }> };
    const link = listing.links.get(path);
    if (link !== undefined) return { link };
    const submodule = listing.submodules.get(path);
    return submodule === undefined ? undefined : { node: { kind: 'submodule', submodule: path, id: submodule } };
  };
  return { listing, entry };
}

/**
 * What is at one exact path of the working tree, a symbolic link not followed: a regular file, a
 * directory, a link with its target, a submodule (by the index). `.git` and special files (a FIFO
 * would block a read, a device never ends) are nothing of the fleet's.
 */
async function diskEntry(root: string, path: string, submodules: Map<string, string>): Promise<Entry> {
  if (path === '.') return { node: { kind: 'dir' } };
  if (posix.basename(path) === '.git') return undefined;
  const submodule = submodules.get(path);
  if (submodule !== undefined) return { node: { kind: 'submodule', submodule: path, id: submodule } };
  const full = join(root, path);
  const stats = await lstat(full).catch(() => undefined);
  if (stats?.isSymbolicLink()) {
    const target = await readlink(full).catch(() => undefined);
    return target === undefined ? undefined : { link: target };
  }
  if (stats?.isDirectory()) return { node: { kind: 'dir' } };
  if (stats?.isFile()) return { node: { kind: 'file', tracked: false } };
  return undefined;
}

/**
 * A regular file's bytes, opened without following a symbolic link (the path was resolved to one
 * that has none: a link put there since is not followed) and without blocking on a FIFO.
 */
async function readRegularFile(path: string): Promise<Buffer | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return (await handle.stat()).isFile() ? await handle.readFile() : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** A path below `real` (where `dir` resolves to) named below `dir` as asked; undefined for a path not below it. */
function belowDir(dir: string, real: string): (path: string) => string | undefined {
  const prefix = real === '.' ? '' : `${real}/`;
  const named = dir === '.' ? '' : `${dir}/`;
  return (path) => (path.startsWith(prefix) && path !== real ? `${named}${path.slice(prefix.length)}` : undefined);
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
