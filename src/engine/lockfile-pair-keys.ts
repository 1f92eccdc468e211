import { LOCKFILE_PAIR_VERSION } from '../core/deps/diff-lockfile-pair.js';
import { manifestBeside } from '../core/deps/dev-dependencies.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';
import type { ParseCacheKey } from '../ports/parse-cache.js';

/** One lockfile to diff: `path` in the target, `was` in the revision `from` that the service runs. */
export interface LockfileJob {
  from: string;
  path: string;
  was: string;
}

/**
 * The parse cache key of each job's diff (`diffLockfilePair`): its path (the file name picks the
 * reader) and the blob ids of everything it reads — the lockfile before and after, the package
 * manifest beside it before and after (`''` for one that is absent, or not a file: neither is
 * read). Undefined for a job whose lockfile after is not a file of the target (deleted, or a
 * refused link: nothing is diffed), or whose inputs have no content id.
 */
export async function lockfilePairKeys(
  jobs: readonly LockfileJob[],
  after: ReadonlyMap<string, TreeNode>,
  treeAt: (commit: string) => FileTree,
): Promise<Array<ParseCacheKey | undefined>> {
  const bases = [...new Set(jobs.map((j) => j.from))];
  const before = new Map(
    await Promise.all(
      bases.map(
        async (commit) => [commit, await treeAt(commit).lookup(jobs.filter((j) => j.from === commit).flatMap(({ was }) => withManifestBeside(was)))] as const,
      ),
    ),
  );
  return jobs.map(({ from, path, was }) => {
    const lockfile = after.get(path);
    if (lockfile?.kind !== 'file') return undefined;
    const old = before.get(from)!;
    const manifest = (nodes: ReadonlyMap<string, TreeNode>, lockfile: string) => {
      const beside = manifestBeside(lockfile);
      return beside === undefined ? '' : idOf(nodes.get(beside));
    };
    const inputs = [path, idOf(old.get(was)), lockfile.id, manifest(old, was), manifest(after, path)];
    return inputs.every((id) => id !== undefined) ? { kind: 'lockfile-pair', version: LOCKFILE_PAIR_VERSION, inputs: inputs as string[] } : undefined;
  });
}

/** A lockfile's path, and the package manifest's beside it when its format has one: what its diff reads. */
export function withManifestBeside(path: string): string[] {
  const manifest = manifestBeside(path);
  return manifest === undefined ? [path] : [path, manifest];
}

/** What a file's content is known by: its blob id; `''` when nothing is read there; undefined for a file without one. */
function idOf(node: TreeNode | undefined): string | undefined {
  return node?.kind === 'file' ? node.id : '';
}
