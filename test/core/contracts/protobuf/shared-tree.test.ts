import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BUF_CATEGORIES, DEFAULT_BUF_CONFIG } from '../../../../src/core/contracts/protobuf/buf-config.js';
import { diffProtobuf } from '../../../../src/core/contracts/protobuf/diff-protobuf.js';
import { ProtoSyntaxError } from '../../../../src/core/contracts/protobuf/proto-syntax-error.js';
import { type ProtoSource, readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';
import { mutated } from '../../../support/hostile-input.js';
import { bufCorpusDir } from './buf-corpus-dir.js';
import { bufCorpusSides } from './measure-buf-corpus.js';

const ALL_RULES = { ...DEFAULT_BUF_CONFIG, version: 'v2' as const, use: [...BUF_CATEGORIES, 'FIELD_SAME_DEFAULT', 'EXTENSION_NO_DELETE'] };

/** The diff with the current side read on its own, and read sharing the previous side's files: both, or the error each threw. */
function bothWays(previous: ProtoSource[], current: ProtoSource[], config = ALL_RULES) {
  const attempt = (f: () => unknown) => {
    try {
      return f();
    } catch (error) {
      if (!(error instanceof ProtoSyntaxError)) throw error;
      return error.message;
    }
  };
  const alone = attempt(() => diffProtobuf(readProtoTree(previous), readProtoTree(current), config));
  const shared = attempt(() => {
    const tree = readProtoTree(previous);
    return diffProtobuf(tree, readProtoTree(current, { sources: previous, tree }), config);
  });
  return { alone, shared };
}

const files = (entries: Record<string, string>): ProtoSource[] => Object.entries(entries).map(([path, text]) => ({ path, text }));

describe('readProtoTree sharing the files of the other side', () => {
  it('takes a file with the same path and text as the very object the other side read', () => {
    const previous = files({
      'a.proto': 'syntax = "proto3";\npackage p;\nmessage A { B b = 1; }\n',
      'b.proto': 'syntax = "proto3";\npackage p;\nmessage B {}\n',
    });
    const current = files({ 'a.proto': previous[0]!.text, 'b.proto': 'syntax = "proto3";\npackage p;\nmessage B { string s = 1; }\n' });
    const tree = readProtoTree(previous);
    const shared = readProtoTree(current, { sources: previous, tree });
    assert.equal(shared.files[0], tree.files[0]);
    assert.notEqual(shared.files[1], tree.files[1]);
    assert.deepEqual(diffProtobuf(tree, shared, ALL_RULES), []);
  });

  it('reads a file again when a name in it means something else in this tree', () => {
    const a = 'syntax = "proto3";\npackage p;\nmessage A { B b = 1; }\n';
    const previous = files({ 'a.proto': a, 'b.proto': 'syntax = "proto3";\npackage p;\nmessage B {}\n' });
    const current = files({ 'a.proto': a, 'b.proto': 'syntax = "proto3";\npackage p;\nenum B { B_ZERO = 0; }\n' });
    const tree = readProtoTree(previous);
    const shared = readProtoTree(current, { sources: previous, tree });
    assert.notEqual(shared.files[0], tree.files[0]);
    assert.equal(shared.files[0]!.messages[0]!.fields[0]!.typeKind, 'enum');
    assert.equal(tree.files[0]!.messages[0]!.fields[0]!.typeKind, 'message');
    const { alone, shared: changes } = bothWays(previous, current);
    assert.deepEqual(changes, alone);
    assert.ok((changes as { rule: string; path?: string }[]).some((c) => c.rule === 'FIELD_SAME_TYPE' && c.path === 'a.proto'));
  });

  it('reads a file again when a new package hides the first part of a name in it', () => {
    const a = 'syntax = "proto3";\npackage p;\nimport "b.proto";\nmessage A { q.B b = 1; }\n';
    const previous = files({ 'a.proto': a, 'b.proto': 'syntax = "proto3";\npackage q;\nmessage B {}\n' });
    const current = [...previous, ...files({ 'c.proto': 'syntax = "proto3";\npackage p.q;\nmessage Other {}\n' })];
    const tree = readProtoTree(previous);
    const shared = readProtoTree(current, { sources: previous, tree });
    assert.notEqual(shared.files[0], tree.files[0]);
    assert.equal(tree.files[0]!.messages[0]!.fields[0]!.typeName, 'q.B');
    assert.equal(shared.files[0]!.messages[0]!.fields[0]!.typeName, undefined);
    assert.equal(shared.files[1], tree.files[1]);
    const { alone, shared: changes } = bothWays(previous, current);
    assert.deepEqual(changes, alone);
  });

  it('keeps a shared file whose names the new declarations cannot reach', () => {
    const a = 'syntax = "proto3";\npackage p;\nimport "b.proto";\nmessage A { B b = 1; q.C c = 2; }\nservice S { rpc Get(A) returns (B); }\n';
    const previous = files({
      'a.proto': a,
      'b.proto': 'syntax = "proto3";\npackage p;\nmessage B {}\n',
      'c.proto': 'syntax = "proto3";\npackage p.q;\nmessage C {}\n',
    });
    const current = files({ 'a.proto': a, 'b.proto': 'syntax = "proto3";\npackage p;\nmessage B {}\nmessage D {}\n', 'c.proto': previous[2]!.text });
    const tree = readProtoTree(previous);
    const shared = readProtoTree(current, { sources: previous, tree });
    assert.equal(shared.files[0], tree.files[0]);
    assert.equal(shared.files[0]!.messages[0]!.fields[1]!.typeName, 'p.q.C');
    assert.deepEqual(diffProtobuf(tree, shared, ALL_RULES), []);
  });

  it('still compares a default of an unchanged file with the enum it names in a changed one', () => {
    const a = 'syntax = "proto2";\npackage p;\nimport "e.proto";\nmessage A { optional E e = 1 [default = ON]; }\n';
    const previous = files({ 'a.proto': a, 'e.proto': 'syntax = "proto2";\npackage p;\nenum E { OFF = 0; ON = 1; }\n' });
    const current = files({ 'a.proto': a, 'e.proto': 'syntax = "proto2";\npackage p;\nenum E { OFF = 0; ON = 2; }\n' });
    const { alone, shared } = bothWays(previous, current);
    assert.deepEqual(shared, alone);
    assert.ok((shared as { rule: string; path?: string }[]).some((c) => c.rule === 'FIELD_SAME_DEFAULT' && c.path === 'a.proto'));
  });

  it('gives the same changes as reading each side alone on every case of the buf corpus, in every category', () => {
    const cases = bufCorpusSides(bufCorpusDir);
    assert.equal(cases.length, 27);
    let sharedFiles = 0;
    for (const c of cases) {
      sharedFiles += c.current.filter((s) => c.previous.some((p) => p.path === s.path && p.text === s.text)).length;
      for (const category of BUF_CATEGORIES) {
        const { alone, shared } = bothWays(c.previous, c.current, { ...ALL_RULES, use: [category] });
        assert.deepEqual(shared, alone, `${c.name} ${category}`);
      }
    }
    assert.ok(sharedFiles > 0, 'no case of the corpus has a file unchanged between its sides');
  });

  it('gives the same changes as reading each side alone when any one file of a real tree is edited', () => {
    const cases = bufCorpusSides(bufCorpusDir).filter((c) => c.previous.length > 1);
    const texts = cases.flatMap((c) => c.previous.map((s) => s.text));
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.nat(), mutated(texts), (c, pick, text) => {
        const current = c.previous.map((s, i) => (i === pick % c.previous.length ? { path: s.path, text } : s));
        const { alone, shared } = bothWays(c.previous, current);
        assert.deepEqual(shared, alone);
      }),
      { numRuns: 300 },
    );
  });
});
