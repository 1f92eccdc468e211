/**
 * The buf rules no corpus case exercises, each on a pair written from buf's documented behaviour:
 * what changes, which rule names it, and where in the current file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BUF_CONFIG } from '../../../../src/core/contracts/protobuf/buf-config.js';
import { diffProtobuf } from '../../../../src/core/contracts/protobuf/diff-protobuf.js';
import { readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';

const file = (syntax: string, body: string, options = '') => `${syntax}\npackage p.v1;\n${options}\n${body}\n`;
const P3 = 'syntax = "proto3";';
const P2 = 'syntax = "proto2";';
const ED = 'edition = "2023";';

/** The rule ids (with line:column) `rule` alone finds from `before` to `after`, one file `a.proto`. */
function found(rule: string, before: string, after: string): string[] {
  const tree = (text: string) => readProtoTree([{ path: 'a.proto', text }]);
  return diffProtobuf(tree(before), tree(after), { ...DEFAULT_BUF_CONFIG, use: [rule] }).map(
    (c) => `${c.rule} ${c.span ? `${c.span.line}:${c.span.column}` : c.path}`,
  );
}

describe('buf rules without a corpus case', () => {
  const cases: [rule: string, before: string, after: string, expected: string[]][] = [
    [
      'ENUM_SAME_JSON_FORMAT',
      file(ED, 'enum E { E_ZERO = 0; }'),
      file(ED, 'enum E {\n  option features.json_format = LEGACY_BEST_EFFORT;\n  E_ZERO = 0;\n}'),
      ['ENUM_SAME_JSON_FORMAT 5:3'],
    ],
    ['ENUM_VALUE_NO_DELETE', file(P3, 'enum E { E_ZERO = 0; E_ONE = 1; }'), file(P3, 'enum E { E_ZERO = 0; reserved 1; }'), ['ENUM_VALUE_NO_DELETE 4:1']],
    [
      'ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED',
      file(P3, 'enum E { E_ZERO = 0; E_ONE = 1; }'),
      file(P3, 'enum E { E_ZERO = 0; reserved "E_ONE"; }'),
      ['ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED 4:1'],
    ],
    ['ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', file(P3, 'enum E { E_ZERO = 0; E_ONE = 1; }'), file(P3, 'enum E { E_ZERO = 0; reserved 1; }'), []],
    ['FIELD_NO_DELETE', file(P3, 'message M { int32 a = 1; }'), file(P3, 'message M { reserved 1; }'), ['FIELD_NO_DELETE 4:1']],
    ['FIELD_NO_DELETE_UNLESS_NAME_RESERVED', file(P3, 'message M { int32 a = 1; }'), file(P3, 'message M { reserved "a"; }'), []],
    [
      'FIELD_SAME_CTYPE',
      file(P2, 'message M { optional string a = 1; }'),
      file(P2, 'message M { optional string a = 1 [ctype = CORD]; }'),
      ['FIELD_SAME_CPP_STRING_TYPE 4:36'],
    ],
    [
      'FIELD_SAME_JAVA_UTF8_VALIDATION',
      file(P3, 'message M { string a = 1; }'),
      file(P3, 'message M { string a = 1; }', 'option java_string_check_utf8 = true;'),
      ['FIELD_SAME_JAVA_UTF8_VALIDATION 4:13'],
    ],
    [
      'FILE_SAME_JAVA_STRING_CHECK_UTF8',
      file(P3, 'message M { string a = 1; }'),
      file(P3, 'message M { string a = 1; }', 'option java_string_check_utf8 = true;'),
      ['FIELD_SAME_JAVA_UTF8_VALIDATION 4:13'],
    ],
    [
      'FIELD_SAME_JSON_NAME',
      file(P3, 'message M { int32 a_b = 1; }'),
      file(P3, 'message M { int32 a_b = 1 [json_name = "ab"]; }'),
      ['FIELD_SAME_JSON_NAME 4:28'],
    ],
    ['FIELD_SAME_JSON_NAME', file(P3, 'message M { int32 a_b = 1; }'), file(P3, 'message M { int32 a_b = 1 [json_name = "aB"]; }'), []],
    [
      'FIELD_SAME_LABEL',
      file(P3, 'message M { int32 a = 1; }'),
      file(P3, 'message M { repeated int32 a = 1; }'),
      ['FIELD_SAME_CARDINALITY 4:13', 'FIELD_WIRE_COMPATIBLE_CARDINALITY 4:13', 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY 4:13'],
    ],
    [
      'FIELD_WIRE_COMPATIBLE_TYPE',
      file(P3, 'message M { int32 a = 1; sint32 b = 2; string c = 3; }'),
      file(P3, 'message M { uint64 a = 1; int32 b = 2; bytes c = 3; }'),
      ['FIELD_WIRE_COMPATIBLE_TYPE 4:27'],
    ],
    ['FILE_SAME_GO_PACKAGE', file(P3, ''), file(P3, '', 'option go_package = "x/y";'), ['FILE_SAME_GO_PACKAGE 3:1']],
    ['FILE_SAME_JAVA_PACKAGE', file(P3, '', 'option java_package = "a";'), file(P3, '', 'option java_package = "b";'), ['FILE_SAME_JAVA_PACKAGE 3:1']],
    ['FILE_SAME_JAVA_MULTIPLE_FILES', file(P3, '', 'option java_multiple_files = false;'), file(P3, ''), []],
    ['FILE_SAME_CC_ENABLE_ARENAS', file(P3, ''), file(P3, '', 'option cc_enable_arenas = false;'), ['FILE_SAME_CC_ENABLE_ARENAS 3:1']],
    ['FILE_SAME_OPTIMIZE_FOR', file(P3, ''), file(P3, '', 'option optimize_for = LITE_RUNTIME;'), ['FILE_SAME_OPTIMIZE_FOR 3:1']],
    ['FILE_SAME_SWIFT_PREFIX', file(P3, '', 'option swift_prefix = "A";'), file(P3, ''), ['FILE_SAME_SWIFT_PREFIX 2:1']],
    ['FILE_SAME_PHP_GENERIC_SERVICES', file(P3, ''), file(P3, '', 'option php_generic_services = true;'), []],
    ['FILE_SAME_SYNTAX', file(P2, ''), file(P3, ''), ['FILE_SAME_SYNTAX 1:1']],
    [
      'MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR',
      file(P3, 'message M {}'),
      file(P3, 'message M {\n  option no_standard_descriptor_accessor = true;\n}'),
      ['MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR 5:3'],
    ],
    [
      'MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT',
      file(P2, 'message M { extensions 1 to max; }'),
      file(P2, 'message M {\n  option message_set_wire_format = true;\n  extensions 1 to max;\n}'),
      [],
    ],
    [
      'MESSAGE_SAME_REQUIRED_FIELDS',
      file(P2, 'message M { required int32 a = 1; optional int32 b = 2; }'),
      file(P2, 'message M { optional int32 a = 1; required int32 b = 2; }'),
      ['MESSAGE_SAME_REQUIRED_FIELDS 4:1', 'MESSAGE_SAME_REQUIRED_FIELDS 4:35'],
    ],
    [
      'RESERVED_ENUM_NO_DELETE',
      file(P3, 'enum E { E_ZERO = 0; reserved 2 to 4; reserved "X"; }'),
      file(P3, 'enum E { E_ZERO = 0; reserved 2, 4; }'),
      ['RESERVED_ENUM_NO_DELETE 4:1', 'RESERVED_ENUM_NO_DELETE 4:1'],
    ],
    ['RESERVED_MESSAGE_NO_DELETE', file(P3, 'message M { reserved 1 to 3; }'), file(P3, 'message M { reserved 1, 2 to 3, 9; }'), []],
    ['SERVICE_NO_DELETE', file(P3, 'service S {}'), file(P3, ''), ['SERVICE_NO_DELETE a.proto']],
  ];
  for (const [rule, before, after, expected] of cases) {
    it(`${rule}: ${expected.length ? expected.join(', ') : 'nothing'}`, () => {
      assert.deepEqual(found(rule, before, after), expected);
    });
  }
});
