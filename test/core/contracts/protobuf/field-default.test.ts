import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ProtoField } from '../../../../src/core/contracts/protobuf/proto-model.js';
import { ProtoSyntaxError } from '../../../../src/core/contracts/protobuf/proto-syntax-error.js';
import { readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';

/** The message of the error reading `text` as a tree of one file gives, or undefined when it reads. */
function refused(text: string): string | undefined {
  try {
    readProtoTree([{ path: 'a.proto', text }]);
    return undefined;
  } catch (error) {
    if (!(error instanceof ProtoSyntaxError)) throw error;
    return error.message;
  }
}

/** A file of `syntax` whose message A has the field `field` (written without its label) on line 3, with enum E { X; Y } declared. */
function withField(syntax: 'proto2' | 'editions', field: string): string {
  const head = syntax === 'proto2' ? 'syntax = "proto2";' : 'edition = "2023";';
  return `${head}\nmessage A {\n  ${syntax === 'proto2' ? 'optional ' : ''}${field}\n}\nenum E {\n  X = 0;\n  Y = 1;\n}\n`;
}

/** The field A.a of a file that reads. */
function fieldOf(text: string): ProtoField {
  return readProtoTree([{ path: 'a.proto', text }]).files[0]!.messages[0]!.fields[0]!;
}

describe('the defaults protoc refuses', () => {
  it('refuses a default of the wrong kind on a bool, string, bytes, float or double field, at the default', () => {
    const cases: [string, string | undefined][] = [
      ['bool a = 1 [default = true];', undefined],
      ['bool a = 1 [default = false];', undefined],
      ['bool a = 1 [default = 1];', 'a.proto:3:24: default 1 is not true or false: the field is bool'],
      ['bool a = 1 [default = "true"];', 'a.proto:3:24: default "true" is not true or false: the field is bool'],
      ['bool a = 1 [default = TRUE];', 'a.proto:3:24: default TRUE is not true or false: the field is bool'],
      ['string a = 1 [default = "x" \'y\'];', undefined],
      ['string a = 1 [default = abc];', 'a.proto:3:26: default abc is not a string literal: the field is string'],
      ['string a = 1 [default = 5];', 'a.proto:3:26: default 5 is not a string literal: the field is string'],
      ['bytes a = 1 [default = "\\377\\x00\\u00e9\\U0001F600\\n"];', undefined],
      ['bytes a = 1 [default = { a: 1 }];', 'a.proto:3:25: default { a : 1 } is not a string literal: the field is bytes'],
      ['double a = 1 [default = -inf];', undefined],
      ['float a = 1 [default = nan];', undefined],
      ['double a = 1 [default = 18446744073709551616];', undefined],
      ['double a = 1 [default = 0xffffffffffffffff];', undefined],
      ['double a = 1 [default = infinity];', 'a.proto:3:26: default infinity is not a number, inf or nan: the field is double'],
      ['double a = 1 [default = -Inf];', 'a.proto:3:26: default -Inf is not a number, inf or nan: the field is double'],
      ['float a = 1 [default = "1.5"];', 'a.proto:3:25: default "1.5" is not a number, inf or nan: the field is float'],
      ['double a = 1 [default = 08];', 'a.proto:3:26: default 08 is not a number: with a leading zero it is octal, an integer'],
      [
        'double a = 1 [default = 0x10000000000000000];',
        'a.proto:3:26: default 0x10000000000000000 is out of range: a hex or octal literal is at most 2^64 - 1',
      ],
      ['uint64 a = 1 [default = -0];', 'a.proto:3:26: default -0 is negative: the field is uint64, unsigned'],
      ['int32 a = 1 [default = "1"];', 'a.proto:3:25: default "1" is not an integer: the field is int32'],
    ];
    for (const syntax of ['proto2', 'editions'] as const)
      for (const [field, expected] of cases) {
        // Without the label of proto2 the default is 9 columns to the left.
        const at = expected?.replace(/:3:(\d+):/, (_, column: string) => `:3:${syntax === 'proto2' ? Number(column) : Number(column) - 9}:`);
        assert.equal(refused(withField(syntax, field)), at, `${syntax}: ${field}`);
      }
  });

  it('refuses a default on a repeated or map field, a group or a message field, and a second default', () => {
    assert.equal(
      refused('syntax = "proto2";\nmessage A {\n  repeated int32 a = 1 [default = 1];\n}\n'),
      "a.proto:3:25: repeated fields can't have default values",
    );
    assert.equal(refused(withField('editions', 'map<string, int32> a = 1 [default = 1];')), "a.proto:3:29: repeated fields can't have default values");
    assert.equal(
      refused(withField('proto2', 'group G = 1 [default = 1] { optional int32 x = 2; }')),
      "a.proto:3:25: messages can't have default values: the field is a group",
    );
    assert.equal(refused(withField('proto2', 'A a = 1 [default = X];')), "a.proto:3:21: messages can't have default values: the field is A");
    assert.equal(refused(withField('editions', '.A a = 1 [default = X];')), "a.proto:3:13: messages can't have default values: the field is A");
    assert.equal(refused(withField('proto2', 'int32 a = 1 [default = 1, default = 1];')), 'a.proto:3:38: already set option "default"');
  });

  it('takes as an enum field default only the name of a value of its enum, once names are resolved', () => {
    assert.equal(fieldOf(withField('proto2', 'E a = 1 [default = Y];')).options[0]!.value, 'Y');
    assert.equal(fieldOf(withField('editions', 'E a = 1 [default = X];')).options[0]!.value, 'X');
    assert.equal(refused(withField('proto2', 'E a = 1 [default = Z];')), 'a.proto:3:21: enum E has no value named Z');
    assert.equal(refused(withField('editions', 'E a = 1 [default = A];')), 'a.proto:3:12: enum E has no value named A');
    assert.equal(refused(withField('proto2', 'E a = 1 [default = "Y"];')), 'a.proto:3:21: default "Y" is not the name of a value of enum E');
    assert.equal(refused(withField('proto2', 'E a = 1 [default = 1];')), 'a.proto:3:21: default 1 is not the name of a value of enum E');
    // The enum of another file, and a value it gains or loses there: a file shared with the other side is judged again.
    const user = 'syntax = "proto2";\npackage p;\nimport "e.proto";\nmessage A {\n  optional q.E a = 1 [default = Z];\n}\n';
    const enumWith = (values: string) => ({ path: 'e.proto', text: `syntax = "proto2";\npackage q;\nenum E { ${values} }\n` });
    const sources = [{ path: 'a.proto', text: user }, enumWith('X = 0; Z = 1;')];
    const before = readProtoTree(sources);
    assert.equal(before.files[0]!.messages[0]!.fields[0]!.typeName, 'q.E');
    assert.equal(readProtoTree([sources[0]!, enumWith('Z = 1;')], { sources, tree: before }).files[0], before.files[0]);
    assert.throws(
      () => readProtoTree([sources[0]!, enumWith('X = 0;')], { sources, tree: before }),
      (error: unknown) => error instanceof ProtoSyntaxError && error.message === 'a.proto:5:23: enum q.E has no value named Z',
    );
  });

  it('refuses in editions a default on a field of implicit presence, set on the field, a message around it or the file', () => {
    const file = (fileOption: string, messageOption: string, fieldOptions: string) =>
      `edition = "2023";\n${fileOption}\nmessage A {\n  ${messageOption}\n  message B {\n    int32 a = 1 [default = 1${fieldOptions}];\n    oneof o { int32 b = 2 [default = 2]; }\n  }\n}\n`;
    const implicit = 'features.field_presence = IMPLICIT';
    const explicit = 'features.field_presence = EXPLICIT';
    const message = "a.proto:6:18: implicit presence fields can't specify defaults (features.field_presence is IMPLICIT)";
    assert.equal(refused(file(`option ${implicit};`, '', '')), message);
    assert.equal(refused(file('', `option ${implicit};`, '')), message);
    assert.equal(refused(file('', '', `, ${implicit}`)), message);
    assert.equal(refused(file(`option ${implicit};`, '', `, ${explicit}`)), undefined);
    assert.equal(refused(file(`option ${implicit};`, `option ${explicit};`, '')), undefined);
    assert.equal(refused(file('', '', '')), undefined);
    // An extension has presence whatever it says; in proto2 features are not read at all.
    assert.equal(refused(`edition = "2023";\noption ${implicit};\nmessage A { extensions 10 to 20; }\nextend A { int32 x = 10 [default = 1]; }\n`), undefined);
  });

  it('accepts any literal of the right kind for a scalar field and reads it back as written; refuses any other at the default', () => {
    type Literal = { text: string; value: string; kind: 'bool' | 'string' | 'integer' | 'float' | 'special' | 'word' | 'aggregate' };
    const literal: fc.Arbitrary<Literal> = fc.oneof(
      fc.constantFrom('true', 'false').map((text) => ({ text, value: text, kind: 'bool' as const })),
      fc.string({ unit: 'grapheme' }).map((value) => ({ text: JSON.stringify(value), value, kind: 'string' as const })),
      fc.integer({ min: -1000, max: 1000 }).map((n) => ({ text: String(n), value: String(n), kind: 'integer' as const })),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => {
        const text = n.toExponential();
        return { text, value: text, kind: 'float' as const };
      }),
      fc.constantFrom('inf', '-inf', 'nan', '-nan').map((text) => ({ text, value: text, kind: 'special' as const })),
      fc.constantFrom('yes', 'Infinity', 'NaN', 'TRUE', 'abc', 'E').map((text) => ({ text, value: text, kind: 'word' as const })),
      fc.constantFrom('{ a : 1 }', '{ }').map((text) => ({ text, value: text, kind: 'aggregate' as const })),
    );
    const fits: Record<string, Literal['kind'][]> = {
      bool: ['bool'],
      string: ['string'],
      bytes: ['string'],
      double: ['integer', 'float', 'special'],
      float: ['integer', 'float', 'special'],
      sint32: ['integer'],
      int64: ['integer'],
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(fits)), literal, fc.constantFrom('proto2', 'editions'), (type, { text, value, kind }, syntax) => {
        const source = withField(syntax as 'proto2' | 'editions', `${type} a = 1 [default = ${text}];`);
        const column = source.split('\n')[2]!.indexOf('default') + 1;
        if (fits[type]!.includes(kind)) assert.equal(fieldOf(source).options[0]!.value, value);
        else
          assert.throws(
            () => readProtoTree([{ path: 'a.proto', text: source }]),
            (error: unknown) => error instanceof ProtoSyntaxError && error.line === 3 && error.column === column && /^default /.test(error.reason),
          );
      }),
      { numRuns: 600 },
    );
  });

  it('accepts as an enum default exactly the names of the enum’s values', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), name, fc.constantFrom('proto2', 'editions'), (values, chosen, syntax) => {
        const head = syntax === 'proto2' ? 'syntax = "proto2";' : 'edition = "2023";';
        const enumeration = `enum E {\n${values.map((v, i) => `  ${v} = ${i};`).join('\n')}\n}\n`;
        const source = `${head}\nmessage A {\n  ${syntax === 'proto2' ? 'optional ' : ''}E a = 1 [default = ${chosen}];\n}\n${enumeration}`;
        if (values.includes(chosen)) assert.equal(fieldOf(source).options[0]!.value, chosen);
        else
          assert.throws(
            () => readProtoTree([{ path: 'a.proto', text: source }]),
            (error: unknown) => error instanceof ProtoSyntaxError && error.line === 3 && error.reason === `enum E has no value named ${chosen}`,
          );
      }),
      { numRuns: 300 },
    );
  });
});
