import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseProto } from '../../../../src/core/contracts/protobuf/parse-proto.js';
import { spanAt, spanOf } from '../../../../src/core/contracts/protobuf/proto-span.js';
import { ProtoSyntaxError } from '../../../../src/core/contracts/protobuf/proto-syntax-error.js';
import { readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';
import { MAX_NESTING } from '../../../../src/core/nesting.js';
import { anyBytes, mutated } from '../../../support/hostile-input.js';

const SHOP = `syntax = "proto3";
package shop.v1;
option go_package = "example.com/shop/v1;shopv1";
import "google/protobuf/empty.proto";

// A cart.
message Cart {
  string user_id = 1 [json_name = "user"];
  repeated Item items = 2;
  map<string, int32> counts = 3;
  optional int64 total = 4 [jstype = JS_STRING];
  oneof payment {
    string card = 5;
    Cash cash = 6;
  }
  reserved 7, 9 to 11, 20 to max;
  reserved "old";
  message Item {
    string sku = 1;
    Kind kind = 2;
  }
  enum Kind {
    KIND_UNSPECIFIED = 0;
    KIND_BOOK = 1 [deprecated = true];
  }
}

message Cash { int64 cents = 1; }

service CartService {
  rpc AddItem(Cart.Item) returns (stream Cart) {
    option idempotency_level = IDEMPOTENT;
  }
  rpc Empty(google.protobuf.Empty) returns (google.protobuf.Empty);
}
`;

describe('parseProto', () => {
  it('reads messages, fields, oneofs, maps, enums and services with their spans', () => {
    const file = parseProto(SHOP, 'shop.proto');
    assert.equal(file.syntax, 'proto3');
    assert.equal(file.package, 'shop.v1');
    assert.equal(file.options[0]?.name, 'go_package');
    assert.equal(file.options[0]?.value, 'example.com/shop/v1;shopv1');
    const cart = file.messages[0]!;
    assert.equal(cart.fullName, 'shop.v1.Cart');
    assert.deepEqual(spanOf(file, cart), { line: 7, column: 1, endLine: 26, endColumn: 2 });
    assert.deepEqual(
      cart.fields.map((f) => [f.number, f.name, f.type, f.label ?? '', f.oneof ?? '']),
      [
        [1, 'user_id', 'string', '', ''],
        [2, 'items', 'Item', 'repeated', ''],
        [3, 'counts', 'map<string, int32>', '', ''],
        [4, 'total', 'int64', 'optional', ''],
        [5, 'card', 'string', '', 'payment'],
        [6, 'cash', 'Cash', '', 'payment'],
      ],
    );
    assert.deepEqual(spanOf(file, cart.fields[0]!), { line: 8, column: 3, endLine: 8, endColumn: 43 });
    const { name, value, kind } = cart.fields[0]!.options[0]!;
    assert.deepEqual({ name, value, kind }, { name: 'json_name', value: 'user', kind: 'string' });
    assert.deepEqual(spanOf(file, cart.fields[0]!.options[0]!), { line: 8, column: 23, endLine: 8, endColumn: 41 });
    assert.deepEqual(spanAt(file, cart.fields[2]!.typeStart, cart.fields[2]!.typeEnd), { line: 10, column: 3, endLine: 10, endColumn: 21 });
    assert.deepEqual(
      cart.reservedRanges.map((r) => [r.start, r.end]),
      [
        [7, 7],
        [9, 11],
        [20, 536_870_911],
      ],
    );
    assert.deepEqual(cart.reservedNames, ['old']);
    assert.equal(cart.enums[0]!.values[1]!.options[0]!.name, 'deprecated');
    const add = file.services[0]!.methods[0]!;
    assert.deepEqual([add.input, add.output, add.clientStreaming, add.serverStreaming], ['Cart.Item', 'Cart', false, true]);
    assert.equal(add.options[0]!.value, 'IDEMPOTENT');
    assert.deepEqual(spanOf(file, add), { line: 31, column: 3, endLine: 33, endColumn: 4 });
  });

  it('reads proto2 groups, extensions, defaults and editions features', () => {
    const file = parseProto(
      `syntax = "proto2";
package p;
message M {
  optional int32 a = 1 [default = -5];
  optional group G = 2 { optional string s = 1; }
  extensions 100 to 199;
}
extend M { optional string ext = 100; }
`,
      'p.proto',
    );
    const m = file.messages[0]!;
    assert.equal(m.fields[0]!.options[0]!.value, '-5');
    assert.equal(m.fields[1]!.group, true);
    assert.equal(m.messages[0]!.name, 'G');
    assert.deepEqual(
      m.extensionRanges.map((r) => [r.start, r.end]),
      [[100, 199]],
    );
    assert.equal(file.extensions[0]!.extendee, 'M');
    const editions = parseProto(
      'edition = "2023";\nmessage E { string s = 1 [features.utf8_validation = NONE]; option features.(pb.cpp).legacy = true; }',
      'e.proto',
    );
    assert.equal(editions.syntax, 'editions');
    assert.equal(editions.edition, '2023');
    assert.equal(editions.messages[0]!.fields[0]!.options[0]!.name, 'features.utf8_validation');
    assert.equal(editions.messages[0]!.options[0]!.name, 'features.(pb.cpp).legacy');
  });

  it('reads the less common forms: numbers in hex and octal, negative enum values, reserved identifiers, aggregate options, concatenated strings, groups in oneofs', () => {
    const file = parseProto(
      `edition = "2023";
package p;
option (my.opt) = { a: 1 b: [ { c: "x" } ] d < e: 2 > };
option java_package = "com." "example";
enum E {
  E_ZERO = 0;
  E_NEG = -1;
  E_HEX = 0x10;
  reserved 2 to max;
  reserved E_OLD, E_GONE;
}
message M {
  double a = 010 [(x).y = -inf, default = 1e3];
  extensions 100 to 200 [declaration = { number: 100, full_name: ".p.ext", type: "int32" }];
  reserved old_name;
  message N { option (z) = true; }
}
`,
      'p.proto',
    );
    assert.equal(file.options[0]!.name, '(my.opt)');
    assert.equal(file.options[0]!.kind, 'aggregate');
    assert.equal(file.options[1]!.value, 'com.example');
    const e = file.enums[0]!;
    assert.deepEqual(
      e.values.map((v) => v.number),
      [0, -1, 16],
    );
    assert.deepEqual(
      e.reservedRanges.map((r) => [r.start, r.end]),
      [[2, 2_147_483_647]],
    );
    assert.deepEqual(e.reservedNames, ['E_OLD', 'E_GONE']);
    const m = file.messages[0]!;
    assert.equal(m.fields[0]!.number, 8);
    assert.deepEqual(
      m.fields[0]!.options.map((o) => [o.name, o.value]),
      [
        ['(x).y', '-inf'],
        ['default', '1e3'],
      ],
    );
    assert.deepEqual(
      m.extensionRanges.map((r) => [r.start, r.end]),
      [[100, 200]],
    );
    assert.deepEqual(m.reservedNames, ['old_name']);
    assert.equal(m.messages[0]!.options[0]!.name, '(z)');
    const groups = parseProto('syntax = "proto2";\nmessage G { oneof o { group Inner = 1 { optional int32 x = 1; } } }', 'g.proto');
    assert.deepEqual(
      groups.messages[0]!.fields.map((f) => [f.name, f.group, f.oneof]),
      [['Inner', true, 'o']],
    );
    assert.equal(groups.messages[0]!.messages[0]!.fullName, 'G.Inner');
  });

  it('locates a syntax error by file, line and column', () => {
    assert.throws(
      () => parseProto('syntax = "proto3";\nmessage A {\n  string a = ;\n}\n', 'a.proto'),
      (error: unknown) => error instanceof ProtoSyntaxError && error.message === 'a.proto:3:14: expected a number, found ";"',
    );
    assert.throws(() => parseProto('message A { string a = 1;', 'a.proto'), /^ProtoSyntaxError: a\.proto:1:25: expected "}" to close message A/);
    assert.throws(() => parseProto('/* open', 'a.proto'), /a\.proto:1:1: unterminated comment/);
  });

  it('refuses messages nested past the limit without overflowing the stack', () => {
    const depth = MAX_NESTING + 5;
    const text = `${'message M { '.repeat(depth)}${'} '.repeat(depth)}`;
    assert.throws(
      () => parseProto(text, 'deep.proto'),
      (error: unknown) => error instanceof ProtoSyntaxError && /nested more than/.test(error.message),
    );
    const aggregate = `option (x) = ${'{ a '.repeat(100_000)};`;
    assert.throws(() => parseProto(aggregate, 'deep.proto'), ProtoSyntaxError);
  });

  it('refuses what protoc refuses: a default in proto3, an edition it does not know, an integer default that is no integer or out of range', () => {
    const refused = (text: string) => {
      try {
        parseProto(text, 'a.proto');
        return undefined;
      } catch (error) {
        if (!(error instanceof ProtoSyntaxError)) throw error;
        return error.message;
      }
    };
    assert.equal(
      refused('syntax = "proto3";\nmessage A {\n  double a = 1 [default = 1e99999];\n}\n'),
      'a.proto:3:17: explicit default values are not allowed in proto3',
    );
    assert.equal(
      refused('syntax = "proto3";\nmessage A {\n  optional int32 a = 1 [json_name = "b", default = 1];\n}\n'),
      'a.proto:3:42: explicit default values are not allowed in proto3',
    );
    assert.equal(refused('edition = "2099";\nmessage A {}\n'), 'a.proto:1:11: unknown edition "2099" (protoc knows 2023, 2024)');
    assert.equal(refused('edition = "2024";\nmessage A {}\n'), undefined);
    assert.equal(
      refused('syntax = "proto2";\nmessage A {\n  optional int32 a = 1 [default = 1e99999];\n}\n'),
      'a.proto:3:25: default 1e99999 is not an integer: the field is int32',
    );
    assert.equal(
      refused('syntax = "proto2";\nmessage A {\n  optional uint32 a = 1 [default = -1];\n}\n'),
      'a.proto:3:26: default -1 is out of range for uint32 (0 to 4294967295)',
    );
    // A float or double takes any number: past the double range it is infinity, as protoc reads it.
    for (const value of ['1e99999', '-1e99999', 'inf', '-inf', 'nan', '0x10', '1.5'])
      for (const type of ['double', 'float'])
        assert.equal(refused(`syntax = "proto2";\nmessage A {\n  optional ${type} a = 1 [default = ${value}];\n}\n`), undefined, `${type} ${value}`);
    assert.equal(
      refused('edition = "2023";\nmessage A {\n  double a = 1 [default = 1e99999];\n  int64 b = 2 [default = -0x8000000000000000];\n}\n'),
      undefined,
    );
  });

  it('takes an integer default exactly when it is within its type, written in decimal, hex or octal', () => {
    const types = { int32: [32, true], sint32: [32, true], sfixed32: [32, true], int64: [64, true], uint32: [32, false], fixed64: [64, false] } as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(types) as (keyof typeof types)[])),
        fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }),
        fc.constantFrom('decimal', 'hex', 'octal'),
        (type, value, base) => {
          const [bits, signed] = types[type];
          const within = signed ? BigInt.asIntN(bits, value) === value : BigInt.asUintN(bits, value) === value;
          const magnitude = value < 0n ? -value : value;
          const digits =
            base === 'hex' ? `0x${magnitude.toString(16)}` : base === 'octal' && magnitude > 0n ? `0${magnitude.toString(8)}` : magnitude.toString();
          const text = `syntax = "proto2";\nmessage A {\n  optional ${type} a = 1 [default = ${value < 0n ? '-' : ''}${digits}];\n}\n`;
          if (within) assert.equal(parseProto(text, 'a.proto').messages[0]!.fields[0]!.options[0]!.name, 'default');
          else
            assert.throws(
              () => parseProto(text, 'a.proto'),
              (error: unknown) => error instanceof ProtoSyntaxError && error.line === 3 && /out of range/.test(error.reason),
            );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses any default in proto3 and none that is a number on a proto2 double, at the default', () => {
    fc.assert(
      fc.property(fc.double(), fc.constantFrom('proto2', 'proto3'), (value, syntax) => {
        const literal = Number.isNaN(value) ? 'nan' : value === Infinity ? '1e99999' : value === -Infinity ? '-1e99999' : String(value);
        const text = `syntax = "${syntax}";\nmessage A {\n  optional double a = 1 [default = ${literal}];\n}\n`;
        if (syntax === 'proto2') assert.equal(parseProto(text, 'a.proto').messages[0]!.fields[0]!.options[0]!.value, literal);
        else
          assert.throws(
            () => parseProto(text, 'a.proto'),
            (error: unknown) => error instanceof ProtoSyntaxError && error.line === 3 && error.column === 26,
          );
      }),
      { numRuns: 300 },
    );
  });

  it('throws nothing but its own error on any text or broken .proto', () => {
    const check = (text: string) => {
      try {
        parseProto(text, 'x.proto');
      } catch (error) {
        if (!(error instanceof ProtoSyntaxError)) throw error;
        assert.match(error.message, /^x\.proto:\d+:\d+: /);
      }
    };
    fc.assert(fc.property(fc.oneof(fc.string(), anyBytes, mutated([SHOP])), check), { numRuns: 1000 });
  });
});

describe('readProtoTree', () => {
  it('qualifies type names across the files of a tree and does not require well-known imports', () => {
    const tree = readProtoTree([
      { path: 'shop.proto', text: SHOP },
      { path: 'other.proto', text: 'syntax = "proto3";\npackage shop.v2;\nimport "shop.proto";\nmessage X { shop.v1.Cart cart = 1; v1.Cash cash = 2; }\n' },
    ]);
    const cart = tree.files[0]!.messages[0]!;
    assert.equal(cart.fields[1]!.typeName, 'shop.v1.Cart.Item');
    assert.equal(cart.messages[0]!.fields[1]!.typeName, 'shop.v1.Cart.Kind');
    assert.equal(cart.messages[0]!.fields[1]!.typeKind, 'enum');
    assert.equal(tree.files[0]!.services[0]!.methods[1]!.inputName, 'google.protobuf.Empty');
    assert.deepEqual(
      tree.files[1]!.messages[0]!.fields.map((f) => f.typeName),
      ['shop.v1.Cart', 'shop.v1.Cash'],
    );
  });

  it('refuses an import that is not in the tree, at the import', () => {
    assert.throws(
      () => readProtoTree([{ path: 'a.proto', text: 'syntax = "proto3";\nimport "b.proto";\n' }]),
      /^ProtoSyntaxError: a\.proto:2:1: import "b\.proto" is not a file of the tree/,
    );
  });

  it('refuses a file that imports itself, directly or through others, at the import that closes the cycle', () => {
    const file = (path: string, ...imports: string[]) => ({ path, text: `syntax = "proto3";\n${imports.map((i) => `import "${i}";\n`).join('')}` });
    assert.throws(
      () => readProtoTree([file('a.proto', 'a.proto')]),
      /^ProtoSyntaxError: a\.proto:2:1: import "a\.proto" makes an import cycle: a\.proto → a\.proto/,
    );
    assert.throws(
      () => readProtoTree([file('a.proto', 'b.proto'), file('b.proto', 'c.proto'), file('c.proto', 'a.proto')]),
      /^ProtoSyntaxError: c\.proto:2:1: import "a\.proto" makes an import cycle: a\.proto → b\.proto → c\.proto → a\.proto/,
    );
    // A diamond is no cycle; nor is a chain of 20,000 files (no recursion to run out of).
    assert.equal(
      readProtoTree([file('a.proto', 'b.proto', 'c.proto'), file('b.proto', 'd.proto'), file('c.proto', 'd.proto'), file('d.proto')]).files.length,
      4,
    );
    const chain = Array.from({ length: 20_000 }, (_, i) => (i + 1 < 20_000 ? file(`f${i}.proto`, `f${i + 1}.proto`) : file(`f${i}.proto`)));
    assert.equal(readProtoTree(chain).files.length, 20_000);
  });
});
