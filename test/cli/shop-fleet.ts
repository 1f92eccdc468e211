/** A three-service fleet as a team would write it, with one database whose prod port is moving. */
export const SHOP_MANIFEST = `version: 1
name: shop
environments:
  dev: { driver: local }
  staging: { driver: local }
  prod: { driver: local }
resources:
  orders-db:
    kind: postgres
    values:
      dev: { host: 127.0.0.1, port: 5432, database: orders }
      staging: { host: 127.0.0.1, port: 5432, database: orders }
      prod: { host: 127.0.0.1, port: 5432, database: orders }
services:
  payments:
    path: services/payments
    config:
      schema:
        PORT: { type: port, required: true }
      sources:
        - file: config/defaults.yaml
  orders:
    path: services/orders
    depends_on: [payments]
    uses: [orders-db]
    config:
      schema:
        PORT: { type: port, required: true }
        DB_HOST: { type: host, required: true, bind: orders-db.host }
        DB_PORT: { type: port, required: true, bind: orders-db.port }
        PAYMENTS_URL: { type: url, required: true }
        API_TOKEN: { type: string, secret: true, required: true }
        LOG_LEVEL: { type: enum, values: [debug, info, warn], default: info }
        TIMEOUT: { type: duration, default: 2s }
      sources:
        - file: config/defaults.yaml
        - file: config/{env}.yaml
        - dotenv: deploy/{env}.env
          optional: true
      env:
        prod: { LOG_LEVEL: warn }
  inventory:
    path: services/inventory
    uses: [orders-db]
    config:
      schema:
        PORT: { type: port, required: true }
        DB_PORT: { type: port, required: true }
      sources:
        - file: config/defaults.yaml
        - file: config/{env}.yaml
`;

export const SHOP_FILES: Record<string, string> = {
  'tranche.yaml': SHOP_MANIFEST,
  '.gitignore': '*.env\n',
  'services/payments/config/defaults.yaml': 'PORT: 7001\n',
  'services/orders/config/defaults.yaml': 'PORT: 7002\nPAYMENTS_URL: http://127.0.0.1:7001\n',
  'services/orders/config/dev.yaml': 'TIMEOUT: 5s\n',
  'services/orders/config/staging.yaml': '{}\n',
  'services/orders/config/prod.yaml': '# prod overrides\n',
  'services/inventory/config/defaults.yaml': 'PORT: 7003\n',
  'services/inventory/config/dev.yaml': 'DB_PORT: 5432\n',
  'services/inventory/config/staging.yaml': 'DB_PORT: 5432\n',
  'services/inventory/config/prod.yaml': 'DB_PORT: 5432\n',
};

/** Untracked (git-ignored) secrets, one per environment, as an operator keeps them. */
export const SHOP_SECRETS: Record<string, string> = {
  'services/orders/deploy/dev.env': 'API_TOKEN=dev-token-1\n',
  'services/orders/deploy/staging.env': 'API_TOKEN=staging-token-2\n',
  'services/orders/deploy/prod.env': 'API_TOKEN=prod-token-3\n',
};
