import type { ChangeManifest } from '../../changes/change-manifest.js';
import type { Finding } from '../../finding.js';

/**
 * The dependency rules of a release (PRODUCT §5): `deps/transitive-change` (a package moved that
 * no direct dependency change explains), `deps/major-change` (a package moved to a new major
 * version), `deps/divergence` (services of the release resolve one package to different
 * versions after it).
 */
export function checkDeps(changes: ChangeManifest): Finding[] {
  const findings: Finding[] = [];
  const versions = new Map<string, Map<string, string[]>>();
  for (const service of changes.services) {
    for (const dep of service.deps) {
      const location = { file: dep.lockfile, ...(dep.line ? { line: dep.line } : {}) };
      if (dep.kind === 'changed' && dep.semver === 'major') {
        findings.push({
          rule: 'deps/major-change',
          severity: 'warn',
          service: service.service,
          env: changes.env,
          key: dep.name,
          message: `${dep.name} moves to a new major version, ${dep.from} → ${dep.to}${dep.direct ? '' : ` (transitive, via ${dep.via.join(', ') || 'an unknown dependency'})`}`,
          hint: 'read its changelog for breaking changes, and test this service before it goes out',
          location,
        });
      }
      if (!dep.direct && !dep.explained) {
        findings.push({
          rule: 'deps/transitive-change',
          severity: 'warn',
          service: service.service,
          env: changes.env,
          key: dep.name,
          message: `${dep.name} ${dep.kind === 'changed' ? `moves ${dep.from} → ${dep.to}` : dep.kind === 'added' ? `is added at ${dep.to}` : `is removed (was ${dep.from})`} although no direct dependency that pulls it in changed${dep.via.length ? ` (via ${dep.via.join(', ')})` : ''}: the lockfile was regenerated or updated`,
          hint: 'make sure the lockfile change was meant; pin or revert it if not',
          location,
        });
      }
      if (dep.to !== undefined) {
        const byVersion = versions.get(dep.name) ?? new Map<string, string[]>();
        byVersion.set(dep.to, [...new Set([...(byVersion.get(dep.to) ?? []), service.service])]);
        versions.set(dep.name, byVersion);
      }
    }
  }
  for (const [name, byVersion] of versions) {
    if (byVersion.size < 2) continue;
    const spread = [...byVersion].map(([version, services]) => `${version} in ${services.join(', ')}`).join('; ');
    findings.push({
      rule: 'deps/divergence',
      severity: 'info',
      env: changes.env,
      key: name,
      message: `services of this release resolve ${name} to different versions: ${spread}`,
      hint: 'align them, or make sure the versions work together',
    });
  }
  return findings;
}
