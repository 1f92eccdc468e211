import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRevision, withFleetAt } from '../cli/open-fleet.js';
import { MANIFEST_FILE } from '../core/manifest/parse-manifest.js';
import { environmentDriver } from '../cli/runtime.js';
import type { CliIO } from '../cli/io.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { stopEveryService } from '../engine/stop-every-service.js';
import { DEMO_ENV } from './fleet/demo-services.js';

/**
 * Stops every service of the fleet that the demo may have started, whatever tranche recorded
 * (`stopEveryService`: the engine's net under `tranche down`, for an interrupted demo), with the
 * fleet and the driver wired as the CLI wires them. Returns what could not be stopped.
 */
export async function stopFleet(root: string, io: CliIO): Promise<string[]> {
  // Interrupted before the fleet was written: nothing of it ever ran.
  if (!existsSync(join(root, MANIFEST_FILE))) return [];
  return withFleetAt(root, io, async (fleet) => {
    let head: FleetRevision;
    try {
      head = await loadRevision(fleet, 'HEAD');
    } catch {
      // No commit yet: nothing was ever deployed.
      return [];
    }
    return stopEveryService(environmentDriver(head.manifest, DEMO_ENV, io.env), DEMO_ENV, head.manifest, fleet.root);
  });
}
