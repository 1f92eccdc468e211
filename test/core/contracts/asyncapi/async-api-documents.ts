/**
 * AsyncAPI documents as services write them: orders on Kafka (2.6, messages and schemas in
 * components), notifications on RabbitMQ (3.0, a queue it reads and an exchange it writes), and
 * telemetry on NATS (3.0, an Avro payload).
 */
export const KAFKA_ORDERS_26 = `asyncapi: 2.6.0
info:
  title: orders
  version: 1.4.0
servers:
  production:
    url: kafka-1.internal:9092
    protocol: kafka
    description: the orders cluster
channels:
  orders.created:
    description: one message per order placed
    bindings:
      kafka:
        topic: orders.created.v1
        partitions: 12
    subscribe:
      operationId: publishOrderCreated
      message:
        $ref: '#/components/messages/OrderCreated'
  payments.settled:
    publish:
      operationId: onPaymentSettled
      message:
        oneOf:
          - $ref: '#/components/messages/PaymentSettled'
          - $ref: '#/components/messages/PaymentRefunded'
components:
  messages:
    OrderCreated:
      name: OrderCreated
      contentType: application/json
      payload:
        $ref: '#/components/schemas/Order'
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
  schemas:
    Order:
      type: object
      required: [id, total]
      properties:
        id: { type: string, format: uuid }
        total: { type: number }
        lines:
          type: array
          items:
            type: object
            required: [sku, quantity]
            properties:
              sku: { type: string }
              quantity: { type: integer, minimum: 1 }
`;

export const AMQP_NOTIFICATIONS_30 = `asyncapi: 3.0.0
info:
  title: notifications
  version: 2.0.0
servers:
  rabbit:
    host: rabbitmq.internal:5672
    protocol: amqp
channels:
  userSignedUp:
    address: user.signedup
    messages:
      UserSignedUp:
        $ref: '#/components/messages/UserSignedUp'
    bindings:
      amqp:
        is: queue
        queue:
          name: notifications.user-signedup
          durable: true
  emailSent:
    address: email.sent
    messages:
      EmailSent:
        payload:
          type: object
          required: [to, template]
          properties:
            to: { type: string, format: email }
            template: { type: string, enum: [welcome, reset] }
    bindings:
      amqp:
        is: routingKey
        exchange:
          name: notifications
          type: topic
operations:
  onUserSignedUp:
    action: receive
    channel:
      $ref: '#/channels/userSignedUp'
    messages:
      - $ref: '#/channels/userSignedUp/messages/UserSignedUp'
  sendEmailSent:
    action: send
    channel:
      $ref: '#/channels/emailSent'
components:
  messages:
    UserSignedUp:
      messageId: UserSignedUp
      payload:
        type: object
        required: [userId, email]
        properties:
          userId: { type: string }
          email: { type: string, format: email }
`;

export const NATS_TELEMETRY_30 = `asyncapi: 3.0.0
info:
  title: telemetry
  version: 1.0.0
servers:
  nats:
    host: nats.internal:4222
    protocol: nats
channels:
  readings:
    address: sensors.readings
    messages:
      Reading:
        payload:
          schemaFormat: application/vnd.apache.avro;version=1.9.0
          schema:
            type: record
            name: Reading
            fields:
              - { name: sensor, type: string }
              - { name: value, type: double }
operations:
  publishReading:
    action: send
    channel:
      $ref: '#/channels/readings'
`;
