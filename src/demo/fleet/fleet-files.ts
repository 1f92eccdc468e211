import type { DemoPorts } from './demo-ports.js';
import { demoManifest } from './demo-manifest.js';
import { DEMO_SERVICES, type DemoService } from './demo-services.js';
import { PAYMENTS_PACKAGE_JSON, paymentsLockfile } from './payments-lockfile.js';
import { PG_WIRE_SOURCE } from './pg-wire-source.js';
import { SERVICE_LIB_SOURCE } from './service-lib-source.js';

/** Repo-relative path → file content. */
export type FileMap = Record<string, string>;

/** The fleet as it runs today (v1): every service on fleet-db's old port. */
export function fleetFilesV1(ports: DemoPorts): FileMap {
  const files: FileMap = {
    'tranche.yaml': demoManifest({ dbPort: ports.oldDb, cartEnvPort: ports.oldDb, inventoryBindsPort: false }),
    '.gitignore': '# what tranche keeps of its runs: state, release directories, logs\n.tranche/\n',
    'README.md': README,
    'libs/pg-wire/index.js': PG_WIRE_SOURCE,
    'libs/service/index.js': SERVICE_LIB_SOURCE,
  };
  for (const service of DEMO_SERVICES) Object.assign(files, serviceFiles(service, ports));
  return files;
}

function serviceFiles(service: DemoService, ports: DemoPorts): FileMap {
  const dir = `services/${service.name}`;
  const files: FileMap = {
    [`${dir}/server.js`]: serverJs(service),
    [`${dir}/config/defaults.yaml`]: `PORT: ${ports.services.get(service.name)}\n`,
  };
  if (service.role === 'literal-port') files[`${dir}/config/prod.yaml`] = `DB_PORT: ${ports.oldDb}\n`;
  if (service.role === 'dotenv-override') files[`${dir}/deploy/prod.env`] = `# written by the old deploy script\nDB_PORT=${ports.oldDb}\n`;
  if (service.role === 'lockfile') {
    files[`${dir}/package.json`] = PAYMENTS_PACKAGE_JSON;
    files[`${dir}/package-lock.json`] = paymentsLockfile('7.1.0');
  }
  return files;
}

/** A service's entry point: the shared server with its own query (`sql` replaces it). */
export function serverJs(service: DemoService, change: { sql?: string; comment?: string } = {}): string {
  const health = service.role === 'lying-health' ? "\n  // The process is up, so it is healthy. (It does not ask the database.)\n  health: 'static'," : '';
  const sql = change.sql ?? `select count(*) as ${service.table} from ${service.table}`;
  return `'use strict';
const { serve } = require('../../libs/service');

serve({
  name: '${service.name}',${change.comment ? `\n  // ${change.comment}` : ''}
  sql: '${sql}',${health}
});
`;
}

const README = `# shop

The fleet of \`tranche demo\`: fifteen Node services (no npm dependencies) sharing one Postgres,
\`fleet-db\`. Every service answers \`/health\` and \`/db\` (a real query through
\`libs/pg-wire\`, a small hand-written Postgres client). See \`tranche.yaml\`.
`;
