import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffAsyncApi, readAsyncApi } from '../../../../src/core/contracts/asyncapi/index.js';
import { isBreaking, parseSpecText, resolveRefs } from '../../../../src/core/contracts/index.js';
import { AMQP_NOTIFICATIONS_30, KAFKA_ORDERS_26, NATS_TELEMETRY_30 } from './async-api-documents.js';

const read = (text: string) => readAsyncApi(resolveRefs(parseSpecText(text)));
const ids = (base: string, revision: string) =>
  diffAsyncApi(read(base), read(revision)).changes.map((c) => `${c.level} ${c.id} ${c.operation} ${c.path ?? ''}`.trim());

describe('diffAsyncApi', () => {
  test('an unchanged document has no change', () => {
    for (const text of [KAFKA_ORDERS_26, AMQP_NOTIFICATIONS_30, NATS_TELEMETRY_30]) assert.deepEqual(ids(text, text), []);
  });

  test('a field the producer stops guaranteeing breaks the consumers of the channel it sends to', () => {
    const revision = KAFKA_ORDERS_26.replace('required: [id, total]', 'required: [id]');
    assert.deepEqual(ids(KAFKA_ORDERS_26, revision), ['ERR response-property-became-optional send orders.created OrderCreated/properties/total']);
  });

  test('a new optional field and a tighter minimum on a sent message break no consumer', () => {
    const revision = KAFKA_ORDERS_26.replace('        total: { type: number }\n', '        total: { type: number }\n        coupon: { type: string }\n');
    const diff = diffAsyncApi(read(KAFKA_ORDERS_26), read(revision));
    assert.equal(isBreaking(diff), false, JSON.stringify(diff.changes));
    assert.deepEqual(
      diff.changes.map((c) => c.id),
      ['response-optional-property-added'],
    );
  });

  test('a message the application no longer receives is refused when old producers still send it', () => {
    const revision = KAFKA_ORDERS_26.replace("          - $ref: '#/components/messages/PaymentRefunded'\n", '');
    assert.deepEqual(ids(KAFKA_ORDERS_26, revision), ['ERR asyncapi-received-message-removed receive payments.settled PaymentRefunded']);
  });

  test('a received message that now requires a field breaks against what old producers send (request-side rules)', () => {
    const revision = AMQP_NOTIFICATIONS_30.replace('required: [userId, email]', 'required: [userId, email, locale]').replace(
      '          email: { type: string, format: email }\n',
      '          email: { type: string, format: email }\n          locale: { type: string }\n',
    );
    assert.deepEqual(ids(AMQP_NOTIFICATIONS_30, revision), ['ERR new-required-request-property receive user.signedup UserSignedUp/properties/locale']);
  });

  test('a channel no longer sent to, a message added to a sent channel, an enum value added', () => {
    const noEmail = AMQP_NOTIFICATIONS_30.replace(/ {2}sendEmailSent:\n(.*\n){3}/, '');
    assert.deepEqual(ids(AMQP_NOTIFICATIONS_30, noEmail), ['ERR asyncapi-sent-channel-removed send email.sent']);
    const bounced = AMQP_NOTIFICATIONS_30.replace(
      '    bindings:\n      amqp:\n        is: routingKey',
      '      EmailBounced:\n        payload: { type: object }\n    bindings:\n      amqp:\n        is: routingKey',
    );
    assert.deepEqual(ids(AMQP_NOTIFICATIONS_30, bounced), ['WARN asyncapi-sent-message-added send email.sent EmailBounced']);
    const digest = AMQP_NOTIFICATIONS_30.replace('enum: [welcome, reset]', 'enum: [welcome, reset, digest]');
    assert.deepEqual(ids(AMQP_NOTIFICATIONS_30, digest), ['WARN response-property-enum-value-added send email.sent EmailSent/properties/template']);
  });

  test('Avro payloads follow Avro schema resolution: a field added without a default breaks readers of the old messages only when they must read it', () => {
    const withUnit = NATS_TELEMETRY_30.replace(
      '              - { name: value, type: double }\n',
      '              - { name: value, type: double }\n              - { name: unit, type: string }\n',
    );
    assert.deepEqual(ids(NATS_TELEMETRY_30, withUnit), [], 'old consumers skip a field they do not know');
    assert.deepEqual(
      ids(withUnit, NATS_TELEMETRY_30),
      ['ERR asyncapi-avro-payload-incompatible send sensors.readings Reading'],
      'consumers that read unit find it in no new message',
    );
    const promoted = NATS_TELEMETRY_30.replace('type: double', 'type: float');
    assert.deepEqual(ids(NATS_TELEMETRY_30, promoted), [], 'a float written is read as a double');
    assert.deepEqual(ids(promoted, NATS_TELEMETRY_30), ['ERR asyncapi-avro-payload-incompatible send sensors.readings Reading']);
  });

  test('a payload that changes format is one breaking change', () => {
    const json = NATS_TELEMETRY_30.replace(/ {8}payload:\n[\s\S]*?operations:/, '        payload: { type: object }\noperations:');
    assert.deepEqual(ids(NATS_TELEMETRY_30, json), ['ERR asyncapi-payload-format-changed send sensors.readings Reading']);
  });
});
