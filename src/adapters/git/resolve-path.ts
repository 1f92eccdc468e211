import { MAX_LINKS, type TreeNode } from '../../ports/file-tree.js';

/** What is at one exact path, a symbolic link not followed: a node, or a link with its target as written. */
export type Entry = { node: Exclude<TreeNode, { kind: 'refused-link' }> } | { link: string } | undefined;

/**
 * The node a fleet-relative path names, following symbolic links the way the kernel does — one
 * component at a time, a link's target taken relative to the directory holding the link, `..`
 * from where the link led — with one difference: every link must stay inside the fleet's
 * directory. An absolute target, or a relative one that climbs above the fleet's directory, is
 * refused (`refused-link`, naming the link and its target) rather than followed: what it points
 * at is not the repository's, and differs from one machine or checkout to the next. A chain of
 * more than MAX_LINKS links is refused as a loop. `entryAt` says what is at an exact path; the
 * working tree (lstat, readlink) and a commit (its listing, link targets from their blobs) each
 * give one, so both resolve a path alike. A node reached through a link carries `real`, the path
 * it resolves to. A path inside a submodule resolves to the submodule.
 */
export async function resolvePath(path: string, entryAt: (path: string) => Entry | Promise<Entry>): Promise<TreeNode | undefined> {
  const done: string[] = [];
  let todo = path === '.' ? [] : path.split('/');
  let last: { link: string; target: string } | undefined;
  let links = 0;
  let node: Exclude<TreeNode, { kind: 'refused-link' }> | undefined;
  if (todo.length === 0) {
    const root = await entryAt('.');
    return root && 'node' in root ? root.node : undefined;
  }
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!done.length) return last ? { kind: 'refused-link', ...last, why: 'outside' } : undefined;
      done.pop();
      node = undefined;
      continue;
    }
    const here = [...done, part].join('/');
    const entry = await entryAt(here);
    if (!entry) return undefined;
    if ('link' in entry) {
      last = { link: here, target: entry.link };
      if (++links > MAX_LINKS) return { kind: 'refused-link', ...last, why: 'loop' };
      if (entry.link === '') return undefined;
      if (entry.link.startsWith('/')) return { kind: 'refused-link', ...last, why: 'outside' };
      todo = [...entry.link.split('/'), ...todo];
      node = undefined;
      continue;
    }
    if (entry.node.kind === 'submodule') return entry.node;
    done.push(part);
    node = entry.node;
    // A file is the end of the way: a path that goes on below it names nothing.
    if (node.kind === 'file' && todo.some((p) => p !== '' && p !== '.')) return undefined;
  }
  const real = done.length ? done.join('/') : '.';
  if (!node) {
    // The way ended with `..` (or on the fleet's directory itself): what is there now.
    const entry = await entryAt(real);
    if (!entry || 'link' in entry) return undefined;
    node = entry.node;
  }
  return links > 0 && node.kind !== 'submodule' ? { ...node, real } : node;
}
