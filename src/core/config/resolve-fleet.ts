import type { FleetRevision } from '../fleet-revision.js';
import { runsIn, type Service } from '../manifest/manifest.js';
import { resolveConfig } from './resolve-config.js';
import type { ResolvedConfig } from './resolved-config.js';

/**
 * Every service of a revision resolved per environment, resolved on first use: a release check
 * needs all environments of the target (drift compares them) but usually one of the deployed
 * revision, and a thousand-service fleet should not pay for the others.
 */
export class ResolvedFleet implements Iterable<[string, Map<string, ResolvedConfig>]> {
  private readonly byEnv = new Map<string, Map<string, ResolvedConfig>>();
  /** Services resolved one at a time in an environment not resolved as a whole (yet). */
  private readonly some = new Map<string, Map<string, ResolvedConfig>>();
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
      const some = this.some.get(env);
      configs = new Map();
      for (const service of this.revision.manifest.services.values()) {
        if (runsIn(service, env)) configs.set(service.name, some?.get(service.name) ?? this.resolve(service, env));
      }
      this.byEnv.set(env, configs);
      this.some.delete(env);
    }
    return configs;
  }

  /**
   * One service's config in `env`, without resolving the others there (a rule that looks at one
   * service elsewhere). With `keep: false` a config not resolved yet is resolved for the caller
   * alone: a walk over every environment of every service (drift) then holds one service's
   * configs at a time, not the fleet's in every environment.
   */
  config(env: string, serviceName: string, keep = true): ResolvedConfig | undefined {
    const all = this.byEnv.get(env);
    if (all) return all.get(serviceName);
    const service = this.revision.manifest.services.get(serviceName);
    if (!service || !this.envs.includes(env) || !runsIn(service, env)) return undefined;
    let some = this.some.get(env);
    const known = some?.get(serviceName);
    if (known) return known;
    const config = this.resolve(service, env);
    if (keep) {
      if (!some) this.some.set(env, (some = new Map()));
      some.set(serviceName, config);
    }
    return config;
  }

  private resolve(service: Service, env: string): ResolvedConfig {
    const { manifest, files, manifestTracked } = this.revision;
    return resolveConfig(manifest, service, env, files, manifestTracked);
  }

  *[Symbol.iterator](): Iterator<[string, Map<string, ResolvedConfig>]> {
    for (const env of this.envs) yield [env, this.get(env)!];
  }
}

/** The revision's services, resolved lazily in the given environments (all of them by default). */
export function resolveFleet(revision: FleetRevision, envs?: readonly string[]): ResolvedFleet {
  return new ResolvedFleet(revision, envs);
}
