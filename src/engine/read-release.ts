import type { FleetRevision } from '../core/fleet-revision.js';
import { selectEnv } from '../core/manifest/select.js';
import type { DeployedService } from '../core/state/records.js';
import type { Git } from '../ports/git.js';
import type { ParseCache } from './gather.js';
import { InvalidFleetError, loadRevision } from './load-revision.js';
import { deployedCommit } from './prepare-release.js';

export interface ReleaseQuery {
  env: string | undefined;
  toRef: string;
  /** Default: the commit recorded as deployed in the environment. */
  fromRef?: string;
  /** What is recorded as deployed in an environment (empty when nothing is recorded). */
  deployed(env: string): Promise<Map<string, DeployedService>>;
}

/** The two revisions of a release and the recorded state, read. */
export interface ReleaseRevisions {
  env: string;
  to: FleetRevision;
  from?: FleetRevision;
  /** Why there is no `from`, when there is none. */
  whyNoFrom: string;
  deployed: Map<string, DeployedService>;
}

/**
 * Reads the target, the deployed revision (`--from`, or the commit recorded as deployed) and the
 * recorded state. An explicit `--from` is read alongside the target, and both are awaited before
 * anything is thrown, so no read outlives the call. A deployed revision whose own definition is
 * broken does not block the release: the rules that compare are skipped, and it says why.
 */
export async function readReleaseRevisions(git: Git, cache: ParseCache, query: ReleaseQuery): Promise<ReleaseRevisions> {
  const load = (ref: string, name?: string) =>
    loadRevision(git, cache, ref, name).then(
      (revision) => ({ revision }),
      (error: unknown) => ({ error }),
    );
  const early = query.fromRef !== undefined ? load(query.fromRef) : undefined;
  const target = await load(query.toRef);
  if ('error' in target) {
    await early;
    throw target.error;
  }
  const to = target.revision;
  const env = selectEnv(to.manifest, query.env);
  const deployed = await query.deployed(env);
  const fromRef = query.fromRef ?? deployedCommit(deployed);
  const read = early ?? (fromRef !== undefined ? load(fromRef, 'deployed') : undefined);
  const fromResult = read ? await read : undefined;
  let whyNoFrom = `no --from was given and nothing is recorded as deployed in ${env}`;
  if (fromResult && 'error' in fromResult) {
    if (!(fromResult.error instanceof InvalidFleetError)) throw fromResult.error;
    whyNoFrom = `the fleet definition at ${fromRef} has problems (${fromResult.error.findings[0]?.message ?? 'invalid'})`;
  }
  return { env, to, ...(fromResult && 'revision' in fromResult ? { from: fromResult.revision } : {}), whyNoFrom, deployed };
}
