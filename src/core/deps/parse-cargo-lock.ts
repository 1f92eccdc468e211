import type { ParseProblem } from '../location.js';
import { buildLockfile, type GraphNode } from './build-lockfile.js';
import type { LockfileParse } from './lockfile.js';
import { readCargoLock, type CargoLockPackage } from './read-cargo-lock.js';
import { appendTo } from '../append-to.js';

/**
 * Reads a `Cargo.lock` (any version Cargo writes). Packages without a `source` are the workspace's
 * own crates (members and path dependencies): they are not locked packages, and what they depend
 * on is direct. A dependency is written `name` when one version of it is locked, `name version`
 * when several are, and `name version (source)` when even that is ambiguous.
 */
export function parseCargoLock(text: string): LockfileParse {
  const read = readCargoLock(text);
  if (read.problems.length > 0) return { problems: read.problems };
  const problems: ParseProblem[] = [];
  const complete: Array<CargoLockPackage & { name: string; version: string }> = [];
  for (const pkg of read.packages) {
    if (pkg.name === undefined || pkg.version === undefined) {
      problems.push({ message: `[[package]] needs a name and a version`, line: pkg.line, column: 1 });
    } else {
      complete.push({ ...pkg, name: pkg.name, version: pkg.version });
    }
  }
  const idOf = (pkg: { name: string; version: string; source?: string }): string => `${pkg.name} ${pkg.version} ${pkg.source ?? ''}`;
  const byName = new Map<string, typeof complete>();
  for (const pkg of complete) appendTo(byName, pkg.name, pkg);
  const resolve = (reference: string): string | undefined => {
    const match = /^(\S+)(?:\s+(\S+))?(?:\s+\((.*)\))?$/.exec(reference.trim());
    if (!match) return undefined;
    const [, name = '', version, source] = match;
    const candidates = (byName.get(name) ?? []).filter(
      (pkg) => (version === undefined || pkg.version === version) && (source === undefined || pkg.source === source),
    );
    return candidates.length === 1 && candidates[0] ? idOf(candidates[0]) : undefined;
  };
  const nodes = new Map<string, GraphNode & { dependencies: string[] }>();
  const direct: string[] = [];
  for (const pkg of complete) {
    const dependencies = pkg.dependencies.map(resolve).filter((id): id is string => id !== undefined);
    if (pkg.source === undefined) direct.push(...dependencies);
    else nodes.set(idOf(pkg), { name: pkg.name, version: pkg.version, line: pkg.line, dependencies });
  }
  return { lockfile: buildLockfile('cargo', nodes, direct), problems };
}
