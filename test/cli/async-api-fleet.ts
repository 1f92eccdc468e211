import { KAFKA_ORDERS_26 } from '../core/contracts/asyncapi/async-api-documents.js';

/**
 * The bazaar fleet, whose services talk through Kafka topics described by AsyncAPI: orders sends
 * orders.created and receives payments.settled (2.6), payments sends payments.settled (3.0),
 * mailer receives orders.created (3.0, no manifest entry), and ledger reads payments.settled
 * through a manifest entry.
 */
export const BAZAAR_MANIFEST = `version: 1
name: bazaar
environments:
  prod: { driver: local }
policy:
  batch_size: 2
services:
  orders:
    path: services/orders
    contracts:
      provides:
        asyncapi: asyncapi.yaml
  payments:
    path: services/payments
    contracts:
      provides:
        asyncapi: asyncapi.yaml
  mailer:
    path: services/mailer
    contracts:
      provides:
        asyncapi: asyncapi.yaml
  ledger:
    path: services/ledger
    contracts:
      consumes:
        payments.settled: { event: true }
`;

const PAYMENTS = `asyncapi: 3.0.0
info: { title: payments, version: 1.0.0 }
servers:
  kafka: { host: kafka-1.internal:9092, protocol: kafka }
channels:
  settled:
    address: payments.settled
    messages:
      PaymentSettled:
        payload:
          type: object
          required: [orderId, amount]
          properties:
            orderId: { type: string }
            amount: { type: integer }
      PaymentRefunded:
        payload:
          type: object
          required: [orderId]
          properties:
            orderId: { type: string }
            reason: { type: string }
operations:
  publishSettled:
    action: send
    channel: { $ref: '#/channels/settled' }
`;

export const MAILER = `asyncapi: 3.0.0
info: { title: mailer, version: 1.0.0 }
servers:
  kafka: { host: kafka-1.internal:9092, protocol: kafka }
channels:
  orderCreated:
    address: orders.created
    messages:
      OrderCreated:
        payload:
          type: object
          required: [id, total]
          properties:
            id: { type: string }
            total: { type: number }
operations:
  onOrderCreated:
    action: receive
    channel: { $ref: '#/channels/orderCreated' }
`;

export const BAZAAR_FILES: Record<string, string> = {
  'tranche.yaml': BAZAAR_MANIFEST,
  'services/orders/asyncapi.yaml': KAFKA_ORDERS_26,
  'services/orders/server.js': '// orders v1\n',
  'services/payments/asyncapi.yaml': PAYMENTS,
  'services/payments/server.js': '// payments v1\n',
  'services/mailer/asyncapi.yaml': MAILER,
  'services/mailer/server.js': '// mailer v1\n',
  'services/ledger/server.js': '// ledger v1\n',
};

/** orders stops guaranteeing `total` in orders.created: a mailer written before requires it. */
export const ORDERS_TOTAL_OPTIONAL = KAFKA_ORDERS_26.replace('required: [id, total]', 'required: [id]');
