import { posix } from 'node:path';
import { parseLockfile } from '../core/deps/parse-lockfile.js';
import type { Finding } from '../core/finding.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import type { FileTree } from '../ports/file-tree.js';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'go.sum', 'Cargo.lock', 'requirements.txt'];
const FILES_AT_ONCE = 16;

/** One package across the fleet: each version it is resolved to, and by which services. */
export interface FleetPackage {
  name: string;
  versions: { version: string; services: string[]; direct: boolean }[];
}

/**
 * The fleet-wide view of dependencies at one revision: package → versions → services, read from
 * the lockfile at the root of each service's path, a few files at a time. Direct dependencies
 * only unless `all`. Packages resolved to several versions are `deps/divergence` findings (info).
 */
export async function fleetDependencies(tree: FileTree, revision: FleetRevision, all: boolean): Promise<{ packages: FleetPackage[]; findings: Finding[] }> {
  const services = [...revision.manifest.services.values()];
  const candidates = services.flatMap((s) => LOCKFILES.map((name) => ({ service: s.name, path: s.path === '.' ? name : posix.join(s.path, name) })));
  const present = await tree.lookup(candidates.map((c) => c.path));
  const jobs = candidates.filter((c) => present.get(c.path)?.kind === 'file');
  const byName = new Map<string, Map<string, { services: Set<string>; direct: boolean }>>();
  const findings: Finding[] = [];
  for (let i = 0; i < jobs.length; i += FILES_AT_ONCE) {
    const chunk = jobs.slice(i, i + FILES_AT_ONCE);
    const texts = await tree.read(chunk.map((c) => c.path));
    for (const job of chunk) {
      const parsed = parseLockfile(job.path, texts.get(job.path) ?? '');
      if (!parsed.lockfile) {
        const problem = parsed.problems[0];
        findings.push({ rule: 'manifest/invalid', severity: 'error', service: job.service, message: `lockfile: ${problem?.message ?? 'unreadable'}`, location: { file: job.path, ...(problem ? { line: problem.line, column: problem.column } : {}) } });
        continue;
      }
      for (const pkg of parsed.lockfile.packages) {
        if (!all && !pkg.direct) continue;
        const versions = byName.get(pkg.name) ?? new Map<string, { services: Set<string>; direct: boolean }>();
        const entry = versions.get(pkg.version) ?? { services: new Set<string>(), direct: false };
        entry.services.add(job.service);
        entry.direct ||= pkg.direct;
        versions.set(pkg.version, entry);
        byName.set(pkg.name, versions);
      }
    }
  }
  const packages = [...byName]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, versions]) => ({
      name,
      versions: [...versions].map(([version, e]) => ({ version, services: [...e.services].sort(), direct: e.direct })).sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true })),
    }));
  for (const pkg of packages) {
    if (pkg.versions.length < 2) continue;
    findings.push({
      rule: 'deps/divergence',
      severity: 'info',
      key: pkg.name,
      message: `the fleet resolves ${pkg.name} to ${pkg.versions.length} versions: ${pkg.versions.map((v) => `${v.version} (${v.services.join(', ')})`).join('; ')}`,
      hint: 'align the services on one version, or make sure the versions work together',
    });
  }
  return { packages, findings };
}
