import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { withCleanup } from '../core/cleanup.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { MANIFEST_FILE } from '../core/manifest/parse-manifest.js';
import { ProcessRenderer } from '../adapters/render/process-renderer.js';
import { GitCli } from '../adapters/git/git-cli.js';
import { ParseCache } from '../engine/gather.js';
import { loadRevision as loadFleetRevision } from '../engine/load-revision.js';
import type { FileTree } from '../ports/file-tree.js';
import type { Git } from '../ports/git.js';
import type { ParsedArgs } from './command.js';
import type { CliIO } from './io.js';

/** An open fleet repository: one git adapter and one parse cache for the whole command. */
export interface Fleet {
  root: string;
  git: Git;
  cache: ParseCache;
}

/**
 * Finds the fleet (--fleet, or upward from the current directory: the nearest directory with a
 * tranche.yaml) and opens its repository, which may hold it at its top level or below.
 */
async function openFleet(args: ParsedArgs, io: CliIO): Promise<Fleet> {
  const root = args.fleet !== undefined ? resolve(io.cwd, args.fleet) : findUpward(io.cwd);
  if (!root) throw new InputError(`no ${MANIFEST_FILE} here or in any parent directory; run inside a fleet or pass --fleet DIR`);
  return openFleetAt(root, io);
}

/** Opens the fleet whose `tranche.yaml` is in `root`. */
async function openFleetAt(root: string, io: CliIO): Promise<Fleet> {
  if (!existsSync(join(root, MANIFEST_FILE))) throw new InputError(`${root} is not a fleet: it has no ${MANIFEST_FILE}`);
  const top = await GitCli.topLevel(root, io.env);
  if (!top) throw new InputError(`${root} is not in a git repository: a fleet is a directory of a git repository with ${MANIFEST_FILE} in it`);
  // The fleet may be a directory of a larger repository (a monorepo): its paths are relative to it.
  const dir = realpathSync(root);
  return { root: dir, git: new GitCli(dir, io.env, { renderer: new ProcessRenderer(io.env) }), cache: new ParseCache() };
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
  const fleet = await openFleet(args, io);
  return withCleanup(
    () => use(fleet),
    () => fleet.git.close(),
  );
}

/** The same for the fleet in `root` (a client that is not a command: the demo). */
export async function withFleetAt<T>(root: string, io: CliIO, use: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = await openFleetAt(root, io);
  return withCleanup(
    () => use(fleet),
    () => fleet.git.close(),
  );
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
