import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { type BufConfig, DEFAULT_BUF_CONFIG } from '../../../../src/core/contracts/protobuf/buf-config.js';
import { diffProtobuf } from '../../../../src/core/contracts/protobuf/diff-protobuf.js';
import { type ProtoSource, readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';
import { bufCorpusDir } from './buf-corpus-dir.js';

const fleet = join(bufCorpusDir, '../fleets/online-boutique');
const CATEGORIES = ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'] as const;

function sources(dir: string, root = dir): ProtoSource[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path, root);
    return entry.name.endsWith('.proto') ? [{ path: relative(root, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

const diff = (before: ProtoSource[], after: ProtoSource[], use: BufConfig['use']) =>
  diffProtobuf(readProtoTree(before), readProtoTree(after), { ...DEFAULT_BUF_CONFIG, use }).map((c) => `${c.rule} ${c.path}:${c.span?.line}:${c.span?.column}`);

describe('the online-boutique fleet', () => {
  it('has the same gRPC contracts at v0.9.0 and v0.10.0 in every category, in every folder of .proto files', () => {
    assert.ok(existsSync(fleet), `fleets corpus not found at ${fleet}`);
    for (const folder of ['protos', 'src/cartservice/src/protos', 'src/adservice/src/main/proto', 'src/currencyservice/proto', 'src/paymentservice/proto']) {
      const before = sources(join(fleet, 'v0.9.0', folder));
      const after = sources(join(fleet, 'v0.10.0', folder));
      assert.ok(before.length > 0);
      for (const category of CATEGORIES) assert.deepEqual(diff(before, after, [category]), [], `${folder} ${category}`);
    }
  });

  it('finds what an edit of demo.proto breaks, category by category', () => {
    const before = sources(join(fleet, 'v0.10.0', 'protos'));
    const edit = (from: string, to: string) =>
      before.map((s) => {
        if (s.path !== 'demo.proto') return s;
        assert.ok(s.text.includes(from), from);
        return { ...s, text: s.text.replace(from, to) };
      });
    // The quantity of a cart item removed, its number reserved: generated code breaks, the wire does not.
    const removed = edit('    int32  quantity = 2;\n', '    reserved 2;\n');
    assert.deepEqual(diff(before, removed, ['FILE']), ['FIELD_NO_DELETE demo.proto:27:1']);
    assert.deepEqual(diff(before, removed, ['WIRE']), []);
    assert.deepEqual(diff(before, removed, ['WIRE_JSON']), ['FIELD_NO_DELETE_UNLESS_NAME_RESERVED demo.proto:27:1']);
    // A field renamed: JSON clients break, binary ones do not.
    const renamed = edit('    string product_id = 1;\n    int32  quantity', '    string sku = 1;\n    int32  quantity');
    assert.deepEqual(diff(before, renamed, ['WIRE_JSON']), ['FIELD_SAME_NAME demo.proto:28:12', 'FIELD_SAME_JSON_NAME demo.proto:28:5']);
    assert.deepEqual(diff(before, renamed, ['WIRE']), []);
    // A method that now takes another request breaks every category.
    const retyped = edit('rpc GetCart(GetCartRequest)', 'rpc GetCart(EmptyCartRequest)');
    for (const category of CATEGORIES) assert.deepEqual(diff(before, retyped, [category]), ['RPC_SAME_REQUEST_TYPE demo.proto:23:17'], category);
  });
});
