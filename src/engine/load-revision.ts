import type { FleetRevision } from '../core/fleet-revision.js';
import type { Manifest } from '../core/manifest/manifest.js';
import type { FileTree } from '../ports/file-tree.js';
import type { Git } from '../ports/git.js';
import { gatherRevision, type ParseMemo } from './gather.js';
import { InvalidFleetError } from './invalid-fleet.js';

// Where the callers of loadRevision have always found it; it lives apart so the CLI can test for it without loading the parsers.
export { InvalidFleetError };

/**
 * Reads the fleet at a ref (or the working tree when `ref` is undefined), named `name` in messages
 * (default: the ref as given). A fleet whose definition has problems throws them all as an
 * InvalidFleetError; one with no tranche.yaml throws NoManifestError, unless a `fallback`
 * manifest is given to read it with (a baseline from before the fleet was described).
 */
export async function loadRevision(git: Git, cache: ParseMemo, ref: string | undefined, name?: string, fallback?: Manifest): Promise<FleetRevision> {
  let tree: FileTree;
  if (ref === undefined) {
    tree = git.workingTree();
  } else {
    const commit = await git.resolveCommit(ref);
    tree = git.commitTree(commit, `${name ?? ref} (${commit.slice(0, 7)})`);
  }
  const gathered = await gatherRevision(tree, cache, fallback);
  if (!gathered.revision) throw new InvalidFleetError(gathered.findings);
  return gathered.revision;
}
