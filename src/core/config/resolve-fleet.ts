import type { FleetRevision } from '../fleet-revision.js';
import { runsIn } from '../manifest/manifest.js';
import { resolveConfig } from './resolve-config.js';
import type { ResolvedConfig } from './resolved-config.js';

/**
 * Every service of a revision resolved per environment, resolved on first use: a release check
 * needs all environments of the target (drift compares them) but usually one of the deployed
 * revision, and a thousand-service fleet should not pay for the others.
 */
export class ResolvedFleet implements Iterable<[string, Map<string, ResolvedConfig>]> {
  private readonly byEnv = new Map<string, Map<string, ResolvedConfig>>();
  readonly envs: readonly string[];

  constructor(
    readonly revision: FleetRevision,
    envs?: readonly string[],
  ) {
    this.envs = envs ?? revision.manifest.environments.map((e) => e.name);
  }

  /** Service → resolved config in `env`, in manifest order (the services that run there); undefined for an environment not covered. */
  get(env: string): Map<string, ResolvedConfig> | undefined {
    let configs = this.byEnv.get(env);
    if (!configs && this.envs.includes(env)) {
      const { manifest, files, manifestTracked } = this.revision;
      configs = new Map();
      for (const service of manifest.services.values()) {
        if (runsIn(service, env)) configs.set(service.name, resolveConfig(manifest, service, env, files, manifestTracked));
      }
      this.byEnv.set(env, configs);
    }
    return configs;
  }

  *[Symbol.iterator](): Iterator<[string, Map<string, ResolvedConfig>]> {
    for (const env of this.envs) yield [env, this.get(env)!];
  }
}

/** The revision's services, resolved lazily in the given environments (all of them by default). */
export function resolveFleet(revision: FleetRevision, envs?: readonly string[]): ResolvedFleet {
  return new ResolvedFleet(revision, envs);
}
