import { AmbiguousRefError, RefNotFoundError } from '../../ports/git.js';
import { GitError } from './run-git.js';

type RunGit = (args: readonly string[]) => Promise<Buffer>;

/**
 * The ref a revision expression starts from: `v1` of `v1~2`, `main` of `main^{tree}`, `x@1` of
 * `x@1~1` (a ref name may hold `@`, but not `@{`, which starts a reflog selector).
 */
function refName(ref: string): string {
  const end = ref.search(/[~^:]|@\{/);
  return end === -1 ? ref : ref.slice(0, end);
}
/** A trailing run of ancestry steps: `~`, `~3`, `^`, `^2`. */
const ANCESTRY = /((?:[~^]\d*)+)$/;

/**
 * The full commit id `ref` names. A name that git would take as a tag while a branch (or a
 * remote branch) of the same name names another commit is refused: git warns and picks the tag,
 * and a release of the wrong commit is exactly what tranche is there to prevent. A ref missing
 * from a shallow clone says so, with how much history it needs.
 */
export async function resolveRef(git: RunGit, ref: string): Promise<string> {
  const name = refName(ref);
  if (name && name !== 'HEAD' && name !== '@' && !name.startsWith('refs/') && !/^[0-9a-f]{40}$/.test(name)) {
    const candidates = await refCandidates(git, name);
    if (new Set(candidates.map((c) => c.commit)).size > 1) throw new AmbiguousRefError(ref, candidates);
  }
  try {
    return (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).toString('utf8').trim();
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
  }
  throw new RefNotFoundError(ref, (await isShallow(git)) ? await shallowHint(git, ref) : undefined);
}

export async function isShallow(git: RunGit): Promise<boolean> {
  return (await git(['rev-parse', '--is-shallow-repository'])).toString('utf8').trim() === 'true';
}

/**
 * The refs git would consider for a short name (gitrevisions' rules), with the commit each names.
 * Only when there are several is each peeled to its commit (a tag may point at a tag).
 */
async function refCandidates(git: RunGit, name: string): Promise<{ ref: string; commit: string }[]> {
  const wanted = [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`];
  const out = (await git(['for-each-ref', '--format=%(refname)', '--', ...wanted])).toString('utf8');
  const refs = out.split('\n').filter((line) => wanted.includes(line));
  if (refs.length < 2) return [];
  // A ref to something other than a commit (a tag of a tree) names none: '' keeps it apart.
  const commits = await Promise.all(
    refs.map((ref) =>
      git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).then(
        (out) => out.toString('utf8').trim(),
        () => '',
      ),
    ),
  );
  return refs.map((ref, i) => ({ ref, commit: commits[i]! }));
}

/** What a shallow clone lacks for `ref`, and the fetch that brings it. */
async function shallowHint(git: RunGit, ref: string): Promise<string> {
  const steps = ANCESTRY.exec(ref);
  const base = steps ? ref.slice(0, steps.index) : undefined;
  if (steps && base) {
    const generations = [...steps[1]!.matchAll(/([~^])(\d*)/g)].reduce((n, [, op, digits]) => n + (op === '~' ? Number(digits || 1) : 1), 0);
    const available = await git(['rev-list', '--count', '--first-parent', '--end-of-options', base]).then(
      (out) => Number(out.toString('utf8').trim()),
      () => undefined,
    );
    if (available !== undefined) {
      const needed = generations + 1;
      return `this clone is shallow: ${base} has ${available} commit${available === 1 ? '' : 's'} of history here and ${ref} needs ${needed}; run git fetch --deepen=${Math.max(1, needed - available)} (or git fetch --unshallow)`;
    }
  }
  return `it is not in this clone, which is shallow (its history is cut): run git fetch --unshallow, or fetch that commit (git fetch origin ${ref})`;
}
