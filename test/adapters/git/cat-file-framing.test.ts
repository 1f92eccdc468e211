import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CatFileFraming } from '../../../src/adapters/git/cat-file-framing.js';

/** What git writes for each answer: a content (any bytes, newlines included), or a missing object. */
function gitOutput(answers: (Uint8Array | undefined)[]): Buffer {
  return Buffer.concat(
    answers.map((content, i) => {
      const id = i.toString(16).padStart(40, '0');
      return content === undefined
        ? Buffer.from(`${id} missing\n`)
        : Buffer.concat([Buffer.from(`${id} blob ${content.length}\n`), content, Buffer.from('\n')]);
    }),
  );
}

test('cuts any output into its answers, however it is split into chunks, each content in memory of its own', () => {
  const answer = fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined, freq: 4 });
  fc.assert(
    fc.property(fc.array(answer, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), (answers, sizes) => {
      const output = gitOutput(answers);
      const got: (Buffer | undefined)[] = [];
      const framing = new CatFileFraming((content) => got.push(content));
      for (let at = 0, i = 0; at < output.length; i++) {
        const size = sizes[i % sizes.length]!;
        framing.push(output.subarray(at, at + size));
        at += size;
      }
      assert.equal(got.length, answers.length);
      got.forEach((content, i) => {
        const expected = answers[i];
        if (expected === undefined) return assert.equal(content, undefined);
        assert.deepEqual(new Uint8Array(content!), expected);
        assert.equal(content!.byteOffset, 0);
        assert.equal(content!.buffer.byteLength, expected.length, 'exactly its size: it can be handed over whole');
      });
    }),
    { numRuns: 500 },
  );
});

test('an answer is given only once it is complete', () => {
  const got: (Buffer | undefined)[] = [];
  const framing = new CatFileFraming((content) => got.push(content));
  const output = gitOutput([Buffer.from('hello\nworld'), undefined]);
  framing.push(output.subarray(0, output.length - 60));
  assert.equal(got.length, 0, 'nothing before the whole content');
  framing.push(output.subarray(output.length - 60));
  assert.equal(got.length, 2);
  assert.equal(got[0]!.toString(), 'hello\nworld');
});
