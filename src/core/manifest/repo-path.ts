import { posix } from 'node:path';

/**
 * A repo-relative path in canonical form (`services/orders`; the root is `.`), or undefined when
 * the path is absolute or climbs out of the repository. Git and tranche's file index use this
 * form, so every path is normalized once, where it enters.
 */
export function normalizeRepoPath(path: string): string | undefined {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return undefined;
  const normalized = posix.normalize(path.replaceAll('\\', '/')).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return undefined;
  return normalized === '' ? '.' : normalized;
}

/** Joins a repo-relative directory and a path relative to it; undefined when it leaves the repository. */
export function joinRepoPath(dir: string, path: string): string | undefined {
  if (path.startsWith('/')) return undefined;
  return normalizeRepoPath(dir === '.' ? path : `${dir}/${path}`);
}
