import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { BUF_CATEGORIES, DEFAULT_BUF_CONFIG } from '../../../../src/core/contracts/protobuf/buf-config.js';
import { diffProtobuf } from '../../../../src/core/contracts/protobuf/diff-protobuf.js';
import { ProtoSyntaxError } from '../../../../src/core/contracts/protobuf/proto-syntax-error.js';
import { readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';
import { mutated } from '../../../support/hostile-input.js';
import { bufCorpusDir } from './buf-corpus-dir.js';

/** Every .proto text of the corpus: valid files of every syntax, to break a few edits at a time. */
function corpusTexts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? corpusTexts(path) : entry.name.endsWith('.proto') ? [readFileSync(path, 'utf8')] : [];
  });
}

it('reads and diffs any edit of a real .proto without failing in any other way than a located syntax error', () => {
  const texts = corpusTexts(join(bufCorpusDir, 'data'));
  assert.ok(texts.length > 100);
  const tree = (text: string) => readProtoTree([{ path: 'a.proto', text: text.replace(/^import .*$/gm, '') }]);
  fc.assert(
    fc.property(fc.constantFrom(...texts), mutated(texts), fc.constantFrom(...BUF_CATEGORIES), (before, after, category) => {
      try {
        diffProtobuf(tree(before), tree(after), { ...DEFAULT_BUF_CONFIG, version: 'v2', use: [category, 'FIELD_SAME_DEFAULT', 'EXTENSION_NO_DELETE'] });
      } catch (error) {
        if (!(error instanceof ProtoSyntaxError)) throw error;
        assert.match(error.message, /^a\.proto:\d+:\d+: /);
      }
    }),
    { numRuns: 1500 },
  );
});
