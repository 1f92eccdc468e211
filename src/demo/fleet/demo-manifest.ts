import { DEMO_DATABASE, DEMO_ENV, DEMO_RESOURCE, DEMO_SERVICES, type DemoService } from './demo-services.js';

/** How one revision of the manifest differs from the fleet as it runs at v1. */
export interface ManifestVariant {
  /** fleet-db's port in prod. */
  dbPort: number;
  /** The port cart's deployment variables still set, when they do. */
  cartEnvPort?: number;
  /** Whether inventory binds DB_PORT to fleet-db (false: a literal in its config file). */
  inventoryBindsPort: boolean;
}

/**
 * `tranche.yaml` of the demo fleet, written as a team would: one resource, fifteen services
 * that bind their database settings to it, and checks that go through each service to the
 * database. Generated, so that every line a finding points at is predictable.
 */
export function demoManifest(variant: ManifestVariant): string {
  const lines = [
    '# The shop: fifteen services and the Postgres they share.',
    'version: 1',
    'name: shop',
    '',
    'environments:',
    `  ${DEMO_ENV}: { driver: local }`,
    '',
    'policy:',
    '  batch_size: 3',
    '  bake: 1s',
    '  on_failure: rollback-batch',
    '  separate_config: true',
    '',
    'resources:',
    `  ${DEMO_RESOURCE}:`,
    '    kind: postgres',
    '    values:',
    `      ${DEMO_ENV}: { host: 127.0.0.1, port: ${variant.dbPort}, database: ${DEMO_DATABASE} }`,
    '',
    'services:',
  ];
  for (const service of DEMO_SERVICES) lines.push(...serviceLines(service, variant));
  return `${lines.join('\n')}\n`;
}

function serviceLines(service: DemoService, variant: ManifestVariant): string[] {
  const bindsPort = service.role !== 'literal-port' || variant.inventoryBindsPort;
  const lines = [
    `  ${service.name}:`,
    `    path: services/${service.name}`,
    '    watch: [libs]',
    ...(service.dependsOn ? [`    depends_on: [${service.dependsOn.join(', ')}]`] : []),
    `    uses: [${DEMO_RESOURCE}]`,
    '    run:',
    '      command: [node, server.js]',
    '    address:',
    `      ${DEMO_ENV}: "http://127.0.0.1:\${PORT}"`,
    '    config:',
    '      schema:',
    '        PORT: { type: port, required: true }',
    `        DB_HOST: { type: host, required: true, bind: ${DEMO_RESOURCE}.host }`,
    bindsPort ? `        DB_PORT: { type: port, required: true, bind: ${DEMO_RESOURCE}.port }` : '        DB_PORT: { type: port, required: true }',
    `        DB_NAME: { type: string, required: true, bind: ${DEMO_RESOURCE}.database }`,
    '      sources:',
    '        - file: config/defaults.yaml',
    '        - file: config/{env}.yaml',
    '          optional: true',
    '        - dotenv: deploy/{env}.env',
    '          optional: true',
  ];
  if (service.role === 'env-override' && variant.cartEnvPort !== undefined) {
    lines.push('      env:', `        ${DEMO_ENV}: { DB_PORT: "${variant.cartEnvPort}" }`);
  }
  lines.push(
    '    checks:',
    '      health: { http: { path: /health } }',
    '      sanity:',
    '        - name: query through the service',
    '          http: { path: /db, expect: { status: 200 } }',
    '        - name: database answers',
    `          postgres: { host: "\${DB_HOST}", port: "\${DB_PORT}", database: ${DEMO_DATABASE}, query: "select 1" }`,
    '',
  );
  return lines;
}
