import type { DriverName } from '../../core/manifest/manifest.js';
import type { Driver } from '../../ports/driver.js';

/** What a driver is made with: the operator's environment, which commands and services run with. */
interface DriverSettings {
  env: NodeJS.ProcessEnv;
}

export type DriverFactory = (settings: DriverSettings) => Driver;

const factories = new Map<DriverName, DriverFactory>();

/** Makes the driver `name` available to environments that name it; each driver module registers itself. */
export function registerDriver(name: DriverName, factory: DriverFactory): void {
  if (factories.has(name)) throw new Error(`the ${name} driver is registered twice`);
  factories.set(name, factory);
}

/** The factory of the driver `name`; undefined when this tranche has none (see `drivers.ts`). */
export function driverFactory(name: DriverName): DriverFactory | undefined {
  return factories.get(name);
}
