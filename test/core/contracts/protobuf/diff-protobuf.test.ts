import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BufConfig, DEFAULT_BUF_CONFIG, rulesInEffect } from '../../../../src/core/contracts/protobuf/buf-config.js';
import { diffProtobuf } from '../../../../src/core/contracts/protobuf/diff-protobuf.js';
import { readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';

const tree = (files: Record<string, string>) => readProtoTree(Object.entries(files).map(([path, text]) => ({ path, text })));
const rules = (before: Record<string, string>, after: Record<string, string>, config: Partial<BufConfig> = {}) =>
  diffProtobuf(tree(before), tree(after), { ...DEFAULT_BUF_CONFIG, ...config }).map(
    (c) => `${c.rule} ${c.path ?? '-'}:${c.span?.line ?? '-'}:${c.span?.column ?? '-'}`,
  );

const CART = (body: string, extra = '') => ({
  'cart.proto': `syntax = "proto3";\npackage cart.v1;\n\nmessage Cart {\n${body}\n}\n${extra}`,
});

describe('diffProtobuf', () => {
  it('finds nothing between a tree and itself', () => {
    const files = CART('  string id = 1;\n  repeated string items = 2;', 'service S {\n  rpc Get(Cart) returns (Cart);\n}\n');
    assert.deepEqual(rules(files, files), []);
  });

  it('reports a deleted field at its message, and not under WIRE when its number is reserved', () => {
    const before = CART('  string id = 1;\n  int32 count = 2;');
    const after = CART('  string id = 1;\n  reserved 2;');
    assert.deepEqual(rules(before, after), ['FIELD_NO_DELETE cart.proto:4:1']);
    assert.deepEqual(rules(before, after, { use: ['WIRE'] }), []);
    assert.deepEqual(rules(before, after, { use: ['WIRE_JSON'] }), ['FIELD_NO_DELETE_UNLESS_NAME_RESERVED cart.proto:4:1']);
  });

  it('tells a type change that keeps the wire encoding from one that breaks it', () => {
    const before = CART('  int32 a = 1;\n  int32 b = 2;');
    const after = CART('  int64 a = 1;\n  string b = 2;');
    assert.deepEqual(rules(before, after), ['FIELD_SAME_TYPE cart.proto:5:3', 'FIELD_SAME_TYPE cart.proto:6:3']);
    assert.deepEqual(rules(before, after, { use: ['WIRE'] }), ['FIELD_WIRE_COMPATIBLE_TYPE cart.proto:6:3']);
    assert.deepEqual(rules(before, after, { use: ['WIRE_JSON'] }), [
      'FIELD_WIRE_JSON_COMPATIBLE_TYPE cart.proto:5:3',
      'FIELD_WIRE_JSON_COMPATIBLE_TYPE cart.proto:6:3',
    ]);
  });

  it('reports a renamed field at its name and a changed RPC at its types', () => {
    const before = CART('  string id = 1;', 'message Other {}\nservice S {\n  rpc Get(Cart) returns (Cart);\n}\n');
    const after = CART('  string key = 1;', 'message Other {}\nservice S {\n  rpc Get(Other) returns (stream Cart);\n}\n');
    assert.deepEqual(rules(before, after), [
      'FIELD_SAME_NAME cart.proto:5:10',
      'FIELD_SAME_JSON_NAME cart.proto:5:3',
      'RPC_SAME_SERVER_STREAMING cart.proto:9:3',
      'RPC_SAME_REQUEST_TYPE cart.proto:9:11',
    ]);
  });

  it('reports a deleted file without a location, and honours ignore and unstable packages', () => {
    const before = { 'a/x.proto': 'syntax = "proto3";\npackage a.v1beta1;\nmessage X {}\n', 'b.proto': 'syntax = "proto3";\npackage b;\n' };
    const after = { 'b.proto': 'syntax = "proto3";\npackage b;\n' };
    assert.deepEqual(rules(before, after), ['FILE_NO_DELETE -:-:-']);
    assert.deepEqual(rules(before, after, { ignore: ['a'] }), []);
    assert.deepEqual(rules(before, after, { use: ['PACKAGE'] }), ['PACKAGE_NO_DELETE -:-:-']);
    assert.deepEqual(rules(before, after, { use: ['PACKAGE'], ignoreUnstablePackages: true }), []);
  });

  it('expands categories per config version and replaces deprecated ids', () => {
    assert.ok(rulesInEffect({ ...DEFAULT_BUF_CONFIG, version: 'v1beta1', use: ['WIRE'] }).rules.has('FIELD_SAME_CARDINALITY'));
    assert.ok(!rulesInEffect({ ...DEFAULT_BUF_CONFIG, use: ['WIRE'] }).rules.has('FIELD_SAME_CARDINALITY'));
    assert.deepEqual([...rulesInEffect({ ...DEFAULT_BUF_CONFIG, use: ['FIELD_SAME_CTYPE'] }).rules], ['FIELD_SAME_CPP_STRING_TYPE']);
    assert.deepEqual(rulesInEffect({ ...DEFAULT_BUF_CONFIG, use: ['NOPE'] }).unknown, ['NOPE']);
  });
});
