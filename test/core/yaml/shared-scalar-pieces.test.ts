import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { INDICATOR_START } from '../../../src/core/yaml/indicator-start.js';
import { readQuotedScalar } from '../../../src/core/yaml/read-quoted-scalar.js';
import { resolvePlainScalar } from '../../../src/core/yaml/resolve-plain-scalar.js';
import { isShowableKeyName } from '../../../src/core/yaml/showable-key-name.js';

/** What `yaml` makes of `k: <source>`. */
const yamlValue = (source: string): unknown => (parseDocument(`k: ${source}`).toJS() as { k: unknown }).k;

describe('resolvePlainScalar', () => {
  test('resolves like yaml for 20,000 generated plain scalars', () => {
    const atoms = [
      '0',
      '1',
      '7',
      '8',
      '9',
      '.',
      '-',
      '+',
      'e',
      'E',
      'x',
      'o',
      'X',
      'a',
      'f',
      'F',
      'n',
      'N',
      't',
      'T',
      '~',
      'inf',
      'Inf',
      'INF',
      'nan',
      'NaN',
      'null',
      'Null',
      'true',
      'True',
      'false',
      'FALSE',
      'ull',
      '_',
      'é',
    ];
    let seed = 11;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    let checked = 0;
    for (let i = 0; i < 20_000; i++) {
      let source = '';
      for (let n = random(5); n >= 0; n--) source += atoms[random(atoms.length)];
      if (INDICATOR_START.test(source)) continue; // not a plain scalar
      checked++;
      assert.ok(Object.is(resolvePlainScalar(source), yamlValue(source)), `differs on ${JSON.stringify(source)}`);
    }
    assert.ok(checked > 15_000);
  });

  test('gives null for an empty value', () => {
    assert.equal(resolvePlainScalar(''), null);
  });
});

describe('readQuotedScalar', () => {
  test('reads single- and double-quoted scalars closed on the line, like yaml', () => {
    for (const text of ["'a'", "'it''s'", "''", "'a \\ b'", '"a"', '""', '"it\'s"', "'a''' # c", '"a # b"   ']) {
      const read = readQuotedScalar(text, 0);
      assert.ok(read, text);
      assert.equal(read.value, yamlValue(text), text);
      assert.match(text.slice(read.end), /^(?: *(?:#.*)?)$/, text);
    }
  });

  test('declines what only yaml reads: an unclosed quote or a backslash escape', () => {
    for (const text of ["'a", "'a''", '"a', '"a\\"b"', '"\\t"']) assert.equal(readQuotedScalar(text, 0), undefined, text);
  });
});

describe('isShowableKeyName', () => {
  test('shows conventional key names', () => {
    for (const name of ['PORT', 'DB_HOST', 'db.host', 'config/stale-value', 'feature-flag', 'JUST_A_WORD', '1', 'a']) {
      assert.ok(isShowableKeyName(name), name);
    }
  });

  test('hides what may be a secret', () => {
    const hidden = [
      'MIIEvQIBADANBgkq',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      'a3f9c0d1e2b4a5968778695a4b3c2d1e0f9a8b7c',
      'my secret',
      'x+y',
      '"quoted"',
      '',
      'A'.repeat(65),
      `K_${'A'.repeat(70)}`,
    ];
    for (const name of hidden) assert.ok(!isShowableKeyName(name), name);
  });
});

describe('the scalar pieces of the YAML readers exist once', () => {
  const SRC = fileURLToPath(new URL('../../../../src/', import.meta.url));
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  const texts = sources(SRC).map((file) => readFileSync(file, 'utf8'));

  const DEFINITIONS: Array<[name: string, definition: RegExp]> = [
    ['UNSURE_CHAR', /\bconst UNSURE_CHAR\s*=/],
    ['INDICATOR_START', /\bconst INDICATOR_START\s*=/],
    ['resolvePlainScalar', /\bfunction resolvePlainScalar\b/],
    ['the core-schema float pattern', /\[eE\]\[-\+\]\?\[0-9\]\+/],
    ['a quoted-scalar reader', /replaceAll\("''", "'"\)/],
  ];
  for (const [name, definition] of DEFINITIONS) {
    test(`${name} is defined in exactly one source file`, () => {
      assert.equal(texts.filter((text) => definition.test(text)).length, 1);
    });
  }
});
