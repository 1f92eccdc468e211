import type { FleetRevision } from '../fleet-revision.js';
import { resolveConfig } from './resolve-config.js';
import type { ResolvedConfig } from './resolved-config.js';

/** Environment → service → resolved config, in manifest order. */
export type ResolvedFleet = Map<string, Map<string, ResolvedConfig>>;

/** Resolves every service of a revision in the given environments (all of them by default). */
export function resolveFleet(revision: FleetRevision, envs?: readonly string[]): ResolvedFleet {
  const { manifest } = revision;
  const result: ResolvedFleet = new Map();
  for (const env of envs ?? manifest.environments.map((e) => e.name)) {
    const configs = new Map<string, ResolvedConfig>();
    for (const service of manifest.services.values()) {
      configs.set(service.name, resolveConfig(manifest, service, env, revision.files, revision.manifestTracked));
    }
    result.set(env, configs);
  }
  return result;
}
