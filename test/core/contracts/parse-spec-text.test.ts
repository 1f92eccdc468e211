import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseSpecText, specErrorPosition } from '../../../src/core/contracts/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpus = process.env.TRANCHE_OASDIFF_CORPUS ?? resolve(root, '../shared/corpora/oasdiff');
const bounded = (text: string) => parse(text, { uniqueKeys: false, maxAliasCount: 10_000 });

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? specFiles(path) : /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

describe('parseSpecText', () => {
  test('reads every spec of the oasdiff corpus to exactly the value yaml gives', () => {
    const files = specFiles(join(corpus, 'data'));
    assert.ok(files.length > 150, `spec files found: ${files.length}`);
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      let expected: unknown;
      try {
        expected = bounded(text);
      } catch {
        assert.throws(() => parseSpecText(text), `${file}: yaml refuses it, so must parseSpecText`);
        continue;
      }
      assert.deepEqual(parseSpecText(text), expected, file);
      compared++;
    }
    assert.ok(compared > 150);
  });

  test("agrees with yaml on the YAML 1.2 core schema's scalars and on repeated keys", () => {
    const text = [
      'a: yes',
      'b: on',
      'c: True',
      'd: ~',
      'e: 0o17',
      'f: 0x1F',
      'g: 012',
      'h: .inf',
      'i: -.5',
      'j: 2025-01-01',
      "k: '200'",
      '200: ok',
      'l: 1e3',
      'm: null',
      'dup: 1',
      'dup: 2',
      'n: |',
      '  two',
      '  lines',
      'o: >-',
      '  folded',
      '  text',
      ...[
        '+12',
        '0b101',
        '1_000',
        '0O17',
        '-0',
        '.5',
        '-.5',
        '+.5',
        '5.',
        '1E+5',
        '+.inf',
        '-.Inf',
        'NULL',
        'nUll',
        'tRue',
        '0X1F',
        '-0x1F',
        '09',
        '00',
        '1.',
        '1e',
        '.e5',
        "'x'",
        '"y"',
      ].map((v, i) => `s${i}: ${v}`),
    ].join('\n');
    assert.deepEqual(parseSpecText(text), bounded(text));
    assert.ok(Number.isNaN((parseSpecText('v: .NaN') as { v: number }).v));
  });

  test('a document with anchors goes through the bounded parser: an alias bomb is refused', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    assert.throws(() => parseSpecText(bomb), /alias/i);
    assert.deepEqual(parseSpecText('base: &b { x: 1 }\nother: *b\n'), { base: { x: 1 }, other: { x: 1 } });
  });

  test('a broken document is located by yaml', () => {
    const error = (() => {
      try {
        parseSpecText('openapi: 3.0.0\npaths:\n  /a:\n    get: [unclosed\n');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error, 'it throws');
    const where = specErrorPosition(error);
    assert.ok(where.line !== undefined && where.line >= 4, JSON.stringify(where));
  });
});
