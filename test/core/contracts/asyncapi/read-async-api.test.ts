import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AsyncApiContract, AsyncApiProblem, readAsyncApi, specLocator } from '../../../../src/core/contracts/asyncapi/index.js';
import { parseSpecText, resolveRefs } from '../../../../src/core/contracts/index.js';
import { AMQP_NOTIFICATIONS_30, KAFKA_ORDERS_26, NATS_TELEMETRY_30 } from './async-api-documents.js';

const read = (text: string): AsyncApiContract => readAsyncApi(resolveRefs(parseSpecText(text)));

/** The problem a document has, as `file:line:column: message`. */
function problemOf(text: string): string {
  try {
    read(text);
  } catch (error) {
    if (!(error instanceof AsyncApiProblem)) throw error;
    const { line, column } = specLocator(text)(error.path);
    return `${line}:${column}: ${error.message}`;
  }
  assert.fail('the document was read');
}

const summary = (contract: AsyncApiContract) =>
  contract.channels.map((c) => ({
    address: c.address,
    protocol: c.protocol,
    destination: `${c.destination.kind} ${c.destination.name}`,
    sends: c.sends.map((m) => `${m.name}:${m.format}`),
    receives: c.receives.map((m) => `${m.name}:${m.format}`),
  }));

describe('readAsyncApi', () => {
  test('a channel whose name or address holds a line break or a terminal control is refused where it is written', () => {
    assert.equal(
      problemOf('asyncapi: 2.6.0\ninfo: { title: t, version: "1" }\nchannels:\n  "pay\\nFAKE": {}\n'),
      '4:16: channel "pay\\nFAKE" holds a control character',
    );
    assert.equal(
      problemOf('asyncapi: 3.0.0\ninfo: { title: t, version: "1" }\nchannels:\n  pay:\n    address: "pay\\u001b[31m"\n'),
      '5:14: channel address "pay\\u001b[31m" holds a control character',
    );
  });

  test('reads a 2.6 Kafka document: subscribe is what the application sends, publish what it receives', () => {
    const contract = read(KAFKA_ORDERS_26);
    assert.equal(contract.version, '2.6.0');
    assert.deepEqual(summary(contract), [
      { address: 'orders.created', protocol: 'kafka', destination: 'topic orders.created.v1', sends: ['OrderCreated:json-schema'], receives: [] },
      {
        address: 'payments.settled',
        protocol: 'kafka',
        destination: 'topic payments.settled',
        sends: [],
        receives: ['PaymentSettled:json-schema', 'PaymentRefunded:json-schema'],
      },
    ]);
    const order = contract.channels[0]!.sends[0]!.payload as { required: string[]; properties: Record<string, unknown> };
    assert.deepEqual(order.required, ['id', 'total'], 'the payload $ref to components/schemas is followed');
    assert.deepEqual(contract.channels[1]!.receivePath, ['channels', 'payments.settled', 'publish']);
  });

  test('reads a 3.0 AMQP document: operations name their channel and messages by $ref, action says the way', () => {
    const contract = read(AMQP_NOTIFICATIONS_30);
    assert.deepEqual(summary(contract), [
      { address: 'user.signedup', protocol: 'amqp', destination: 'queue notifications.user-signedup', sends: [], receives: ['UserSignedUp:json-schema'] },
      { address: 'email.sent', protocol: 'amqp', destination: 'exchange notifications', sends: ['EmailSent:json-schema'], receives: [] },
    ]);
    assert.deepEqual(contract.channels[0]!.receivePath, ['operations', 'onUserSignedUp']);
  });

  test('reads a 3.0 NATS document with an Avro payload in a Multi Format Schema Object', () => {
    const contract = read(NATS_TELEMETRY_30);
    assert.deepEqual(summary(contract), [
      { address: 'sensors.readings', protocol: 'nats', destination: 'subject sensors.readings', sends: ['Reading:avro'], receives: [] },
    ]);
    assert.equal((contract.channels[0]!.sends[0]!.payload as { name: string }).name, 'Reading');
  });

  test('reads messages of another file of the repository through an external $ref', () => {
    const files: Record<string, string> = {
      'api/asyncapi.yaml': KAFKA_ORDERS_26.replace("$ref: '#/components/messages/OrderCreated'", "$ref: 'messages.yaml#/OrderCreated'"),
      'api/messages.yaml':
        'OrderCreated:\n  name: OrderCreated\n  payload:\n    type: object\n    required: [id]\n    properties:\n      id: { type: string }\n',
    };
    const document = resolveRefs(parseSpecText(files['api/asyncapi.yaml']!), { uri: 'api/asyncapi.yaml', read: (uri) => parseSpecText(files[uri]!) });
    const [created] = readAsyncApi(document).channels;
    assert.equal(created!.sends[0]!.name, 'OrderCreated');
    assert.deepEqual((created!.sends[0]!.payload as { required: string[] }).required, ['id']);
  });

  test('a 3.0 channel without an address is named by its key; the servers must agree on a protocol', () => {
    const contract = read(`asyncapi: 3.0.0
info: { title: t, version: "1" }
servers:
  a: { host: a:9092, protocol: kafka }
  b: { host: b:4222, protocol: nats }
channels:
  audit:
    messages:
      Entry: { payload: { type: string } }
operations:
  write: { action: send, channel: { $ref: '#/channels/audit' } }
`);
    assert.deepEqual(summary(contract), [{ address: 'audit', protocol: undefined, destination: 'channel audit', sends: ['Entry:json-schema'], receives: [] }]);
  });

  test('a malformed document is a problem at its place in the file', () => {
    assert.equal(problemOf(AMQP_NOTIFICATIONS_30.replace('action: send', 'action: sned')), '45:13: operation sendEmailSent: action must be send or receive');
    assert.equal(problemOf('asyncapi: 1.2.0\ninfo: {}\n'), '1:11: AsyncAPI 1.2.0 is not supported (2.x and 3.0 are)');
    assert.equal(problemOf('openapi: 3.0.0\npaths: {}\n'), '1:1: not an AsyncAPI document: it has no asyncapi version');
    assert.equal(
      problemOf(
        AMQP_NOTIFICATIONS_30.replace("      - $ref: '#/channels/userSignedUp/messages/UserSignedUp'", "      - $ref: '#/components/messages/Other'\n").concat(
          '    Other:\n      payload: { type: string }\n',
        ),
      ),
      '43:9: operation onUserSignedUp: message 0 must be a $ref to a message of channel userSignedUp',
    );
    assert.equal(
      problemOf(NATS_TELEMETRY_30.replace('type: record', 'type: recrod')),
      '17:13: message Reading: not a valid Avro schema: unknown type: "recrod"',
    );
    assert.equal(
      problemOf(KAFKA_ORDERS_26.replace('      contentType: application/json\n', '      schemaFormat: application/vnd.google.protobuf;version=3\n')),
      '32:21: schemaFormat "application/vnd.google.protobuf;version=3" is not supported: JSON Schema (the default), OpenAPI and Avro payloads are',
    );
    const json = JSON.stringify({ asyncapi: '2.6.0', info: {}, channels: { a: { subscribe: { message: 'oops' } } } }, null, 2);
    assert.equal(problemOf(json), '7:20: a message must be a mapping');
  });
});
