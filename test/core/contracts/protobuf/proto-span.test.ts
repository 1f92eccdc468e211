import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseProto } from '../../../../src/core/contracts/protobuf/parse-proto.js';
import { positionAt, spanAt, spanOf } from '../../../../src/core/contracts/protobuf/proto-span.js';
import { ProtoSyntaxError } from '../../../../src/core/contracts/protobuf/proto-syntax-error.js';

/** Line and column of an offset counted character by character: the definition the reader's must agree with. */
function counted(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < at; i++) {
    if (text[i] === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}

/** Text with many short lines, empty ones and \r\n among them. */
const lines = fc.array(fc.constantFrom('a', 'bc', '\n', '\r\n', ' ', '\t', 'é', '\n\n'), { maxLength: 60 }).map((parts) => parts.join(''));

describe('spanAt', () => {
  it('gives the line and column (1-based, in UTF-16 units, lines ending at "\\n") of any two offsets of any text', () => {
    fc.assert(
      fc.property(
        lines.chain((text) => fc.tuple(fc.constant(text), fc.nat(text.length), fc.nat(text.length))),
        ([text, a, b]) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          const file = parseProto('', 'x.proto');
          const span = spanAt({ ...file, text }, start, end);
          const first = counted(text, start);
          const last = counted(text, end);
          assert.deepEqual(span, { line: first.line, column: first.column, endLine: last.line, endColumn: last.column });
          assert.deepEqual(positionAt(text, start), first);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** One field as written, with the parts a reader locates. */
interface WrittenField {
  label: string;
  type: string;
  name: string;
  number: string;
}

const gap = fc.constantFrom(' ', '  ', '\n', '\r\n  ', '\t', ' /* a\ncomment */ ', ' // to the end\n');
const field = fc.record({
  label: fc.constantFrom('', 'repeated ', 'optional '),
  type: fc.constantFrom('int32', 'string', 'Other', '.pkg.Other', 'pkg . Other'),
  name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/),
  number: fc.constantFrom('1', '2', '17', '0x1F', '017', '536870911'),
});

describe('parseProto extents', () => {
  it('locates every field, its name, number and type where they are written, through any spacing, comments and line breaks', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(field, gap, gap), { minLength: 1, maxLength: 8 }), gap, (fields, before) => {
        let text = `syntax = "proto2";${before}package pkg;\nmessage Other {}\nmessage M {`;
        const expected: { start: number; end: number; written: WrittenField }[] = [];
        for (const [written, g1, g2] of fields) {
          text += g1;
          const start = text.length;
          text += `${written.label}${written.type}${g2}${written.name} = ${written.number};`;
          expected.push({ start, end: text.length, written });
        }
        text += '\n}\n';
        const file = parseProto(text, 'x.proto');
        const parsed = file.messages[1]!.fields;
        assert.equal(parsed.length, expected.length);
        parsed.forEach((f, i) => {
          const { start, end, written } = expected[i]!;
          assert.deepEqual([f.start, f.end], [start, end]);
          assert.equal(text.slice(f.nameStart, f.nameEnd), written.name);
          assert.equal(text.slice(f.numberStart, f.numberEnd), written.number);
          assert.equal(text.slice(f.typeStart, f.typeEnd), written.type);
          const first = counted(text, start);
          const last = counted(text, end);
          assert.deepEqual(spanOf(file, f), { line: first.line, column: first.column, endLine: last.line, endColumn: last.column });
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reports a problem at the line and column of the token it is about, past comments and line breaks', () => {
    fc.assert(
      fc.property(fc.array(gap, { maxLength: 6 }), (gaps) => {
        const text = `syntax = "proto3";${gaps.join('')}message M {${gaps.join('')}int32 a = ${gaps.join('')}x;\n}\n`;
        const at = text.lastIndexOf('x;');
        assert.throws(
          () => parseProto(text, 'x.proto'),
          (error: unknown) => error instanceof ProtoSyntaxError && error.line === counted(text, at).line && error.column === counted(text, at).column,
        );
      }),
      { numRuns: 200 },
    );
  });
});
