// The drivers this tranche has: importing this module registers each of them (see `registry.ts`).
// A driver is added by writing its module, registering it there, and importing it here.
import './exec-driver.js';
import './local-driver.js';

export { driverFactory } from './registry.js';
