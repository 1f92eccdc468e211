import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli, runJson } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tranche-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = (responseProperties: string) => `openapi: 3.0.3
info: { title: orders, version: "1" }
paths:
  /orders/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: an order
          content:
            application/json:
              schema:
                type: object
                properties:
${responseProperties}
`;
writeFileSync(join(dir, 'base.yaml'), spec('                  id: { type: string }\n                  total: { type: number }'));
writeFileSync(join(dir, 'removed.yaml'), spec('                  id: { type: string }'));
writeFileSync(
  join(dir, 'added.yaml'),
  spec('                  id: { type: string }\n                  total: { type: number }\n                  currency: { type: string }'),
);
writeFileSync(join(dir, 'broken.yaml'), 'openapi: 3.0.3\npaths: [\n');

describe('tranche contract diff', () => {
  test('a removed response property breaks clients: WARN, exit 1', () => {
    const { code, json } = runJson<{ breaking: boolean; changes: { id: string; level: string; operation?: string }[] }>(
      ['contract', 'diff', 'base.yaml', 'removed.yaml'],
      dir,
    );
    assert.equal(code, 1);
    assert.equal(json.breaking, true);
    assert.deepEqual(
      json.changes.map((c) => [c.id, c.level, c.operation]),
      [['response-optional-property-removed', 'WARN', 'GET /orders/{id}']],
    );
  });

  test('an added response property does not: exit 0', () => {
    const result = runCli(['contract', 'diff', 'base.yaml', 'added.yaml'], dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /response-(optional-)?property-added/);
    assert.match(result.stdout, /not breaking/);
  });

  test('a file that is not OpenAPI 3.0/3.1 is refused (exit 2), never compared as an API without operations', () => {
    writeFileSync(join(dir, 'plain.yaml'), 'foo: 1\n');
    writeFileSync(join(dir, 'future.yaml'), 'openapi: 9.9.9\npaths: {}\n');
    writeFileSync(join(dir, 'events.yaml'), 'asyncapi: 3.0.0\ninfo: { title: x, version: "1" }\n');
    writeFileSync(join(dir, 'cart.proto'), 'syntax = "proto3";\nmessage M { string a = 1; }\n');
    const cases: [string, RegExp][] = [
      ['plain.yaml', /^error: plain\.yaml:1:1: not an OpenAPI 3\.0 or 3\.1 document: it has no openapi field; --kind protobuf, asyncapi or jsonschema/m],
      ['future.yaml', /^error: future\.yaml:1:10: OpenAPI "9\.9\.9" is not read/m],
      ['events.yaml', /events\.yaml:1:1: .*an AsyncAPI document: --kind asyncapi/],
      ['cart.proto', /cart\.proto:1:1: not an OpenAPI/],
    ];
    for (const [file, message] of cases) {
      const result = runCli(['contract', 'diff', file, file], dir);
      assert.equal(result.code, 2, `${file}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  });

  test('--kind jsonschema compares two message schemas as a consumer of the first reads the second', () => {
    writeFileSync(join(dir, 'message-1.json'), JSON.stringify({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }));
    writeFileSync(join(dir, 'message-2.json'), JSON.stringify({ type: 'object', properties: { a: { type: 'integer' } } }));
    const { code, json } = runJson<{ breaking: boolean; changes: { id: string }[] }>(
      ['contract', 'diff', 'message-1.json', 'message-2.json', '--kind', 'jsonschema'],
      dir,
    );
    assert.equal(code, 1);
    assert.deepEqual(json.changes.map((c) => c.id).sort(), ['response-property-became-optional', 'response-property-type-changed']);
    assert.equal(runCli(['contract', 'diff', 'message-1.json', 'message-1.json', '--kind', 'jsonschema'], dir).code, 0);
  });

  test('a spec that does not parse is an input error with its location, exit 2', () => {
    const result = runCli(['contract', 'diff', 'base.yaml', 'broken.yaml'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /broken\.yaml:\d+:\d+: /);
    assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/);
  });
});

const proto = (fields: string) => `syntax = "proto3";
package shop.v1;

message Order {
${fields}
}

service Orders {
  rpc Get(Order) returns (Order);
}
`;
const protoDir = (name: string, files: Record<string, string>) => {
  mkdirSync(join(dir, name), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, name, file), text);
};
protoDir('proto-base', { 'order.proto': proto('  string id = 1;\n  int64 total = 2;') });
protoDir('proto-removed', { 'order.proto': proto('  string id = 1;\n  reserved 2;') });
protoDir('proto-added', { 'order.proto': proto('  string id = 1;\n  int64 total = 2;\n  string currency = 3;') });
protoDir('proto-broken', { 'order.proto': proto('  string id = ;') });
protoDir('proto-defaulted', { 'order.proto': proto('  string id = 1;\n  double total = 2 [default = 1e99999];') });
protoDir('proto-wrong-kind', {
  'order.proto': 'syntax = "proto2";\npackage shop.v1;\nmessage Order {\n  optional bool paid = 1 [default = 1];\n}\n',
});
protoDir('proto-no-such-value', {
  'order.proto': 'edition = "2023";\npackage shop.v1;\nenum State {\n  NEW = 0;\n}\nmessage Order {\n  State state = 1 [default = PAID];\n}\n',
});
protoDir('proto-future', { 'order.proto': proto('  string id = 1;').replace('syntax = "proto3";', 'edition = "2099";') });

describe('tranche contract diff --kind protobuf', () => {
  test('a deleted field breaks generated code (FILE, the default): exit 1, located at its message', () => {
    const { code, json } = runJson<{ breaking: boolean; rules: string[]; changes: { rule: string; path: string; span: { line: number; column: number } }[] }>(
      ['contract', 'diff', 'proto-base', 'proto-removed', '--kind', 'protobuf'],
      dir,
    );
    assert.equal(code, 1);
    assert.deepEqual(json.rules, ['FILE']);
    assert.deepEqual(
      json.changes.map((c) => [c.rule, c.path, c.span.line, c.span.column]),
      [['FIELD_NO_DELETE', 'order.proto', 4, 1]],
    );
    const table = runCli(['contract', 'diff', 'proto-base/order.proto', 'proto-removed/order.proto', '--kind', 'protobuf'], dir);
    assert.equal(table.code, 1);
    assert.match(table.stdout, /LEVEL +RULE +LOCATION +CHANGE\nERR +FIELD_NO_DELETE +order\.proto:4:1 +Previously present field "2"/);
  });

  test('the same deletion with its number reserved does not break the wire: exit 0 under WIRE', () => {
    const result = runCli(['contract', 'diff', 'proto-base', 'proto-removed', '--kind', 'protobuf', '--category', 'WIRE'], dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /no breaking change \(WIRE\)/);
  });

  test('an added field breaks nothing: exit 0', () => {
    const result = runCli(['contract', 'diff', 'proto-base', 'proto-added', '--kind', 'protobuf'], dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  test('a .proto that does not parse is an input error with its file, line and column, exit 2', () => {
    const result = runCli(['contract', 'diff', 'proto-base', 'proto-broken', '--kind', 'protobuf'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /proto-broken\/order\.proto:5:15: expected a number, found ";"/);
    assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/);
  });

  test('what protoc refuses — a default in proto3, an edition it does not know — is an input error with its file, line and column, exit 2', () => {
    const defaulted = runCli(['contract', 'diff', 'proto-base', 'proto-defaulted', '--kind', 'protobuf'], dir);
    assert.equal(defaulted.code, 2, defaulted.stdout + defaulted.stderr);
    assert.match(defaulted.stderr, /proto-defaulted\/order\.proto:6:21: explicit default values are not allowed in proto3/);
    const future = runCli(['contract', 'diff', 'proto-future', 'proto-base', '--kind', 'protobuf'], dir);
    assert.equal(future.code, 2, future.stdout + future.stderr);
    assert.match(future.stderr, /proto-future\/order\.proto:1:11: unknown edition "2099"/);
    assert.doesNotMatch(defaulted.stderr + future.stderr, /\n\s+at .+:\d+:\d+/);
  });

  test('a default of the wrong kind, or naming no value of its enum, is an input error at the default, exit 2', () => {
    const wrongKind = runCli(['contract', 'diff', 'proto-wrong-kind', 'proto-base', '--kind', 'protobuf'], dir);
    assert.equal(wrongKind.code, 2, wrongKind.stdout + wrongKind.stderr);
    assert.match(wrongKind.stderr, /proto-wrong-kind\/order\.proto:4:27: default 1 is not true or false: the field is bool/);
    const noSuchValue = runCli(['contract', 'diff', 'proto-base', 'proto-no-such-value', '--kind', 'protobuf'], dir);
    assert.equal(noSuchValue.code, 2, noSuchValue.stdout + noSuchValue.stderr);
    assert.match(noSuchValue.stderr, /proto-no-such-value\/order\.proto:7:20: enum shop\.v1\.State has no value named PAID/);
    assert.doesNotMatch(wrongKind.stderr + noSuchValue.stderr, /\n\s+at .+:\d+:\d+/);
  });

  test('a buf.yaml chooses the rules: WIRE_JSON except the name rules lets a reserved deletion pass', () => {
    writeFileSync(join(dir, 'buf.yaml'), 'version: v1\nbreaking:\n  use: [WIRE_JSON]\n  except: [FIELD_NO_DELETE_UNLESS_NAME_RESERVED]\n');
    const passes = runCli(['contract', 'diff', 'proto-base', 'proto-removed', '--kind', 'protobuf', '--config', 'buf.yaml'], dir);
    assert.equal(passes.code, 0, passes.stdout + passes.stderr);
    writeFileSync(join(dir, 'buf-unknown.yaml'), 'version: v1\nbreaking:\n  use: [FIELD_SAME_DEFAULT]\n');
    const unknown = runCli(['contract', 'diff', 'proto-base', 'proto-removed', '--kind', 'protobuf', '--config', 'buf-unknown.yaml'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /buf-unknown\.yaml: breaking rule or category buf v1 does not have: FIELD_SAME_DEFAULT/);
  });

  test('a single file is read with the files it imports from beside it, never from outside its directory; a huge file is refused', () => {
    protoDir('outside', { 'secret.proto': 'syntax = "proto3";\npackage outside;\nmessage Secret { string key = 1; }\n' });
    protoDir('nested/dir', {
      'order.proto': 'syntax = "proto3";\npackage shop.v1;\nimport "../../outside/secret.proto";\nmessage Order { string id = 1; }\n',
    });
    const result = runCli(['contract', 'diff', 'nested/dir/order.proto', 'nested/dir/order.proto', '--kind', 'protobuf'], dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /order\.proto:3:\d+: .*\.\.\/\.\.\/outside\/secret\.proto/);
    assert.doesNotMatch(result.stdout + result.stderr, /Secret|key = 1/);

    protoDir('huge', { 'big.proto': `syntax = "proto3";\n${'// filler\n'.repeat(900_000)}` });
    const huge = runCli(['contract', 'diff', 'huge/big.proto', 'proto-base/order.proto', '--kind', 'protobuf'], dir);
    assert.equal(huge.code, 2);
    assert.match(huge.stderr, /big\.proto is \d+ bytes: a \.proto file over \d+ bytes is not read/);
  });

  test('a link out of the tree is not followed, and bytes that are not UTF-8 are located, never read as U+FFFD', () => {
    protoDir('linked', { 'order.proto': 'syntax = "proto3";\nmessage Order { string id = 1; }\n' });
    symlinkSync(join(dir, 'outside', 'secret.proto'), join(dir, 'linked', 'secret.proto'));
    const linked = runCli(['contract', 'diff', 'linked', 'linked', '--kind', 'protobuf'], dir);
    assert.equal(linked.code, 2, linked.stdout + linked.stderr);
    assert.match(linked.stderr, /linked\/secret\.proto is a link to .*outside\/secret\.proto, outside linked: it is not read/);
    assert.doesNotMatch(linked.stdout + linked.stderr, /Secret|key = 1/);

    mkdirSync(join(dir, 'latin1'), { recursive: true });
    writeFileSync(join(dir, 'latin1', 'order.proto'), Buffer.concat([Buffer.from('syntax = "proto3";\n// caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const latin1 = runCli(['contract', 'diff', 'latin1', 'latin1', '--kind', 'protobuf'], dir);
    assert.equal(latin1.code, 2, latin1.stdout + latin1.stderr);
    assert.match(latin1.stderr, /latin1\/order\.proto:2:7: not valid UTF-8 text/);
    writeFileSync(
      join(dir, 'latin1.yaml'),
      Buffer.concat([Buffer.from('openapi: 3.0.3\ninfo: { title: caf'), Buffer.from([0xe9]), Buffer.from(', version: "1" }\npaths: {}\n')]),
    );
    const spec = runCli(['contract', 'diff', 'latin1.yaml', 'latin1.yaml'], dir);
    assert.equal(spec.code, 2, spec.stdout + spec.stderr);
    assert.match(spec.stderr, /^error: latin1\.yaml:2:19: not valid UTF-8 text/m);
  });

  test('an unknown category or kind is an input error', () => {
    assert.equal(runCli(['contract', 'diff', 'proto-base', 'proto-added', '--kind', 'protobuf', '--category', 'WIRES'], dir).code, 2);
    assert.equal(runCli(['contract', 'diff', 'proto-base', 'proto-added', '--kind', 'grpc'], dir).code, 2);
  });
});
