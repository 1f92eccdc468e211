import type { ChangeManifest, ServiceDependencyChange } from '../../changes/change-manifest.js';
import { ecosystemOf } from '../../deps/parse-lockfile.js';
import type { Finding } from '../../finding.js';
import { appendTo } from '../../append-to.js';

/** How many of what a bump pulled in a message names. */
const LISTED = 6;

/**
 * The dependency rules of a release (PRODUCT §5), on what ships (development-only dependencies
 * are left out):
 * - `deps/major-change`: a direct dependency moves in a way that may break callers by SemVer's
 *   rules (a new major; below 1.0 a new minor), or pulls in packages that do — one finding per
 *   direct move, listing what came with it; a breaking move nothing direct accounts for gets its own.
 * - `deps/transitive-change`: a package moved that no direct dependency change explains.
 * - `deps/divergence`: services of the release resolve one package of one ecosystem to different
 *   versions after it (direct dependencies; one service holding several versions is not divergence).
 */
export function checkDeps(changes: ChangeManifest): Finding[] {
  const findings: Finding[] = [];
  const versions = new Map<string, { name: string; byService: Map<string, Set<string>> }>();
  for (const service of changes.services) {
    const shipped = service.deps.filter((d) => !d.dev);
    const transitive = shipped.filter((d) => !d.direct);
    const attached = new Set<ServiceDependencyChange>();
    const finding = (dep: ServiceDependencyChange, rule: 'deps/major-change' | 'deps/transitive-change', message: string, hint: string): Finding => ({
      rule,
      severity: 'warn',
      service: service.service,
      env: changes.env,
      key: dep.name,
      message,
      hint,
      location: { file: dep.lockfile, ...(dep.line ? { line: dep.line } : {}) },
    });

    for (const dep of shipped.filter((d) => d.direct)) {
      const pulled =
        dep.kind === 'removed'
          ? []
          : transitive
              .filter((t) => t.lockfile === dep.lockfile && t.via.includes(dep.name))
              .sort((a, b) => Number(Boolean(b.breaking)) - Number(Boolean(a.breaking)));
      pulled.forEach((t) => attached.add(t));
      if (!dep.breaking && !pulled.some((t) => t.breaking)) continue;
      const head = dep.breaking ? breakingMove(dep) : `${dep.name} moves ${move(dep)}, and pulls in new major versions`;
      const listed = pulled.slice(0, LISTED).map((t) => `${t.name} ${move(t)}${t.breaking ? ' (major)' : ''}`);
      const withIt = pulled.length
        ? `; with it ${pulled.length === 1 ? 'moves' : `${pulled.length} packages it pulls in move`}: ${listed.join(', ')}${pulled.length > LISTED ? `, and ${pulled.length - LISTED} more` : ''}`
        : '';
      findings.push(finding(dep, 'deps/major-change', `${head}${withIt}`, 'read its changelog for breaking changes, and test this service before it goes out'));
    }
    // Breaking moves a direct move explains but the lockfile cannot say which (go.mod, a requirements.txt without via): one finding per lockfile.
    const untraced = new Map<string, ServiceDependencyChange[]>();
    for (const dep of transitive) {
      if (!dep.explained) {
        findings.push(
          finding(
            dep,
            'deps/transitive-change',
            `${dep.name} ${dep.kind === 'changed' ? `moves ${dep.from} → ${dep.to}${dep.breaking ? ' (a new major version)' : ''}` : dep.kind === 'added' ? `is added at ${dep.to}` : `is removed (was ${dep.from})`} although no direct dependency that pulls it in changed${dep.via.length ? ` (via ${dep.via.join(', ')})` : ''}: the lockfile was regenerated or updated`,
            'make sure the lockfile change was meant; pin or revert it if not',
          ),
        );
      } else if (dep.breaking && !attached.has(dep)) {
        appendTo(untraced, dep.lockfile, dep);
      }
    }
    for (const [lockfile, moved] of untraced) {
      const listed = moved.slice(0, LISTED).map((t) => `${t.name} ${move(t)}`);
      findings.push({
        ...finding(moved[0]!, 'deps/major-change', '', 'read their changelogs for breaking changes, and test this service before it goes out'),
        key: moved.length === 1 ? moved[0]!.name : lockfile,
        message: `with the direct changes of ${lockfile}, ${moved.length === 1 ? 'an indirect dependency moves' : `${moved.length} indirect dependencies move`} in a way that may break callers (a new major, or a new minor below 1.0): ${listed.join(', ')}${moved.length > LISTED ? `, and ${moved.length - LISTED} more` : ''}`,
      });
    }
    for (const dep of shipped) {
      if (!dep.direct || dep.to === undefined) continue;
      const key = `${ecosystemOf(dep.lockfile) ?? dep.lockfile}\0${dep.name}`;
      const entry = versions.get(key) ?? { name: dep.name, byService: new Map<string, Set<string>>() };
      let mine = entry.byService.get(service.service);
      if (!mine) entry.byService.set(service.service, (mine = new Set()));
      mine.add(dep.to);
      versions.set(key, entry);
    }
  }
  for (const { name, byService } of versions.values()) {
    const sets = [...byService.values()].map((s) => [...s].sort().join(', '));
    if (byService.size < 2 || new Set(sets).size < 2) continue;
    const byVersions = new Map<string, string[]>();
    for (const [service, set] of byService) {
      const text = [...set].sort().join(', ');
      appendTo(byVersions, text, service);
    }
    findings.push({
      rule: 'deps/divergence',
      severity: 'info',
      env: changes.env,
      key: name,
      message: `services of this release resolve ${name} to different versions: ${[...byVersions].map(([v, services]) => `${v} in ${services.join(', ')}`).join('; ')}`,
      hint: 'align them, or make sure the versions work together',
    });
  }
  return findings;
}

function move(dep: ServiceDependencyChange): string {
  return dep.kind === 'changed' ? `${dep.from} → ${dep.to}` : dep.kind === 'added' ? `(added) ${dep.to}` : `${dep.from} (removed)`;
}

/** `x moves to a new major version, 1.2.0 → 2.0.0`, or below 1.0 what makes the move breaking. */
function breakingMove(dep: ServiceDependencyChange): string {
  const major = (v: string | undefined) => /^v?(\d+)/.exec(v ?? '')?.[1];
  if (major(dep.from) !== major(dep.to)) return `${dep.name} moves to a new major version, ${dep.from} → ${dep.to}`;
  return `${dep.name} moves ${dep.from} → ${dep.to}: below 1.0 that may break callers, as a new major would`;
}
