import { runsIn, type Manifest } from '../core/manifest/manifest.js';
import type { Driver } from '../ports/driver.js';

/**
 * Stops, through the driver, whatever may run of every service of the fleet in `env`, recorded or
 * not — a start an interrupted apply never recorded included — and records nothing: the net under
 * `tranche down` for a client that must leave nothing running whatever happened (the demo's
 * cleanup). Every service is tried; what could not be stopped is returned, one line each.
 */
export async function stopEveryService(driver: Driver, env: string, manifest: Manifest, fleetRoot: string): Promise<string[]> {
  const services = [...manifest.services.values()].filter((service) => runsIn(service, env));
  const failures: string[] = [];
  await Promise.all(
    services.map((service) =>
      driver
        .stop(env, service, fleetRoot)
        .catch((error: unknown) => failures.push(`${service.name}: ${error instanceof Error ? error.message : String(error)}`)),
    ),
  );
  return failures.sort();
}
