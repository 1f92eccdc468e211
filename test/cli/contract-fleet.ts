/**
 * The market fleet for contract tests: payments serves an HTTP API (its schemas in a second
 * file, reached by an external $ref), orders calls it and serves its own API to web, and emits
 * order.created, which mailer reads.
 */
export const MARKET_MANIFEST = `version: 1
name: market
environments:
  prod: { driver: local }
policy:
  batch_size: 2
services:
  payments:
    path: services/payments
    contracts:
      provides:
        http: api/openapi.yaml
  orders:
    path: services/orders
    contracts:
      provides:
        http: api/openapi.yaml
        events: { order.created: events/order-created.json }
      consumes:
        payments: { http: true, operations: ["POST /charges"] }
  web:
    path: services/web
    contracts:
      consumes:
        orders: { http: true }
  mailer:
    path: services/mailer
    contracts:
      consumes:
        order.created: { event: true }
`;

const PAYMENTS_API = `openapi: 3.0.3
info: { title: payments, version: "1" }
paths:
  /charges:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "schemas.yaml#/Charge" }
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: { $ref: "schemas.yaml#/Receipt" }
`;

const PAYMENTS_SCHEMAS = `Charge:
  type: object
  required: [amount]
  properties:
    amount: { type: integer }
Receipt:
  type: object
  required: [id]
  properties:
    id: { type: string }
`;

const ORDERS_API = `openapi: 3.0.3
info: { title: orders, version: "1" }
paths:
  /orders/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: the order
          content:
            application/json:
              schema:
                type: object
                required: [id, total]
                properties:
                  id: { type: string }
                  total: { type: integer }
`;

const ORDER_CREATED = JSON.stringify(
  { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'integer' } } },
  null,
  2,
);

export const MARKET_FILES: Record<string, string> = {
  'tranche.yaml': MARKET_MANIFEST,
  'services/payments/api/openapi.yaml': PAYMENTS_API,
  'services/payments/api/schemas.yaml': PAYMENTS_SCHEMAS,
  'services/payments/server.js': '// payments v1\n',
  'services/orders/api/openapi.yaml': ORDERS_API,
  'services/orders/events/order-created.json': ORDER_CREATED,
  'services/orders/server.js': '// orders v1\n',
  'services/web/server.js': '// web v1\n',
  'services/mailer/server.js': '// mailer v1\n',
};

/** payments gains POST /refunds, which the new orders calls. */
export const PAYMENTS_WITH_REFUNDS = PAYMENTS_API.replace(
  'paths:\n',
  `paths:
  /refunds:
    post:
      responses:
        "201": { description: refunded }
`,
);

/** orders stops sending \`total\` in GET /orders/{id}: web, which reads it, is not changed. */
export const ORDERS_WITHOUT_TOTAL = ORDERS_API.replace('required: [id, total]', 'required: [id]').replace('                  total: { type: integer }\n', '');

/** order.created loses `total`: an old mailer requires it. */
export const ORDER_CREATED_WITHOUT_TOTAL = JSON.stringify({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, null, 2);
