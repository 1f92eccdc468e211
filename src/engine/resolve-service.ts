import { resolveConfig } from '../core/config/resolve-config.js';
import type { Fingerprinter } from '../core/config/fingerprint.js';
import type { ResolvedConfig } from '../core/config/resolved-config.js';
import { serviceEnvironment, shownConfig } from '../core/config/service-environment.js';
import { interpolate } from '../core/checks/interpolate.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import type { Service } from '../core/manifest/manifest.js';
import type { VersionRef } from '../core/plan/plan.js';
import type { Git } from '../ports/git.js';
import type { ParseMemo } from './gather.js';
import { loadRevision } from './load-revision.js';

/** One service at one commit in one environment: everything a driver and its checks need. */
export interface ResolvedService {
  service: Service;
  version: VersionRef;
  /** What the service is started with; secrets in clear (memory only). */
  environment: Record<string, string>;
  /** The same, as people and stores see it (secrets as fingerprints). */
  shown: Record<string, string>;
  /** The secret values, so that messages can be scrubbed of them. */
  secrets: string[];
  /** The service's base URL in this environment, when the manifest gives one. */
  address?: string;
}

/** Resolves services at commits, reading each commit once. */
export class ServiceResolver {
  private readonly revisions = new Map<string, Promise<FleetRevision>>();

  constructor(
    private readonly git: Git,
    private readonly cache: ParseMemo,
    readonly env: string,
    /** How secrets and configs are fingerprinted (the state store's key). */
    readonly fingerprints: Fingerprinter,
  ) {}

  /** Keeps an already read revision (the release's target) instead of reading it again. */
  remember(revision: FleetRevision): void {
    if (revision.commit) this.revisions.set(revision.commit, Promise.resolve(revision));
  }

  async at(name: string, commit: string): Promise<ResolvedService> {
    let revision = this.revisions.get(commit);
    if (!revision) this.revisions.set(commit, (revision = loadRevision(this.git, this.cache, commit)));
    return resolveService(await revision, name, this.env, this.fingerprints);
  }
}

/** A service of a revision, resolved in `env` (`resolved`: its config, when already resolved). */
export function resolveService(revision: FleetRevision, name: string, env: string, fingerprints: Fingerprinter, resolved?: ResolvedConfig): ResolvedService {
  const service = revision.manifest.services.get(name);
  if (!service || !revision.commit) throw new InputError(`service ${name} does not exist at ${revision.label}`);
  const config = resolved ?? resolveConfig(revision.manifest, service, env, revision.files, revision.manifestTracked);
  const environment = serviceEnvironment(config);
  const secrets = [...config.keys.values()].filter((k) => k.spec.secret && environment[k.key]).map((k) => environment[k.key]!);
  const template = service.address.get(env);
  const address = template === undefined ? undefined : (interpolate(template, environment).value as string);
  return {
    service,
    version: { commit: revision.commit, contentId: revision.contents?.get(name) ?? '', configHash: fingerprints.config(environment) },
    environment,
    shown: shownConfig(config, fingerprints),
    secrets,
    ...(address !== undefined ? { address } : {}),
  };
}
