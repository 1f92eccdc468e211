/**
 * The demo's shop fleet: fifteen services sharing one Postgres, `fleet-db`. Each service owns one
 * table and answers `/db` with a real query on it. The roles say which of the migration's
 * mistakes a service carries (see `migration-commits.ts`).
 */
export interface DemoService {
  name: string;
  /** The table its `/db` endpoint counts rows of. */
  table: string;
  /** How many rows the table is seeded with. */
  rows: number;
  dependsOn?: string[];
  role?: DemoRole;
}

export type DemoRole =
  /** Overrides DB_PORT in the deployment's own variables (`config.env.prod` in tranche.yaml). */
  | 'env-override'
  /** Overrides DB_PORT in a dotenv file of its own (`deploy/prod.env`). */
  | 'dotenv-override'
  /** Sets DB_PORT literally in `config/prod.yaml` instead of binding it to the resource. */
  | 'literal-port'
  /** Gets a "misc fix" to its code in the middle of the migration. */
  | 'misc-fix'
  /** Has a lockfile whose transitive dependencies get refreshed in the middle of the migration. */
  | 'lockfile'
  /** Its `/health` answers 200 without touching the database. */
  | 'lying-health';

/**
 * In manifest order, which is the planner's tie-break: ledger comes last so that its batch is the
 * last one, and the batches before it show what a good rollout looks like.
 */
export const DEMO_SERVICES: readonly DemoService[] = [
  { name: 'catalog', table: 'products', rows: 120 },
  { name: 'inventory', table: 'stock_levels', rows: 120, role: 'literal-port' },
  { name: 'pricing', table: 'prices', rows: 120 },
  { name: 'accounts', table: 'customers', rows: 48 },
  { name: 'cart', table: 'carts', rows: 17, role: 'env-override' },
  { name: 'payments', table: 'payment_intents', rows: 31, role: 'lockfile' },
  { name: 'checkout', table: 'orders', rows: 29, dependsOn: ['cart', 'payments', 'pricing'], role: 'dotenv-override' },
  { name: 'shipping', table: 'shipments', rows: 25 },
  { name: 'search', table: 'search_terms', rows: 64, role: 'misc-fix' },
  { name: 'reviews', table: 'reviews', rows: 73 },
  { name: 'sessions', table: 'web_sessions', rows: 12, dependsOn: ['accounts'] },
  { name: 'notifications', table: 'outbox', rows: 9 },
  { name: 'recommendations', table: 'recommendations', rows: 240 },
  { name: 'reports', table: 'report_runs', rows: 6 },
  { name: 'ledger', table: 'ledger_entries', rows: 58, dependsOn: ['payments'], role: 'lying-health' },
];

/** The one environment of the demo. */
export const DEMO_ENV = 'prod';
/** The resource every service uses, and the database it serves. */
export const DEMO_RESOURCE = 'fleet-db';
export const DEMO_DATABASE = 'shop';

export function serviceWithRole(role: DemoRole): DemoService {
  const service = DEMO_SERVICES.find((s) => s.role === role);
  if (!service) throw new Error(`internal error: no demo service has the role ${role}`);
  return service;
}
