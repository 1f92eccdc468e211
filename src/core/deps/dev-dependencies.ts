import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { DependencyChange } from './dependency-change.js';

/** The package manifest beside a lockfile, which says which dependencies are for development only. */
export function manifestBeside(lockfile: string): string | undefined {
  const name = posix.basename(lockfile);
  const dir = posix.dirname(lockfile);
  const beside = (file: string) => (dir === '.' ? file : `${dir}/${file}`);
  if (['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'].includes(name)) return beside('package.json');
  if (name === 'Cargo.lock') return beside('Cargo.toml');
  return undefined;
}

/**
 * The names a package manifest lists for development only: package.json's `devDependencies`
 * not also in `dependencies`, `optionalDependencies` or `peerDependencies`; Cargo.toml's
 * `[dev-dependencies]` (target-specific ones too) not also in `[dependencies]` or
 * `[build-dependencies]`. Empty for a manifest that does not parse.
 */
export function devOnlyNames(manifest: string, text: string | undefined): Set<string> {
  if (text === undefined) return new Set();
  try {
    if (posix.basename(manifest) === 'package.json') {
      const json = JSON.parse(text) as Record<string, Record<string, unknown> | undefined>;
      const shipped = new Set(['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((f) => Object.keys(json[f] ?? {})));
      return new Set(Object.keys(json.devDependencies ?? {}).filter((n) => !shipped.has(n)));
    }
    const toml = parseToml(text) as Record<string, unknown>;
    const tables = [toml, ...Object.values((toml.target ?? {}) as Record<string, Record<string, unknown>>)];
    const names = (field: string) => tables.flatMap((t) => Object.keys((t[field] ?? {}) as Record<string, unknown>));
    const shipped = new Set([...names('dependencies'), ...names('build-dependencies')]);
    return new Set(names('dev-dependencies').filter((n) => !shipped.has(n)));
  } catch {
    return new Set();
  }
}

/**
 * Marks the changes development dependencies alone account for: a direct one the manifest lists
 * for development only, a transitive one every direct dependency that pulls it in is such.
 */
export function markDev(changes: DependencyChange[], devOnly: ReadonlySet<string>): void {
  if (!devOnly.size) return;
  for (const change of changes) {
    if (change.direct ? devOnly.has(change.name) : change.via.length > 0 && change.via.every((v) => devOnly.has(v))) change.dev = true;
  }
}
