import { createHash } from 'node:crypto';

/**
 * One id for what a service deploys: its path and watched paths with their git tree ids, and how
 * it is run (`deployment`: the manifest's run, exec and kubernetes sections — a new start command
 * is a new version even when no file of the service changed). Two commits that leave all of that
 * untouched give the same id, so a release knows which services really change.
 */
export function contentId(paths: readonly { path: string; id: string }[], deployment: unknown = null): string {
  const hash = createHash('sha256');
  for (const { path, id } of [...paths].sort((a, b) => a.path.localeCompare(b.path))) hash.update(`${path}\u0000${id}\n`);
  if (deployment !== null) hash.update(`deployment\u0000${JSON.stringify(deployment)}\n`);
  return hash.digest('hex').slice(0, 16);
}
