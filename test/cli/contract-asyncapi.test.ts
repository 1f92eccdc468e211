import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { AMQP_NOTIFICATIONS_30, KAFKA_ORDERS_26 } from '../core/contracts/asyncapi/async-api-documents.js';
import { runCli, runJson } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tranche-asyncapi-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const files: Record<string, string> = {
  'old/orders.yaml': KAFKA_ORDERS_26,
  'new/orders.yaml': KAFKA_ORDERS_26.replace('required: [id, total]', 'required: [id]'),
  'optional/orders.yaml': KAFKA_ORDERS_26.replace('        total: { type: number }\n', '        total: { type: number }\n        coupon: { type: string }\n'),
  'old/notifications.json': JSON.stringify(parse(AMQP_NOTIFICATIONS_30), null, 2),
  'bad/notifications.yaml': AMQP_NOTIFICATIONS_30.replace('action: send', 'action: emit'),
  'bad/syntax.yaml': 'asyncapi: 3.0.0\nchannels: [\n',
  'split/asyncapi.yaml': KAFKA_ORDERS_26.replace("$ref: '#/components/schemas/Order'", "$ref: 'schemas/order.yaml'"),
  'split/schemas/order.yaml': 'type: object\nrequired: [id]\nproperties:\n  id: { type: string }\n',
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

interface DiffJson {
  breaking: boolean;
  changes: { id: string; level: string; operation?: string; path?: string; message: string }[];
}

describe('tranche contract diff --kind asyncapi', () => {
  test('a payload change a consumer of the old messages meets is breaking: exit 1, per channel and message', () => {
    const { code, json } = runJson<DiffJson>(['contract', 'diff', 'old/orders.yaml', 'new/orders.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(code, 1);
    assert.equal(json.breaking, true);
    assert.deepEqual(
      json.changes.map((c) => [c.level, c.id, c.operation, c.path]),
      [['ERR', 'response-property-became-optional', 'send orders.created', 'OrderCreated/properties/total']],
    );
    const text = runCli(['contract', 'diff', 'old/orders.yaml', 'new/orders.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /ERR\s+response-property-became-optional\s+send orders\.created/);
    assert.match(text.stdout, /1 error, 0 warning, 0 info: breaking/);
  });

  test('a change no consumer meets is not breaking: exit 0', () => {
    const { code, json } = runJson<DiffJson>(['contract', 'diff', 'old/orders.yaml', 'optional/orders.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(code, 0);
    assert.deepEqual(
      json.changes.map((c) => [c.level, c.id]),
      [['INFO', 'response-optional-property-added']],
    );
    assert.equal(json.breaking, false);
  });

  test('channels the application stops sending to and receiving from, across a JSON and a YAML document', () => {
    const { code, json } = runJson<DiffJson>(['contract', 'diff', 'old/notifications.json', 'old/orders.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(code, 1);
    assert.deepEqual(
      json.changes.map((c) => `${c.level} ${c.id} ${c.operation}`),
      ['INFO asyncapi-received-channel-removed receive user.signedup', 'ERR asyncapi-sent-channel-removed send email.sent'],
    );
    assert.deepEqual(
      json.changes.map((c) => c.message),
      [
        'no longer receives from channel user.signedup (amqp queue notifications.user-signedup)',
        'no longer sends to channel email.sent (amqp exchange notifications): its consumers receive nothing more',
      ],
    );
  });

  test('external $refs are followed from the file that holds them', () => {
    const { code, json } = runJson<DiffJson>(['contract', 'diff', 'old/orders.yaml', 'split/asyncapi.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(code, 1);
    assert.deepEqual(
      json.changes.map((c) => `${c.id} ${c.path}`),
      [
        'response-property-type-generalized OrderCreated/properties/id',
        'response-required-property-removed OrderCreated/properties/total',
        'response-optional-property-removed OrderCreated/properties/lines',
      ],
    );
  });

  test('a malformed document is exit 2 with file:line:column and no stack', () => {
    const bad = runCli(['contract', 'diff', 'old/notifications.json', 'bad/notifications.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /bad\/notifications\.yaml:45:13: operation sendEmailSent: action must be send or receive/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    const syntax = runCli(['contract', 'diff', 'old/orders.yaml', 'bad/syntax.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /bad\/syntax\.yaml:\d+:\d+: /);
    const missing = runCli(['contract', 'diff', 'old/orders.yaml', 'nowhere.yaml', '--kind', 'asyncapi'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read nowhere\.yaml/);
  });
});
