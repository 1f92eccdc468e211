import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { protoImports } from '../../../src/core/contracts/proto-imports.js';
import { parseProto } from '../../../src/core/contracts/protobuf/parse-proto.js';

const path = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\/[a-z][a-z0-9_]{0,8}){0,2}\.proto$/);
const space = fc.constantFrom(' ', '  ', '\t');
const importLine = fc
  .tuple(
    fc.constantFrom('', '  ', '\t'),
    space,
    fc.constantFrom('', 'public ', 'weak '),
    fc.constantFrom('"', "'"),
    fc.oneof(path, fc.constant('google/protobuf/empty.proto')),
  )
  .map(([indent, gap, modifier, quote, file]) => ({ line: `${indent}import${gap}${modifier}${quote}${file}${quote};`, file }));
const otherLine = fc.constantFrom(
  '',
  '// import "not/this.proto";',
  'message Imported { string import = 1; }',
  'option java_package = "x";',
  'enum E { E_UNSPECIFIED = 0; }',
);

describe('protoImports', () => {
  it('finds the imports the parser finds, in order, in any file written one statement a line', () => {
    const file = fc.array(
      fc.oneof(
        importLine,
        otherLine.map((line) => ({ line, file: undefined })),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(file, (lines) => {
        const text = ['syntax = "proto3";', 'package p;', ...lines.map((l) => l.line)].join('\n');
        const parsed = parseProto(text, 'a.proto')
          .imports.map((i) => i.path)
          .filter((p) => !p.startsWith('google/protobuf/'));
        assert.deepEqual(protoImports(text), parsed);
      }),
    );
  });

  it('never throws, and gives paths without quotes or line breaks, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        for (const found of protoImports(`import "${text}";\n${text}`)) assert.ok(!/["'\n]/.test(found));
      }),
    );
  });
});
