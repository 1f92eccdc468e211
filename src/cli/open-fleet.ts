import { existsSync, realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { withCleanup } from '../core/cleanup.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { MANIFEST_FILE } from '../core/manifest/parse-manifest.js';
import { ProcessRenderer } from '../adapters/render/process-renderer.js';
import { GitCli } from '../adapters/git/git-cli.js';
import { gitEnv, runGit } from '../adapters/git/run-git.js';
import { ParseMemo } from '../engine/gather.js';
import { loadRevision as loadFleetRevision } from '../engine/load-revision.js';
import type { FileTree } from '../ports/file-tree.js';
import type { Git } from '../ports/git.js';
import type { ParseCache } from '../ports/parse-cache.js';
import type { ParsedArgs } from './command.js';
import type { CliIO } from './io.js';

/** An open fleet repository: one git adapter and one parse memo for the whole command. */
export interface Fleet {
  root: string;
  git: Git;
  cache: ParseMemo;
  /**
   * The parse cache kept across runs (`--cache-dir`, TRANCHE_CACHE_DIR, or `.tranche/cache` at the
   * repository's top level; none with `--no-cache`), opened on the first call (and its module
   * loaded then): only commands that read releases use one. Closed with the fleet.
   */
  parseCache(): Promise<ParseCache | undefined>;
}

/** An open fleet, and how to close what it opened. */
interface OpenFleet {
  fleet: Fleet;
  close(): Promise<void>;
}

/**
 * Finds the fleet (--fleet, or upward from the current directory: the nearest directory with a
 * tranche.yaml) and opens its repository, which may hold it at its top level or below.
 */
async function openFleet(args: ParsedArgs, io: CliIO): Promise<OpenFleet> {
  const root = args.fleet !== undefined ? resolve(io.cwd, args.fleet) : findUpward(io.cwd);
  if (!root) throw new InputError(`no ${MANIFEST_FILE} here or in any parent directory; run inside a fleet or pass --fleet DIR`);
  return openFleetAt(root, io, args);
}

/** Opens the fleet whose `tranche.yaml` is in `root`; the parse cache as `args` say (none without them). */
async function openFleetAt(root: string, io: CliIO, args?: ParsedArgs): Promise<OpenFleet> {
  if (!existsSync(join(root, MANIFEST_FILE))) throw new InputError(`${root} is not a fleet: it has no ${MANIFEST_FILE}`);
  const top = await GitCli.topLevel(root, io.env);
  if (!top) throw new InputError(`${root} is not in a git repository: a fleet is a directory of a git repository with ${MANIFEST_FILE} in it`);
  // The fleet may be a directory of a larger repository (a monorepo): its paths are relative to it.
  const dir = realpathSync(root);
  let parseCache: ParseCache | undefined;
  let opening: Promise<ParseCache | undefined> | undefined;
  const fleet: Fleet = {
    root: dir,
    git: new GitCli(dir, io.env, { renderer: new ProcessRenderer(io.env) }),
    cache: new ParseMemo(),
    parseCache: () =>
      (opening ??= (async () => {
        parseCache = args ? await openParseCache(top, args, io) : undefined;
        return parseCache;
      })()),
  };
  return {
    fleet,
    close: async () => {
      try {
        await parseCache?.close();
      } finally {
        await fleet.git.close();
      }
    },
  };
}

/** TRANCHE_CACHE_MAX_MB: the parse cache's size bound, in megabytes (default 256). */
const CACHE_MAX_MB = 'TRANCHE_CACHE_MAX_MB';

/**
 * The parse cache of a command that reads releases: none with `--no-cache`; files in `--cache-dir`
 * or TRANCHE_CACHE_DIR (a CI cache, taken as named), else `.tranche/cache` at the repository's top
 * level. Neither is used where git tracks files (answers a commit could plant). It warns on
 * stderr, once, when it cannot be used, and the command goes on without it.
 */
async function openParseCache(top: string, args: ParsedArgs, io: CliIO): Promise<ParseCache | undefined> {
  if (args.values['no-cache'] === true) return undefined;
  const maxMb = io.env[CACHE_MAX_MB];
  if (maxMb !== undefined && !/^[1-9][0-9]{0,6}$/.test(maxMb))
    throw new InputError(`${CACHE_MAX_MB}: ${JSON.stringify(maxMb)} is not a whole number of megabytes from 1 to 9999999`);
  const named = (args.values['cache-dir'] as string | undefined) ?? (io.env.TRANCHE_CACHE_DIR || undefined);
  // resolve() would make an empty path the current directory, and fill it with entries.
  if (named === '') throw new InputError('--cache-dir: an empty path names no directory');
  const dir = named !== undefined ? resolve(io.cwd, named) : join(top, '.tranche', 'cache');
  // Files the repository itself holds there would be answers written by whoever committed them.
  const tracked = await trackedCacheDir(top, dir, io);
  if (tracked !== undefined) {
    io.stderr.write(`tranche: git tracks files in ${tracked} (answers written by whoever committed them); going on without the parse cache\n`);
    return undefined;
  }
  const { FileParseCache } = await import('../adapters/cache/file-parse-cache.js');
  return new FileParseCache({
    dir,
    inRepository: named === undefined,
    ...(maxMb !== undefined ? { maxBytes: Number(maxMb) * 1024 * 1024 } : {}),
    warn: (line) => io.stderr.write(`${line}\n`),
  });
}

/**
 * The cache directory's path in the repository (`.tranche/cache`, or where `--cache-dir` names
 * one inside it, as written or as its links resolve) when git tracks a file there, below it, or
 * at a directory above it (a link); undefined otherwise. Paths are compared in any case: on a
 * case-insensitive file system (macOS, Windows) `.TRANCHE/cache` is `.tranche/cache`.
 */
async function trackedCacheDir(top: string, dir: string, io: CliIO): Promise<string | undefined> {
  const real = await realpath(dir).catch(() => dir);
  const inside = [...new Set([relative(top, dir), relative(await realpath(top).catch(() => top), real)])]
    .map((path) => (path === '' ? '.' : path.split(sep).join('/')))
    .filter((path) => path !== '..' && !path.startsWith('../') && !isAbsolute(path));
  if (!inside.length) return undefined;
  // Pathspecs are matched without case, whatever the environment says of them (a literal pathspec cannot be).
  const env = { ...gitEnv(io.env), GIT_LITERAL_PATHSPECS: '0', GIT_ICASE_PATHSPECS: '1' };
  const tops = [...new Set(inside.map((path) => path.split('/')[0]!))];
  const tracked = (await runGit(top, env, ['ls-files', '-z', '--', ...tops])).toString('utf8').toLowerCase().split('\0');
  return inside.find((path) => {
    const lower = path.toLowerCase();
    return tracked.some((file) => file !== '' && (lower === '.' || file === lower || file.startsWith(`${lower}/`) || lower.startsWith(`${file}/`)));
  });
}

function findUpward(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, MANIFEST_FILE))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads the fleet at a ref, or the working tree when `ref` is undefined (see engine/load-revision). */
export function loadRevision(fleet: Fleet, ref: string | undefined): Promise<FleetRevision> {
  return loadFleetRevision(fleet.git, fleet.cache, ref);
}

/** Opens the fleet for the length of `use`, and always closes it. */
export async function withFleet<T>(args: ParsedArgs, io: CliIO, use: (fleet: Fleet) => Promise<T>): Promise<T> {
  const { fleet, close } = await openFleet(args, io);
  return withCleanup(() => use(fleet), close);
}

/** The same for the fleet in `root` (a client that is not a command: the demo). */
export async function withFleetAt<T>(root: string, io: CliIO, use: (fleet: Fleet) => Promise<T>): Promise<T> {
  const { fleet, close } = await openFleetAt(root, io);
  return withCleanup(() => use(fleet), close);
}

/**
 * Opens the working tree of the git repository holding `dir` (a directory that is not a fleet
 * yet: `tranche init`) for the length of `use`, and always closes it.
 */
export async function withWorkingTree<T>(dir: string, io: CliIO, use: (tree: FileTree) => Promise<T>): Promise<T> {
  if (!(await GitCli.topLevel(dir, io.env))) throw new InputError(`init: ${dir} is not in a git repository (git init first: tranche reads a fleet from git)`);
  const git = new GitCli(dir, io.env);
  return withCleanup(
    () => use(git.workingTree()),
    () => git.close(),
  );
}
