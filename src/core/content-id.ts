import { createHash } from 'node:crypto';

/**
 * One id for what a service deploys: its path and watched paths with their git tree ids. Two
 * commits that leave those paths untouched give the same id, so a release knows which services'
 * code really changed.
 */
export function contentId(paths: readonly { path: string; id: string }[]): string {
  const hash = createHash('sha256');
  for (const { path, id } of [...paths].sort((a, b) => a.path.localeCompare(b.path))) hash.update(`${path}\u0000${id}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** A stable hash of a config: every key and the text it gets, secrets included (the hash never reveals them). */
export function configHash(config: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(config).sort()) hash.update(`${key}=${JSON.stringify(config[key])}\n`);
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}
