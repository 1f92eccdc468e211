import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { manifestSchema } from '../../../src/core/manifest/manifest-schema.js';
import { REPO_ROOT } from '../../support/paths.js';

test('the published schema/tranche.schema.json is the schema tranche validates with', () => {
  const published = JSON.parse(readFileSync(`${REPO_ROOT}schema/tranche.schema.json`, 'utf8'));
  assert.deepEqual(published, manifestSchema, 'run `npm run schema` to rewrite the published schema');
});

test('the schema is a valid draft-07 JSON Schema that accepts the product example manifest', () => {
  const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(manifestSchema as object);
  const example = {
    version: 1,
    name: 'shop',
    environments: { dev: { driver: 'local' }, prod: { driver: 'kubernetes' } },
    policy: { batch_size: 3, bake: '5s', on_failure: 'rollback-batch', separate_config: true, rules: { 'deps/transitive-change': 'warn' } },
    resources: { 'orders-db': { kind: 'postgres', values: { dev: { host: '127.0.0.1', port: 5432, database: 'orders' } } } },
    services: {
      orders: {
        path: 'services/orders',
        watch: ['libs/common'],
        depends_on: ['payments'],
        uses: ['orders-db'],
        run: { command: ['node', 'server.js'], build: ['npm', 'ci', '--omit=dev'] },
        exec: { deploy: ['./deploy.sh'] },
        kubernetes: { deployment: 'orders', container: 'app', image: 'registry.example.com/orders:{commit}' },
        address: { dev: 'http://127.0.0.1:${PORT}' },
        config: {
          schema: { PORT: { type: 'port', required: true }, DB_HOST: { type: 'host', required: true, bind: 'orders-db.host' } },
          sources: [{ file: 'config/defaults.yaml' }, { dotenv: 'deploy/{env}.env', optional: true }],
          env: { prod: { LOG_LEVEL: 'warn' } },
        },
        contracts: {
          provides: { http: 'api/openapi.yaml', events: { 'order.created': 'events/order-created.json' } },
          consumes: { payments: { http: true, operations: ['POST /charges'] }, 'inventory.reserved': { event: true } },
        },
        checks: {
          health: { http: { path: '/health' } },
          sanity: [
            { name: 'database answers', postgres: { host: '${DB_HOST}', port: '${DB_PORT}', database: 'orders', query: 'select 1' } },
            {
              name: 'an order can be created',
              http: { method: 'POST', path: '/orders', body: { sku: 'demo-1' }, expect: { status: 201, json: { '$.id': { exists: true } } } },
            },
          ],
        },
      },
    },
  };
  assert.equal(validate(example), true, JSON.stringify(validate.errors));
  assert.equal(validate({ ...example, version: 2 }), false);
});
