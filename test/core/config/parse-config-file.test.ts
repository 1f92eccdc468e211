import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument, isMap } from 'yaml';
import { parseConfigFile, type ConfigFile } from '../../../src/core/config/parse-config-file.js';
import { parseFlatFast } from '../../../src/core/yaml/parse-flat-fast.js';
import { parseWithYaml } from '../../../src/core/yaml/parse-with-yaml.js';

/** What `yaml` itself says: the JS value of the document and the 1-based position of each top-level key. */
function yamlReference(text: string): { js: unknown; keyPositions: Array<{ line: number; column: number }> } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    'corpus inputs must be valid YAML',
  );
  const keyPositions: Array<{ line: number; column: number }> = [];
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const start = (pair.key as { range: [number, number, number] }).range[0];
      const { line, col } = lineCounter.linePos(start);
      keyPositions.push({ line, column: col });
    }
  }
  // An empty (or comment-only) document is null for yaml and "no entries" for us.
  return { js: parseDocument(text).toJS() ?? {}, keyPositions };
}

function asObject(file: ConfigFile): Record<string, unknown> {
  return Object.fromEntries(file.entries.map((e) => [e.key, e.value]));
}

// prettier-ignore
const CORPUS: Array<[name: string, text: string]> = [
  // --- scalar forms of the YAML 1.2 core schema (fast path) ---
  ['null forms', 'A: ~\nB: null\nC: Null\nD: NULL\nE:\nF: \n'],
  ['booleans', 'A: true\nB: True\nC: TRUE\nD: false\nE: False\nF: FALSE\n'],
  ['YAML 1.1 booleans are strings', 'A: yes\nB: no\nC: on\nD: off\nE: Yes\nF: NO\nG: y\nH: n\nI: tRUE\n'],
  ['decimal ints', 'A: 0\nB: 42\nC: -17\nD: +12\nE: 007\nF: -0\n'],
  ['octal ints', 'A: 0o17\nB: 0o0\nC: 0o8\nD: 0O17\nE: -0o17\n'],
  ['hex ints', 'A: 0x1F\nB: 0xff\nC: 0xFF\nD: 0X1F\nE: 0xG\nF: -0x1F\n'],
  ['floats', 'A: 1.5\nB: -2.25\nC: .5\nD: 5.\nE: +1.0\nF: 1.10\nG: 0.0\nH: -.5\n'],
  ['floats with exponent', 'A: 1e3\nB: 1E3\nC: -1.5e-3\nD: .5e+2\nE: 1.e3\nF: 1e\nG: e3\nH: 1e3.5\n'],
  ['infinity and NaN', 'A: .inf\nB: .Inf\nC: .INF\nD: -.inf\nE: +.inf\nF: .nan\nG: .NaN\nH: .NAN\nI: -.nan\nJ: .iNf\nK: inf\n'],
  ['ints too big for a double', 'A: 12345678901234567890\nB: 0x1FFFFFFFFFFFFFFFF\n'],
  ['version-like values', 'A: 1.2.3\nB: 1.10.0\nC: v1.10\nD: 1_000\nE: 1,000\nF: 0b101\n'],
  ['dates and times are strings in YAML 1.2', 'A: 2024-01-15\nB: 2024-01-15T10:00:00Z\nC: 12:30:45\n'],
  ['odd plain scalars', 'A: .\nB: +\nC: ~foo\nD: .5.5\nE: nullx\nF: Truex\nG: 0x\nH: 0o\nI: none\nJ: NaN\n'],
  // --- plain strings ---
  ['plain strings with colons', 'URL: http://example.com:8080/a?b=c\nB: a:b\nC: C:\\path\\to\n'],
  ['plain strings with hashes', 'A: a#b\nB: issue#42\nC: #\n'],
  ['trailing comments after plain values', 'A: value # comment\nB: x #comment #two\nC: 42 # number\nD: null # c\nE: # only a comment\n'],
  ['plain values starting with a dash', 'A: -a\nB: --flag\nC: -1.5\nD: ---x\nE: -.inf\n'],
  ['plain values with flow characters inside', 'A: a[0]\nB: x{y}\nC: a,b,c\nD: a]b\n'],
  ['plain values with quotes inside', "A: it's\nB: say \"hi\"\nC: a'b'c\n"],
  ['internal and surrounding spaces in plain values', 'A:    spaced\nB: a  b   c\nC: value   \nD:   \n'],
  ['merge key is a plain key in YAML 1.2', '<<: x\nA: 1\n'],
  ['long key', `${'K'.repeat(500)}: v\n`],
  // --- quoted scalars ---
  ['single-quoted', "A: 'a'\nB: ''\nC: 'it''s'\nD: 'a # not a comment'\nE: '  spaced  '\n"],
  ['single-quoted non-strings stay strings', "A: 'yes'\nB: '123'\nC: 'null'\nD: '1.10'\nE: 'true'\n"],
  ['single-quoted indicators', "A: 'a: b'\nB: 'back\\slash'\nC: '- item'\nD: '[x]'\nE: '&anchor'\n"],
  ['double-quoted without escapes', 'A: "a"\nB: ""\nC: "123"\nD: "a # b"\nE: "it\'s"\nF: "a: b"\n'],
  ['quoted values followed by comments and spaces', 'A: \'a\' # c\nB: "b"   # c\nC: \'c\'   \nD: "" # empty\n'],
  ['double-quoted escapes', 'A: "tab\\there"\nB: "\\u00e9"\nC: "quote \\" inside"\nD: "line\\nbreak"\nE: "back\\\\slash"\n'],
  ['quoted multi-line values', 'A: "first\n  second"\nB: \'a\n\n  b\'\n'],
  // --- comments, blank lines, line endings ---
  ['leading and trailing comments', '# header\n# more\nA: 1\nB: 2\n# footer\n'],
  ['comment without space after hash', '#comment\nA: 1\n#another\n'],
  ['blank lines and whitespace-only lines', '\n\nA: 1\n   \n\nB: 2\n\n'],
  ['only comments', '# nothing here\n# at all\n'],
  ['empty file', ''],
  ['only blank lines', '\n\n   \n'],
  ['no trailing newline', 'A: 1\nB: two'],
  ['CRLF line endings', "A: 1\r\nB: two\r\nC: 'q'\r\n# c\r\n\r\nD:\r\n"],
  ['CRLF with quoted and comments', 'A: "x" # c\r\nB: 1.10\r\n'],
  ['CRLF with a block scalar', 'A: |\r\n  line1\r\n  line2\r\nB: 2\r\n'],
  ['CRLF JSON', '{\r\n  "a": 1,\r\n  "b": "x"\r\n}\r\n'],
  ['BOM', '\uFEFFA: 1\nB: 2\n'],
  ['tab inside a plain value', 'A: a\tb\n'],
  ['tab before a comment', 'A: 1\t# c\n'],
  // --- unicode ---
  ['unicode values', 'A: héllo\nB: 日本語\nC: 🚀 launch\nD: "ünï"\nE: \'çà\'\n'],
  ['no-break and ideographic spaces are content', 'A: a\u00A0b\nB: x\u00A0\nC: \u3000y\n'],
  ['zero-width and other format characters', 'A: a\u200Bb\nB: \u200E\n'],
  ['unicode keys', 'Ünïcödé: x\nキー: y\n'],
  ['line separator character', 'A: a\u2028b\n'],
  // --- keys ---
  ['keys with dots, dashes and underscores', 'db.host: x\nfeature-flag: y\na.b-c_d: z\n_private: 1\nx.: 2\na..b: 3\nK-: 4\n'],
  ['prototype-sensitive keys', '__proto__: polluted\nconstructor: x\ntoString: y\nhasOwnProperty: z\n'],
  ['keys resolving to booleans and null', 'true: x\nnull: y\nFalse: z\n'],
  ['numeric keys', '123: z\n1.5: a\n0x10: b\n-1: c\n'],
  ['quoted keys', '"quoted key": v\n\'single key\': w\n"": empty\n'],
  ['space before the colon', 'KEY : spaced\nB  : 2\n'],
  ['empty key', ': value\n'],
  // --- nested values and other block structure ---
  ['nested map', 'DB:\n  host: x\n  port: 5432\nNEXT: 1\n'],
  ['deeply nested map', 'A:\n  B:\n    C:\n      D: 1\n    E: [1, 2]\n'],
  ['indented list', 'HOSTS:\n  - a\n  - b\nN: 1\n'],
  ['zero-indented list', 'HOSTS:\n- a\n- 2\n- true\n'],
  ['list of maps', 'SERVICES:\n  - name: a\n    port: 1\n  - name: b\n    port: 2\n'],
  ['flow list', 'A: [1, 2, 3]\nB: []\n'],
  ['flow map', 'A: {x: 1, y: [2, 3]}\nB: {}\n'],
  ['flow map spanning lines', 'A: {x: 1,\n  y: 2}\nB: 3\n'],
  ['anchors and aliases of maps', 'base: &b {x: 1}\nother: *b\n'],
  ['anchors and aliases of scalars', 'a: &v 5\nb: *v\nc: &s hello\nd: *s\n'],
  ['anchor on a block map', 'base: &b\n  x: 1\n  y: 2\nother: *b\n'],
  ['merge-looking key with alias is plain in YAML 1.2', 'base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n'],
  ['literal block scalar', 'A: |\n  line1\n  line2\nB: 2\n'],
  ['folded block scalar', 'A: >\n  folded\n  text\n\n  para\nB: 2\n'],
  ['block scalar chomping and indentation indicators', 'A: |-\n  strip\nB: >+\n  keep\n\nC: |2\n    indented\n'],
  ['multi-line plain scalar', 'A: first\n  continued\nB: 2\n'],
  ['indented comment between keys', 'A: 1\n  # indented comment\nB: 2\n'],
  ['indented whole file', '  A: 1\n  B: 2\n'],
  ['tags that fit their values', 'A: !!str 123\nB: !!int "42"\nC: !!float 1.5\nD: !!str 1.10\n'],
  ['explicit key', '? A\n: 1\nB: 2\n'],
  ['document start marker', '---\nA: 1\n'],
  ['document start and end markers', '---\nA: 1\n...\n'],
  ['document start marker with comment', '--- # config\nA: 1\n'],
  ['YAML directive', '%YAML 1.2\n---\nA: 1\n'],
  ['only a document start marker', '---\n'],
  ['value starting with question mark and colon', 'A: ?x\nB: :x\n'],
  ['plain value ending in a backslash', 'A: a\\\nB: \\\n'],
  ['value is three dashes', 'A: ---\nB: ...\n'],
  ['key followed by empty value then key', 'A:\nB: 1\nC:\n'],
  // --- JSON documents ---
  ['empty JSON object', '{}\n'],
  ['JSON one key', '{"a": 1}'],
  ['pretty JSON', '{\n  "name": "orders",\n  "port": 8080,\n  "debug": false,\n  "ratio": 0.5,\n  "none": null\n}\n'],
  ['JSON with nested values', '{"a": [1, {"b": [true, null]}], "c": {"d": {"e": "f"}}}'],
  ['JSON numbers', '{"a": -1.5e10, "b": 0, "c": 1E-3, "d": 12345678901234567890}'],
  ['JSON string escapes', '{"a": "\\u00e9\\n\\t", "b": "q\\"q", "c": "\\/"}'],
  ['JSON without spaces', '{"a":1,"b":[1,2],"c":{"d":"e"}}'],
  ['JSON indented with tabs', '{\n\t"a": 1,\n\t"b": [\n\t\t2\n\t]\n}\n'],
  ['JSON empty key and dotted keys', '{"": 1, "a.b": 2, "__proto__": 3}'],
  ['JSON on one line after comments', '# generated\n{"a": 1}\n'],
];

describe('parseConfigFile parity with yaml', () => {
  test('the corpus has at least 80 inputs with distinct names', () => {
    assert.ok(CORPUS.length >= 80, `only ${CORPUS.length} inputs`);
    assert.equal(new Set(CORPUS.map(([name]) => name)).size, CORPUS.length);
  });

  for (const [name, text] of CORPUS) {
    test(`${name}: same values and key positions as yaml`, () => {
      const reference = yamlReference(text);
      const result = parseConfigFile(text);
      assert.deepEqual(result.problems, []);
      const ours = asObject(result);
      assert.deepEqual(ours, reference.js);
      assert.deepEqual(Object.keys(ours), Object.keys(reference.js as object), 'key order');
      assert.deepEqual(
        result.entries.map(({ line, column }) => ({ line, column })),
        reference.keyPositions,
      );
      // Whenever the fast path takes a file, it must agree with the yaml-based reader in every field.
      const fast = parseFlatFast(text);
      if (fast !== undefined) assert.deepEqual(fast, parseWithYaml(text));
    });
  }

  test('randomly generated flat files: the fast path agrees with yaml whenever it accepts', () => {
    let seed = 20240115;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const atoms = [
      'a',
      '0',
      '1',
      '.',
      '-',
      '+',
      'e',
      'x',
      'o',
      ' ',
      '  ',
      '#',
      ':',
      "'",
      '"',
      '\\',
      '[',
      '{',
      ',',
      '&',
      '*',
      '!',
      '|',
      '>',
      '%',
      '@',
      '?',
      '~',
      '\u00A0',
      'é',
      '😀',
      'inf',
      'nan',
      'null',
      'true',
      '0x',
      '0o',
    ];
    const wellFormed = ['1', 'x', "'q'", '"d"', '1.10', '~', '', 'a b', 'http://x:1/y', '# c', '-1', '.inf', '0o17'];
    const keys = ['A', 'b', 'DB_PORT', 'x.y', 'a-b', '_k', 'null', 'True', '__proto__'];
    let accepted = 0;
    for (let n = 0; n < 2000; n++) {
      const lines: string[] = [];
      for (let i = 0; i < 3; i++) {
        let value = random() < 0.6 ? pick(wellFormed) : '';
        for (let j = Math.floor(random() * 4); j > 0; j--) value += pick(atoms);
        const key = random() < 0.8 ? `${pick(keys)}${i}` : pick(keys); // mostly distinct keys
        lines.push(random() < 0.1 ? `#${value}` : `${key}:${pick(['', ' ', ' ', '  '])}${value}`);
      }
      const text = lines.join(random() < 0.2 ? '\r\n' : '\n');
      const fast = parseFlatFast(text);
      if (fast === undefined) continue;
      accepted++;
      const doc = parseDocument(text);
      assert.deepEqual(doc.errors, [], `fast path accepted invalid YAML ${JSON.stringify(text)}`);
      assert.deepEqual(fast, parseWithYaml(text), `fast path disagrees on ${JSON.stringify(text)}`);
      assert.deepEqual(asObject(fast), doc.toJS() ?? {}, `values differ on ${JSON.stringify(text)}`);
    }
    assert.ok(accepted > 400, `fast path accepted only ${accepted} of 2000 generated files`);
  });
});

describe('parseFlatFast (the fast path)', () => {
  test('reads a typical flat file, with positions and the source text of plain values', () => {
    const text = [
      '# orders service, production',
      'DB_HOST: db.internal',
      'DB_PORT: 5432',
      '',
      'VERSION: 1.10 # release',
      "GREETING: 'it''s ok'",
      'TITLE: "Orders #1"',
      'DEBUG: false',
      'TIMEOUT:',
      'RATIO: -.5e1',
      'MODE: 0o755',
    ].join('\n');
    const result = parseFlatFast(text);
    assert.deepEqual(result, {
      problems: [],
      entries: [
        { key: 'DB_HOST', value: 'db.internal', line: 2, column: 1, sourceText: 'db.internal' },
        { key: 'DB_PORT', value: 5432, line: 3, column: 1, sourceText: '5432' },
        { key: 'VERSION', value: 1.1, line: 5, column: 1, sourceText: '1.10' },
        { key: 'GREETING', value: "it's ok", line: 6, column: 1 },
        { key: 'TITLE', value: 'Orders #1', line: 7, column: 1 },
        { key: 'DEBUG', value: false, line: 8, column: 1, sourceText: 'false' },
        { key: 'TIMEOUT', value: null, line: 9, column: 1, sourceText: '' },
        { key: 'RATIO', value: -5, line: 10, column: 1, sourceText: '-.5e1' },
        { key: 'MODE', value: 493, line: 11, column: 1, sourceText: '0o755' },
      ],
    });
  });

  const TYPICAL: Array<[string, string]> = [
    ['empty file', ''],
    ['comments only', '# a\n#b\n'],
    ['CRLF file', 'A: 1\r\nB: x\r\n'],
    ['URL and path values', 'URL: https://x.example.com:8443/p?q=1#frag\nDIR: /var/lib/x\n'],
    ['trailing comments and spaces', 'A: 1 # c   \nB: \'x\'  # c\nC: "y"  \n'],
    ['unicode values', 'A: 日本語 🚀\n'],
    ['every core scalar form', 'A: ~\nB: TRUE\nC: 0o17\nD: 0x1F\nE: -.Inf\nF: .nan\nG: 1e3\nH: +12\nI: 1.5\n'],
  ];
  for (const [name, text] of TYPICAL) {
    test(`takes the fast path for a simple file: ${name}`, () => {
      assert.notEqual(parseFlatFast(text), undefined);
    });
  }

  const TRICKY: Array<[string, string]> = [
    ['indented line', 'A:\n  b: 1\n'],
    ['indented comment', 'A: 1\n  # c\n'],
    ['flow list', 'A: [1, 2]\n'],
    ['flow map', 'A: {b: 1}\n'],
    ['anchor', 'A: &x 1\n'],
    ['alias', 'A: *x\n'],
    ['tag', 'A: !!str 1\n'],
    ['local tag', 'A: !Passw0rd\n'],
    ['non-specific tag', 'A: ! x\n'],
    ['verbatim tag', 'A: !<tag:example.com,2024:x> 1\n'],
    ['tag on a key', '!k A: 1\n'],
    ['tag after a quoted value', "A: 'x' !t\n"],
    ['literal block scalar', 'A: |\n  x\n'],
    ['folded block scalar', 'A: >\n  x\n'],
    ['document start', '---\nA: 1\n'],
    ['document end', 'A: 1\n...\n'],
    ['directive', '%YAML 1.2\n---\nA: 1\n'],
    ['explicit key', '? A\n: 1\n'],
    ['backslash in double quotes', 'A: "a\\tb"\n'],
    ['": " inside a plain value', 'A: b: c\n'],
    ['plain value ending with a colon', 'A: b:\n'],
    ['tab', 'A:\t1\n'],
    ['tab in a value', 'A: a\tb\n'],
    ['duplicate key', 'A: 1\nA: 2\n'],
    ['key resolving to a boolean', 'true: 1\n'],
    ['key resolving to null', 'Null: 1\n'],
    ['numeric key', '1: x\n'],
    ['quoted key', '"A": 1\n'],
    ['space before the colon', 'A : 1\n'],
    ['no space after the colon', 'A:1\n'],
    ['list item', '- a\n'],
    ['value is a dash and space', 'A: - x\n'],
    ['value starting with an indicator', 'A: @x\n'],
    ['value starting with a comma', 'A: ,x\n'],
    ['value starting with a backtick', 'A: `x`\n'],
    ['value starting with a percent sign', 'A: %x\n'],
    ['value starting with a question mark', 'A: ?x\n'],
    ['unterminated single quote', "A: 'x\n"],
    ['unterminated double quote', 'A: "x\n'],
    ['text after a closing quote', "A: 'x' y\n"],
    ['comment glued to a closing quote', 'A: "x"#c\n'],
    ['byte order mark', '\uFEFFA: 1\n'],
    ['lone carriage return', 'A: 1\rB: 2\n'],
    ['non-ASCII key', 'Ü: 1\n'],
    ['plain scalar document', 'hello\n'],
    ['JSON', '{"a": 1}\n'],
    ['control character', 'A: a\u0001b\n'],
    ['line separator', 'A: a\u2028b\n'],
    ['over-long key', `${'K'.repeat(1100)}: 1\n`],
  ];
  for (const [name, text] of TRICKY) {
    test(`declines, leaving the file to yaml: ${name}`, () => {
      assert.equal(parseFlatFast(text), undefined);
    });
  }
});

describe('parseConfigFile source text', () => {
  test('keeps the exact text of a plain value on both paths, so 1.10 read as 1.1 can be detected', () => {
    const flat = parseConfigFile('VERSION: 1.10\n');
    const viaYaml = parseConfigFile('VERSION: 1.10\nNESTED:\n  x: 1\n');
    assert.equal(parseFlatFast('VERSION: 1.10\nNESTED:\n  x: 1\n'), undefined);
    for (const file of [flat, viaYaml]) {
      assert.equal(file.entries[0]!.value, 1.1);
      assert.equal(file.entries[0]!.sourceText, '1.10');
    }
  });

  test('has no source text for quoted scalars and collections, and an empty one for an empty value', () => {
    const file = parseConfigFile('A: \'1.10\'\nB: "0o17"\nC: [1]\nD:\n  x: 1\nE:\n');
    assert.deepEqual(
      file.entries.map((e) => [e.key, 'sourceText' in e, e.sourceText]),
      [
        ['A', false, undefined],
        ['B', false, undefined],
        ['C', false, undefined],
        ['D', false, undefined],
        ['E', true, ''],
      ],
    );
  });

  test('excludes a trailing comment and spaces from the source text', () => {
    const file = parseConfigFile('A: 0o17   # octal\n');
    assert.equal(file.entries[0]!.sourceText, '0o17');
  });
});

describe('parseConfigFile problems', () => {
  test('reports a syntax error at the offending place and keeps the entries it could read', () => {
    const file = parseConfigFile('A: 1\nB: x: y\nC: 3\n');
    assert.equal(file.problems.length, 1);
    assert.match(file.problems[0]!.message, /nested mappings/i);
    assert.deepEqual({ ...file.problems[0], message: '' }, { message: '', line: 2, column: 4 });
    assert.deepEqual(file.entries[0], { key: 'A', value: 1, line: 1, column: 1, sourceText: '1' });
  });

  test('reports an unclosed flow list where yaml gives up on it', () => {
    const file = parseConfigFile('A: 1\nB: [1, 2\nC: 3\n');
    assert.ok(file.problems.length > 0);
    assert.match(file.problems[0]!.message, /unclosed \[ or \{/);
    assert.equal(file.problems[0]!.line, 3);
    assert.equal(file.problems[0]!.column, 1);
  });

  test('locates a syntax error on a CRLF line', () => {
    const file = parseConfigFile('A: 1\r\nB: x: y\r\n');
    assert.deepEqual(
      file.problems.map(({ line, column }) => ({ line, column })),
      [{ line: 2, column: 4 }],
    );
  });

  test('reports tab indentation', () => {
    const file = parseConfigFile('A: 1\n\tB: 2\n');
    assert.deepEqual(
      file.problems.map(({ line, column }) => ({ line, column })),
      [{ line: 2, column: 1 }],
    );
    assert.match(file.problems[0]!.message, /tab/i);
  });

  test('reports a duplicate key at its second occurrence, naming the first, and keeps both entries', () => {
    const file = parseConfigFile('A: 1\nB: 2\nDB_PORT: 5432\nC: 3\nDB_PORT: 5433\n');
    assert.deepEqual(file.problems, [{ message: 'duplicate key DB_PORT (first at line 3)', line: 5, column: 1 }]);
    assert.deepEqual(
      file.entries.filter((e) => e.key === 'DB_PORT').map((e) => [e.value, e.line]),
      [
        [5432, 3],
        [5433, 5],
      ],
    );
    assert.equal(asObject(file).DB_PORT, 5433, 'the last occurrence wins, as in toJS()');
  });

  test('reports every repetition of a key once', () => {
    const file = parseConfigFile('A: 1\nA: 2\nA: 3\n');
    assert.deepEqual(file.problems, [
      { message: 'duplicate key A (first at line 1)', line: 2, column: 1 },
      { message: 'duplicate key A (first at line 1)', line: 3, column: 1 },
    ]);
  });

  test('reports a duplicate key in a JSON file at its column', () => {
    const file = parseConfigFile('{"a": 1,\n "b": 2, "a": 3}\n');
    assert.deepEqual(file.problems, [{ message: 'duplicate key a (first at line 1)', line: 2, column: 10 }]);
  });

  test('reports keys that differ in YAML but collide as JavaScript properties', () => {
    const file = parseConfigFile('1: a\n"1": b\n');
    assert.deepEqual(file.problems, [{ message: 'duplicate key 1 (first at line 1)', line: 2, column: 1 }]);
  });

  test('reports a duplicate key inside a nested map where yaml finds it', () => {
    const file = parseConfigFile('x:\n  y: 1\n  y: 2\n');
    assert.deepEqual(
      file.problems.map(({ line, column }) => ({ line, column })),
      [{ line: 3, column: 3 }],
    );
  });

  test('reports a top-level list', () => {
    const file = parseConfigFile('# hosts\n\n- a\n- b\n');
    assert.deepEqual(file, {
      entries: [],
      problems: [{ message: 'expected a map of KEY: value at the top level, found a list', line: 3, column: 1 }],
    });
  });

  test('reports a top-level JSON array', () => {
    const file = parseConfigFile('  [1, 2]\n');
    assert.deepEqual(file.problems, [{ message: 'expected a map of KEY: value at the top level, found a list', line: 1, column: 3 }]);
  });

  test('reports a scalar document', () => {
    assert.deepEqual(parseConfigFile('just a string\n'), {
      entries: [],
      problems: [{ message: 'expected a map of KEY: value at the top level, found a scalar', line: 1, column: 1 }],
    });
    assert.deepEqual(parseConfigFile('# c\n42\n').problems, [{ message: 'expected a map of KEY: value at the top level, found a scalar', line: 2, column: 1 }]);
  });

  test('reports multiple documents at the start of the second one', () => {
    const file = parseConfigFile('A: 1\n---\nB: 2\n');
    assert.deepEqual(file.problems, [{ message: 'expected a single YAML document, found more than one', line: 2, column: 1 }]);
    assert.deepEqual(asObject(file), { A: 1 });
  });

  test('reports a non-scalar key and keeps the other entries', () => {
    const file = parseConfigFile('? [a, b]\n: 1\nC: 2\n');
    assert.deepEqual(file.problems, [{ message: 'expected a scalar key, found a list', line: 1, column: 3 }]);
    assert.deepEqual(asObject(file), { C: 2 });
  });

  test('reports an alias to an anchor that does not exist, without naming it', () => {
    const file = parseConfigFile('A: *nope\nB: 1\n');
    assert.deepEqual(file.problems, [{ message: 'an alias refers to an anchor that is not defined', line: 1, column: 4 }]);
    assert.deepEqual(asObject(file), { A: undefined, B: 1 });
  });

  test('accepts an empty file, a comment-only file and a bare document marker without problems', () => {
    for (const text of ['', '# just a comment\n', '\n\n', '---\n', '--- # empty\n']) {
      assert.deepEqual(parseConfigFile(text), { entries: [], problems: [] }, JSON.stringify(text));
    }
  });
});

describe('parseConfigFile problems never show input text', () => {
  // Each input puts the text s3cr3t where yaml's own message would quote it.
  const CASES: Array<[name: string, text: string, expected: Array<{ message: string; line: number; column: number }>]> = [
    ['an alias to a missing anchor', 'TOKEN: *s3cr3t\n', [{ message: 'an alias refers to an anchor that is not defined', line: 1, column: 8 }]],
    ['a local tag', 'TOKEN: !s3cr3t\n', [{ message: 'unknown YAML tag: quote the value if it is text', line: 1, column: 8 }]],
    ['a tag with an undeclared handle', 'TOKEN: !s3cr3t!x 1\n', [{ message: 'unknown YAML tag: quote the value if it is text', line: 1, column: 8 }]],
    ['a verbatim tag', 'TOKEN: !<s3cr3t> x\n', [{ message: 'unknown YAML tag: quote the value if it is text', line: 1, column: 8 }]],
    ['an unknown !! tag', 'TOKEN: !!s3cr3t x\n', [{ message: 'unknown YAML tag: quote the value if it is text', line: 1, column: 8 }]],
    ['an unknown directive', '%s3cr3t\n---\nA: 1\n', [{ message: 'unknown or malformed % directive', line: 1, column: 1 }]],
    ['an unsupported YAML version', '%YAML 9.s3cr3t\n---\nA: 1\n', [{ message: 'unknown or malformed % directive', line: 1, column: 7 }]],
    [
      'stray flow and scalar tokens',
      'A: 1\n]s3cr3t\n',
      [
        { message: 'YAML syntax error (UNEXPECTED_TOKEN): unexpected text here', line: 2, column: 1 },
        { message: 'YAML syntax error (UNEXPECTED_TOKEN): unexpected text here', line: 2, column: 2 },
      ],
    ],
  ];
  for (const [name, text, expected] of CASES) {
    test(name, () => {
      const { problems } = parseConfigFile(text);
      assert.deepEqual(problems, expected);
      for (const problem of problems) assert.doesNotMatch(problem.message, /s3cr3t/);
    });
  }

  test('a block scalar header with extra characters', () => {
    const { problems } = parseConfigFile('TOKEN: |s3cr3t\n  x\n');
    assert.ok(problems.length > 0);
    assert.deepEqual(problems[0], { message: 'YAML syntax error (UNEXPECTED_TOKEN): unexpected text here', line: 1, column: 9 });
    for (const problem of problems) assert.doesNotMatch(problem.message, /s3cr3t/);
  });

  test('a duplicate key that is not a plain key name is not named', () => {
    const { problems } = parseConfigFile('"my s3cr3t": 1\n"my s3cr3t": 2\n');
    assert.deepEqual(problems, [{ message: 'duplicate key (first at line 1)', line: 2, column: 1 }]);
  });
});

describe('parseConfigFile tags and aliases', () => {
  test('a value with an unknown tag is a problem, not a silent empty string', () => {
    const file = parseConfigFile('A: 1\nTOKEN: !Passw0rd\n');
    assert.equal(parseFlatFast('A: 1\nTOKEN: !Passw0rd\n'), undefined);
    assert.deepEqual(file.problems, [{ message: 'unknown YAML tag: quote the value if it is text', line: 2, column: 8 }]);
  });

  test('a standard tag that does not fit its value is a problem', () => {
    const file = parseConfigFile('A: !!float 1\nB: !!int abc\nC: !!bool yes\n');
    const message = 'the value does not fit its YAML tag: remove the tag, or quote the value if it is text';
    assert.deepEqual(file.problems, [
      { message, line: 1, column: 4 },
      { message, line: 2, column: 4 },
      { message, line: 3, column: 4 },
    ]);
  });

  test('YAML 1.1 tags that would turn text into a date, bytes or a set are problems', () => {
    const file = parseConfigFile('A: !!timestamp 2024-01-15\nB: !!binary aGVsbG8=\nC: !!set\n  ? x\n');
    const message = 'unknown YAML tag: quote the value if it is text';
    assert.deepEqual(file.problems, [
      { message, line: 1, column: 4 },
      { message, line: 2, column: 4 },
      { message, line: 3, column: 4 },
    ]);
  });

  test('an unknown tag on a nested map is a problem', () => {
    const file = parseConfigFile('A: !thing\n  x: 1\n');
    assert.deepEqual(file.problems, [{ message: 'unknown YAML tag: quote the value if it is text', line: 1, column: 4 }]);
  });

  test('an alias bomb is a problem, not a hang', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10)
          .fill(`*${'abcdefghi'[i - 1]}`)
          .join(', ')}]`,
      );
    const file = parseConfigFile(`${levels.join('\n')}\n`);
    assert.ok(file.problems.length > 0);
    assert.ok(
      file.problems.every((p) => p.message === 'aliases expand to too much data'),
      JSON.stringify(file.problems),
    );
  });

  test('an alias inside the node it refers to is a problem', () => {
    const file = parseConfigFile('A: &x [1, *x]\nB: 2\n');
    assert.deepEqual(file.problems, [{ message: 'an alias refers to the node that contains it', line: 1, column: 11 }]);
    assert.deepEqual(asObject(file), { A: undefined, B: 2 });
  });

  test('an alias used as a key with no anchor is reported once', () => {
    const file = parseConfigFile('*k : 1\nB: 2\n');
    assert.deepEqual(file.problems, [{ message: 'an alias refers to an anchor that is not defined', line: 1, column: 1 }]);
    assert.deepEqual(asObject(file), { B: 2 });
  });

  test('many aliases to one anchor are fine', () => {
    const lines = ['base: &b x'];
    for (let i = 0; i < 500; i++) lines.push(`K${i}: *b`);
    const file = parseConfigFile(`${lines.join('\n')}\n`);
    assert.deepEqual(file.problems, []);
    assert.equal(asObject(file).K499, 'x');
  });
});
