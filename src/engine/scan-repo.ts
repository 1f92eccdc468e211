import type { RepoScan } from '../core/init/draft-manifest.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';
import { readTexts } from './read-texts.js';

/** Directories never scanned: dependencies, build output, tranche's own state. */
const SKIPPED = /(^|\/)(node_modules|\.git|\.tranche|vendor|dist|build|target|\.venv|venv|__pycache__|bower_components|\.terraform)(\/|$)/;
/** The files init reads: compose files, YAML (manifests), .env files. */
const READ = /(\.ya?ml|(^|\/)\.env(\.[\w-]+)?|\.env)$/;
/** At most this many files are read: a repository with more YAML than this is described by hand. */
const MAX_READ = 5000;
const MAX_SIZE = 2 * 1024 * 1024;

/**
 * What `tranche init` sees of a working tree: every file that is not git-ignored (outside
 * dependency and build directories), and the text of the compose, YAML and .env files among
 * them (the first MAX_READ, none over 2 MB).
 */
export async function scanRepo(tree: FileTree): Promise<RepoScan & { skipped: number }> {
  const listed = (await tree.list('.')).filter((p) => !SKIPPED.test(p));
  const nodes = await tree.lookup(listed);
  const files = listed.filter((p) => (nodes.get(p) as (TreeNode & { kind: 'file' }) | undefined)?.tracked);
  const wanted = files.filter((p) => READ.test(p));
  // A file that is not UTF-8 text says nothing a draft could use.
  const { texts } = await readTexts(tree, wanted.slice(0, MAX_READ));
  for (const [path, text] of texts) if (text.length > MAX_SIZE) texts.delete(path);
  return { files, texts, skipped: Math.max(0, wanted.length - MAX_READ) };
}
