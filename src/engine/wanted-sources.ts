import type { Finding } from '../core/finding.js';
import { runsIn, type Manifest, type Service, type SourceSpec } from '../core/manifest/manifest.js';
import { sourceKey } from '../core/config/source-file.js';

/** What every wanted source carries: where the manifest names it, and whether it may be absent. */
export interface WantedSource {
  at: (string | number)[];
  optional: boolean;
}

/**
 * The sources of one format that the services read, once per `sourceKey` (a source read in two
 * environments with no `{env}` in it is read once), with what `describe` says each needs.
 * `sourcesOptional`: every source is taken as optional (a revision read with another's manifest).
 */
export function wantedSources<W>(
  manifest: Manifest,
  format: SourceSpec['format'],
  sourcesOptional: boolean,
  describe: (service: Service, source: SourceSpec, env: string) => W,
  only: (source: SourceSpec) => boolean = () => true,
): Map<string, W & WantedSource> {
  const wanted = new Map<string, W & WantedSource>();
  for (const service of manifest.services.values()) {
    if (service.path === '') continue;
    for (const source of service.config.sources) {
      if (source.format !== format || !only(source)) continue;
      for (const env of manifest.environments) {
        if (!runsIn(service, env.name)) continue;
        const key = sourceKey(service, source, env.name);
        if (wanted.has(key)) continue;
        wanted.set(key, {
          ...describe(service, source, env.name),
          at: ['services', service.name, 'config', 'sources', source.index],
          optional: source.optional || sourcesOptional,
        });
      }
    }
  }
  return wanted;
}

/** A required source whose files are not there: `what` names them (`compose file`, `values file`). */
export function missingSource(manifest: Manifest, want: WantedSource, what: string, missing: readonly string[], label: string): Finding {
  return {
    rule: 'manifest/invalid',
    severity: 'error',
    message: `${what} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist in ${label}`,
    hint: 'create it, fix the path, or mark the source optional: true',
    location: manifest.locate(want.at),
  };
}

/** Sources that share a file report its problems each: once is enough. */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify([f.message, f.location]);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}
