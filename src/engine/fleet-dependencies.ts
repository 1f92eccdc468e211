import { posix } from 'node:path';
import { devOnlyNames, manifestBeside } from '../core/deps/dev-dependencies.js';
import { ecosystemOf, parseLockfile } from '../core/deps/parse-lockfile.js';
import type { Finding } from '../core/finding.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import type { FileTree } from '../ports/file-tree.js';
import { notUtf8Finding, readTexts, refusedLinkFinding } from './read-texts.js';

/** What each service's dependencies are read from, at the root of its path (go.mod: what the build selects). */
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'go.mod', 'Cargo.lock', 'requirements.txt'];
const FILES_AT_ONCE = 16;

/** One package of one ecosystem across the fleet: each version it is resolved to, and by which services. */
export interface FleetPackage {
  name: string;
  ecosystem: string;
  versions: { version: string; services: string[]; direct: boolean }[];
  /** Services resolve it differently (one service holding several versions is not that). */
  divergent: boolean;
}

/**
 * The fleet-wide view of dependencies at one revision: package → versions → services, read from
 * the lockfile at the root of each service's path, a few files at a time. Direct dependencies
 * only unless `all`; development-only ones (package.json devDependencies, Cargo.toml
 * dev-dependencies, and what only they pull in) only with `dev`. A package of one ecosystem that
 * services resolve to different versions is a `deps/divergence` finding (info).
 */
export async function fleetDependencies(
  tree: FileTree,
  revision: FleetRevision,
  options: { all: boolean; dev: boolean },
): Promise<{ packages: FleetPackage[]; findings: Finding[] }> {
  const services = [...revision.manifest.services.values()];
  const candidates = services.flatMap((s) => LOCKFILES.map((name) => ({ service: s.name, path: s.path === '.' ? name : posix.join(s.path, name) })));
  const present = await tree.lookup(candidates.map((c) => c.path));
  const jobs = candidates.filter((c) => present.get(c.path)?.kind === 'file');
  const findings: Finding[] = [];
  for (const { service, path } of candidates) {
    const node = present.get(path);
    if (node?.kind === 'refused-link')
      findings.push(refusedLinkFinding('the lockfile', path, node, revision.manifest.locate(['services', service, 'path']), service));
  }
  const byName = new Map<
    string,
    { name: string; ecosystem: string; versions: Map<string, { services: Set<string>; direct: boolean }>; byService: Map<string, Set<string>> }
  >();
  for (let i = 0; i < jobs.length; i += FILES_AT_ONCE) {
    const chunk = jobs.slice(i, i + FILES_AT_ONCE);
    const manifests = chunk.flatMap((c) => (manifestBeside(c.path) ? [manifestBeside(c.path)!] : []));
    const { texts, notUtf8 } = await readTexts(tree, [...chunk.map((c) => c.path), ...manifests]);
    for (const job of chunk) {
      const bad = notUtf8.get(job.path);
      if (bad) {
        findings.push(notUtf8Finding(job.path, bad, 'manifest/invalid', job.service));
        continue;
      }
      const parsed = parseLockfile(job.path, texts.get(job.path) ?? '');
      if (!parsed.lockfile) {
        const problem = parsed.problems[0];
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          service: job.service,
          message: `lockfile: ${problem?.message ?? 'unreadable'}`,
          location: { file: job.path, ...(problem ? { line: problem.line, column: problem.column } : {}) },
        });
        continue;
      }
      const manifest = manifestBeside(job.path);
      const devOnly = manifest ? devOnlyNames(manifest, texts.get(manifest)) : new Set<string>();
      const ecosystem = ecosystemOf(job.path) ?? job.path;
      for (const pkg of parsed.lockfile.packages) {
        if (!options.all && !pkg.direct) continue;
        const dev = pkg.direct ? devOnly.has(pkg.name) : pkg.via.length > 0 && pkg.via.every((v) => devOnly.has(v));
        if (dev && !options.dev) continue;
        const key = `${ecosystem}\0${pkg.name}`;
        const entry = byName.get(key) ?? { name: pkg.name, ecosystem, versions: new Map(), byService: new Map() };
        const version = entry.versions.get(pkg.version) ?? { services: new Set<string>(), direct: false };
        version.services.add(job.service);
        version.direct ||= pkg.direct;
        entry.versions.set(pkg.version, version);
        let mine = entry.byService.get(job.service);
        if (!mine) entry.byService.set(job.service, (mine = new Set()));
        mine.add(pkg.version);
        byName.set(key, entry);
      }
    }
  }
  const packages = [...byName.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || a.ecosystem.localeCompare(b.ecosystem))
    .map(
      (p): FleetPackage => ({
        name: p.name,
        ecosystem: p.ecosystem,
        versions: [...p.versions]
          .map(([version, e]) => ({ version, services: [...e.services].sort(), direct: e.direct }))
          .sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true })),
        divergent: p.byService.size > 1 && new Set([...p.byService.values()].map((s) => [...s].sort().join(' '))).size > 1,
      }),
    );
  for (const pkg of packages) {
    if (!pkg.divergent) continue;
    findings.push({
      rule: 'deps/divergence',
      severity: 'info',
      key: pkg.name,
      message: `the fleet resolves ${pkg.name} (${pkg.ecosystem}) to ${pkg.versions.length} versions: ${pkg.versions.map((v) => `${v.version} (${v.services.join(', ')})`).join('; ')}`,
      hint: 'align the services on one version, or make sure the versions work together',
    });
  }
  return { packages, findings };
}
