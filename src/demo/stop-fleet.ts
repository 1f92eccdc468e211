import { LocalDriver } from '../adapters/drivers/local-driver.js';
import { GitCli } from '../adapters/git/git-cli.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { ParseCache } from '../engine/gather.js';
import { loadRevision } from '../engine/load-revision.js';
import { DEMO_ENV } from './fleet/demo-services.js';

/**
 * Stops every service of the fleet that the local driver may have started, whatever tranche
 * recorded: each one's recorded process, and anything still running from one of its release
 * directories (a start that an interrupted `tranche apply` never recorded). `tranche down` stops
 * what is recorded as deployed; this is the net under it when the demo is interrupted.
 * Returns what could not be stopped.
 */
export async function stopFleet(root: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const git = new GitCli(root, env);
  try {
    let head: FleetRevision;
    try {
      head = await loadRevision(git, new ParseCache(), 'HEAD');
    } catch {
      // No commit yet: nothing was ever deployed.
      return [];
    }
    const driver = new LocalDriver({ env });
    const failures: string[] = [];
    await Promise.all(
      [...head.manifest.services.values()].map((service) =>
        driver.stop(DEMO_ENV, service, root).catch((error: Error) => failures.push(`${service.name}: ${error.message}`)),
      ),
    );
    return failures;
  } finally {
    await git.close();
  }
}
