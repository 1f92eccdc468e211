import type { DemoPorts } from './demo-ports.js';
import { demoManifest } from './demo-manifest.js';
import { serviceWithRole } from './demo-services.js';
import type { FileMap } from './fleet-files.js';
import { serverJs } from './fleet-files.js';
import { paymentsLockfile } from './payments-lockfile.js';

export interface Author {
  name: string;
  email: string;
}

/** One commit of the story: files written and removed, or the revert of an earlier commit. */
export type StoryCommit =
  | { key: string; author: Author; subject: string; body?: string; write?: FileMap; remove?: string[] }
  | { key: string; author: Author; revert: string };

const DANA: Author = { name: 'Dana Kim', email: 'dana@shop.example' };
const SAM: Author = { name: 'Sam Ortiz', email: 'sam@shop.example' };
const ALEX: Author = { name: 'Alex Novak', email: 'alex@shop.example' };
const PRIYA: Author = { name: 'Priya Shah', email: 'priya@shop.example' };

/**
 * The migration as it was merged: the DBA moves fleet-db to its new port in one line of
 * tranche.yaml, and three unrelated changes ride along. Nobody touched the three services that
 * set the port themselves.
 */
export function migrationCommits(ports: DemoPorts): StoryCommit[] {
  const search = serviceWithRole('misc-fix');
  return [
    {
      key: 'move-db',
      author: DANA,
      subject: `fleet-db: move to port ${ports.newDb}`,
      body: `The database moves to ${ports.newDb}; its old port ${ports.oldDb} is served only until every service has moved.`,
      write: { 'tranche.yaml': demoManifest({ dbPort: ports.newDb, cartEnvPort: ports.oldDb, inventoryBindsPort: false }) },
    },
    {
      key: 'misc-fix',
      author: SAM,
      subject: 'search: misc fixes',
      write: {
        [`services/${search.name}/server.js`]: serverJs(search, {
          comment: 'misc: count each term once',
          sql: `select count(distinct label) as ${search.table} from ${search.table}`,
        }),
      },
    },
    {
      key: 'lockfile',
      author: ALEX,
      subject: 'payments: regenerate package-lock.json',
      write: { [`services/${serviceWithRole('lockfile').name}/package-lock.json`]: paymentsLockfile('7.2.0') },
    },
    {
      key: 'ledger-db',
      author: PRIYA,
      subject: 'ledger: read from the ledger database',
      write: { [`services/${serviceWithRole('lying-health').name}/config/prod.yaml`]: 'DB_NAME: ledger\n' },
    },
  ];
}

/**
 * What the team does once `tranche check` has shown the findings: remove the overrides, bind the
 * literal, and take the two unrelated changes out of this release (they go out on their own).
 * ledger's change passed every rule, so nobody touches it.
 */
export function fixCommits(ports: DemoPorts): StoryCommit[] {
  const cart = serviceWithRole('env-override');
  const checkout = serviceWithRole('dotenv-override');
  const inventory = serviceWithRole('literal-port');
  return [
    {
      key: 'drop-overrides',
      author: DANA,
      subject: `${cart.name}, ${checkout.name}: drop the old DB_PORT overrides`,
      write: { 'tranche.yaml': demoManifest({ dbPort: ports.newDb, inventoryBindsPort: false }) },
      remove: [`services/${checkout.name}/deploy/prod.env`],
    },
    {
      key: 'bind-port',
      author: DANA,
      subject: `${inventory.name}: bind DB_PORT to fleet-db instead of a literal`,
      write: { 'tranche.yaml': demoManifest({ dbPort: ports.newDb, inventoryBindsPort: true }) },
      remove: [`services/${inventory.name}/config/prod.yaml`],
    },
    { key: 'revert-misc-fix', author: SAM, revert: 'misc-fix' },
    { key: 'revert-lockfile', author: ALEX, revert: 'lockfile' },
  ];
}
