import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dotenv from 'dotenv';

/** Why a word that is no declared key is not named (parseDotenv's own words). */
const UNSHOWN = '(not shown: it is no key the manifest declares, and may be a secret)';
/** The keys a manifest declares, as parseDotenv asks. */
const declares =
  (...keys: string[]) =>
  (word: string) =>
    keys.includes(word);
import { parseDotenv, type DotenvEntry } from '../../../src/core/config/parse-dotenv.js';

/** Last entry wins, assigned into a plain object exactly as dotenv builds its result. */
function reduce(entries: DotenvEntry[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const { key, value } of entries) result[key] = value;
  return result;
}

const valuesOf = (text: string): Record<string, string> => reduce(parseDotenv(text).entries);
const positionsOf = (text: string): string[] => parseDotenv(text).entries.map((e) => `${e.key}@${e.line}:${e.column}`);
const problemLines = (text: string): string[] => parseDotenv(text).problems.map((p) => `${p.line}:${p.column}`);

// [what the input exercises, input]. Each is checked against dotenv.parse itself.
const corpus: Array<[string, string]> = [
  ['a plain KEY=value', 'A=1'],
  ['several assignments', 'A=1\nB=2\nC=3'],
  ['an empty file', ''],
  ['only line breaks', '\n\n\n'],
  ['only comments', '# one\n   # two\n#THREE=3'],
  ['an export prefix', 'export A=1'],
  ['an export prefix followed by a tab and spaces', 'export\t  A=1'],
  ['export on its own', 'export'],
  ['export on its own line before an assignment', 'export\nA=1'],
  ['export used as a key', 'export=1\nexport =2'],
  ['export followed by a word with no =', 'export A\nB=2'],
  ['export glued to the key', 'exportA=1'],
  ['whitespace before export', '  export A=1'],
  ['the KEY: value form', 'A: 1'],
  ['a colon with no space after it', 'A:1\nB=2'],
  ['a colon followed by a tab', 'A:\tx'],
  ['a space before the colon', 'A : 1'],
  ['a colon at the end of the line, value on the next line', 'A:\nvalue'],
  ['a colon at the end of the line, then a blank line', 'A:\n\nvalue'],
  ['spaces around =', 'A  =  1  '],
  ['tabs around =', 'A\t=\t1\t'],
  ['trailing spaces after an unquoted value', 'A=hello world   '],
  ['a value of only spaces', 'A=   '],
  ['empty values', 'A=\nB='],
  ['empty quoted values', 'A=""\nB=\'\'\nC=``'],
  ['a single-quoted value', "A='x y'"],
  ['a double-quoted value', 'A="x y"'],
  ['a backtick-quoted value', 'A=`x y`'],
  ['backticks around other quotes', 'A=`it\'s "quoted"`'],
  ['spaces outside and inside quotes', 'A=  "  x  "  '],
  ['\\n inside single quotes', "A='a\\nb'"],
  ['\\n inside backticks', 'A=`a\\nb`'],
  ['\\n and \\r inside double quotes', 'A="a\\nb\\rc"'],
  ['other backslash escapes inside double quotes', 'A="a\\tb\\\\c"'],
  ['an escaped backslash before n inside double quotes', 'A="a\\\\nb"'],
  ['\\n in an unquoted value', 'A=a\\nb'],
  ['\\n after an unclosed double quote', 'A="a\\nb'],
  ['a Windows path, unquoted and double-quoted', 'P=C:\\new\\dir\nQ="C:\\new\\dir"'],
  ['a trailing backslash', 'A=x\\'],
  ['an inline comment', 'A=1 # comment'],
  ['an inline comment with no space before #', 'A=1#comment'],
  ['a value that is only a comment', 'A=# nothing'],
  ['# inside double quotes', 'A="a # b" # c'],
  ['# inside single quotes', "A='#x'"],
  ['# inside backticks', 'A=`#x`'],
  ['# where a key would start', '#A=1\n A#=2'],
  ['= inside the value', 'A=b=c=d'],
  ['a value starting with =', 'A==b'],
  ['a URL with : ? & and =', 'URL=postgres://u:p@h:5432/db?x=1&y=2'],
  ['a quote in the middle of an unquoted value', "A=it's"],
  ['quotes in the middle of an unquoted value', 'A=a"b"c'],
  ['text after the closing quote', 'A="foo" bar'],
  ['text after the closing quote, then a comment', 'A="foo"bar # c'],
  ['two quoted parts', 'A="foo" "bar"'],
  ['mismatched quotes', 'A="foo\''],
  ['an unclosed double quote', 'A="foo\nB=2'],
  ['an unclosed single quote closed by a later line', "A='foo\nB=2\nC='x'"],
  ['an unclosed backtick', 'A=`foo'],
  ['a lone quote', 'A="'],
  ['a multi-line double-quoted value', 'A="line1\nline2"\nB=2'],
  ['a multi-line single-quoted value', "A='line1\nline2'"],
  ['a multi-line backtick value with a blank line', 'A=`a\n\nb`'],
  ['a multi-line value containing KEY=value and # lines', 'A="x\nB=2\n# not a comment"\nC=3'],
  ['a multi-line value followed by text', 'A="x\ny" z\nB=1'],
  ['a multi-line value followed by a comment', 'A="x\ny" # c'],
  ['CRLF line endings', 'A=1\r\nB=2\r\n'],
  ['old Mac CR line endings', 'A=1\rB=2\r'],
  ['CRLF inside a double-quoted value', 'A="a\r\nb"\r\nB=2'],
  ['CR inside a double-quoted value', 'A="a\rb"'],
  ['CRLF inside a single-quoted value', "A='a\r\nb'\r\n"],
  ['an escaped double quote inside double quotes', 'A="a\\"b"'],
  ['an escaped single quote inside single quotes', "A='a\\'b'"],
  ['an escaped backtick inside backticks', 'A=`a\\`b`'],
  ['an escaped quote, then a comment, no closing quote', 'A="a\\" # x'],
  ['an escaped quote at the end with no closing quote', 'A="a\\"'],
  ['an escaped quote and text after the closing quote', 'A="a\\"b" c'],
  ['an escaped quote closing a value that starts on the line after =', 'A=\n"a\\" # c" x'],
  ['duplicate keys', 'A=1\nA=2\nB=3\nA=4'],
  ['a duplicate key in export and colon form', 'A=1\nexport A: 2'],
  ['keys with dots, dashes and digits', 'a.b-c_D=1\n.=2\n-=3\n9=4'],
  ['lower and mixed case keys', 'lower=1\nMiXeD=2'],
  ['unicode values', 'A=héllo wörld 😀\nB="日本語"'],
  ['a non-ASCII key', 'ключ=1\nA=2'],
  ['a non-ASCII letter inside a key', 'Aé=1'],
  ['indented assignments', '   A=1\n\t\tB=2'],
  ['a byte order mark', '\uFEFFA=1'],
  ['no-break spaces around a value', 'A=\u00a0x\u00a0'],
  ['a line with a single word', 'JUST_A_WORD\nB=1'],
  ['a line of numbers', '1 2 3\nB=1'],
  ['a key alone, then =value on the next line', 'KEY\n=value'],
  ['=value with no key', '=value\nB=1'],
  ['a quoted value on the line after =', 'KEY=\n"hello"'],
  ['an unquoted value on the line after =', 'KEY=\nfoo'],
  ['a quoted value on the line after = followed by text', 'KEY=\n"hello" there'],
  ['a comment line after an assignment', 'A=1\n# B=2\nC=3'],
  ['a JSON value in single quotes', 'J=\'{"a": [1, 2]}\''],
  ['a JSON value with escaped quotes in double quotes', 'J="{\\"a\\":1}"'],
  ['U+2028 in an unquoted value before a quoted part', "A=x\u2028'y'"],
  ['U+2028 after a word, before an assignment', 'JUNK\u2028B=2'],
  ['U+2028 after a quoted value', 'A="x"\u2028junk'],
];

describe('parseDotenv reads what dotenv.parse reads', () => {
  test('the corpus has at least 60 distinct inputs', () => {
    assert.ok(new Set(corpus.map(([, text]) => text)).size >= 60);
  });

  for (const [what, text] of corpus) {
    test(`same values as dotenv.parse for ${what}`, () => {
      assert.deepEqual(valuesOf(text), dotenv.parse(text));
    });
  }

  test('same values as dotenv.parse for 5000 random inputs built from dotenv syntax', () => {
    const pieces = [
      'A',
      'b',
      'export',
      'export ',
      ' ',
      '\t',
      '\n',
      '\r\n',
      '\r',
      '=',
      ':',
      ': ',
      '"',
      "'",
      '`',
      '#',
      ' #',
      '\\',
      '\\n',
      '\\"',
      "\\'",
      'x',
      '1',
      '.',
      '-',
      'é',
      '😀',
      '\u00a0',
      '\u2028',
      'A=',
      'B: ',
      '"v"',
    ];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (let i = 0; i < 5000; i++) {
      let text = '';
      for (let n = random(24); n > 0; n--) text += pieces[random(pieces.length)];
      assert.deepEqual(valuesOf(text), dotenv.parse(text), `input ${JSON.stringify(text)}`);
    }
  });
});

describe('parseDotenv values (documented dotenv behaviour)', () => {
  test('a quoted value may start on the line after =, and that line is consumed', () => {
    assert.deepEqual(valuesOf('KEY=\n"hello"\nB=1'), { KEY: 'hello', B: '1' });
  });

  test('a key alone on a line takes the =value from the next line', () => {
    assert.deepEqual(valuesOf('KEY\n=value'), { KEY: 'value' });
  });

  test('text after a closing quote makes the whole value unquoted', () => {
    assert.deepEqual(valuesOf('A="foo" bar\nB="foo" "bar"'), { A: '"foo" bar', B: 'foo" "bar' });
  });

  test('a backslash keeps a quote from closing the value but stays in it', () => {
    assert.deepEqual(valuesOf('A="a\\"b"\nB="a\\" # x'), { A: 'a\\"b', B: 'a\\' });
  });

  test('a __proto__ key is kept as an entry, though dotenv.parse cannot store it', () => {
    assert.deepEqual(parseDotenv('__proto__=x').entries, [{ key: '__proto__', value: 'x', line: 1, column: 1 }]);
    assert.deepEqual(dotenv.parse('__proto__=x'), {});
  });
});

describe('parseDotenv positions', () => {
  test('keys at the start of lines are at column 1 of their line', () => {
    assert.deepEqual(positionsOf('A=1\nB=2\n\nC=3'), ['A@1:1', 'B@2:1', 'C@4:1']);
  });

  test('indentation moves the column to where the key starts', () => {
    assert.deepEqual(positionsOf('  A=1\n\t\tB=2'), ['A@1:3', 'B@2:3']);
  });

  test('an export prefix is skipped: the column is the key, not export', () => {
    assert.deepEqual(positionsOf('export A=1\n  export\t B=2'), ['A@1:8', 'B@2:11']);
  });

  test('keys after a multi-line value are on their real line', () => {
    assert.deepEqual(positionsOf('A="one\ntwo\nthree"\n  B=2\nC=\'x\n\ny\'\nD=4'), ['A@1:1', 'B@4:3', 'C@5:1', 'D@8:1']);
  });

  test('keys after a value that starts on the line after = are on their real line', () => {
    assert.deepEqual(positionsOf('A=\n"x\ny"\nB=1'), ['A@1:1', 'B@4:1']);
  });

  test('CRLF and lone CR each end one line', () => {
    assert.deepEqual(positionsOf('A=1\r\nB="x\r\ny"\r\n\r\nC=3\rD=4'), ['A@1:1', 'B@2:1', 'C@5:1', 'D@6:1']);
  });

  test('a key whose = is on the next line is placed where the key is', () => {
    assert.deepEqual(positionsOf('# c\n KEY\n=value'), ['KEY@2:2']);
  });

  test('duplicate keys each keep their own position, in file order', () => {
    assert.deepEqual(positionsOf('A=1\nB=2\nA=3'), ['A@1:1', 'B@2:1', 'A@3:1']);
    assert.deepEqual(valuesOf('A=1\nB=2\nA=3'), { A: '3', B: '2' });
  });
});

describe('parseDotenv problems', () => {
  test('a word with no = is reported at its line and column, named when the manifest declares it as a key', () => {
    assert.deepEqual(parseDotenv('A=1\n  JUST_A_WORD\nB=2', declares('JUST_A_WORD')).problems, [
      { message: 'expected "=" after key JUST_A_WORD', line: 2, column: 3 },
    ]);
    assert.deepEqual(parseDotenv('A=1\n  JUST_A_WORD\nB=2').problems, [{ message: `expected "=" after the first word ${UNSHOWN}`, line: 2, column: 3 }]);
  });

  test('=value with no key is reported', () => {
    assert.deepEqual(parseDotenv('=value').problems, [{ message: 'expected a key before "="', line: 1, column: 1 }]);
  });

  test('1 2 3 is reported without echoing what follows the key', () => {
    assert.deepEqual(parseDotenv('1 2 3', declares('1')).problems, [{ message: 'expected "=" after key 1', line: 1, column: 1 }]);
  });

  test('KEY:value without a space is reported', () => {
    assert.deepEqual(parseDotenv('KEY:value', declares('KEY')).problems, [{ message: 'expected a space after "KEY:"', line: 1, column: 1 }]);
  });

  test('a line starting with a character that cannot start a key is reported', () => {
    assert.deepEqual(problemLines('"A"=1\nключ=2\nA=1'), ['1:1', '2:1']);
    assert.match(parseDotenv('"A"=1').problems[0]?.message ?? '', /^not a KEY=value line/);
  });

  test('export with nothing after it is reported', () => {
    assert.deepEqual(parseDotenv('export\n# c').problems, [{ message: 'expected KEY=value after "export"', line: 1, column: 1 }]);
  });

  test('export KEY with no = is reported against KEY, not export', () => {
    assert.deepEqual(parseDotenv('export KEY', declares('KEY')).problems, [{ message: 'expected "=" after key KEY', line: 1, column: 1 }]);
  });

  test('every skipped line is reported, in line order, with CRLF counted once', () => {
    assert.deepEqual(problemLines('A=1\r\nfoo\r\n\r\nB=2\r\n  bar baz\r\n=x'), ['2:1', '5:3', '6:1']);
  });

  test('lines after an unclosed quote are reported, since they are not part of the value', () => {
    assert.deepEqual(valuesOf('A="foo\njunk here'), { A: '"foo' });
    assert.deepEqual(problemLines('A="foo\njunk here'), ['2:1']);
  });

  test('no problems for valid lines, comments and blank lines', () => {
    const text = [
      '# comment',
      '   # indented comment',
      '',
      ' \t\u00a0',
      'A=1',
      'export B=2 # trailing comment',
      'C: 3',
      "D='single'",
      'E=`tick`',
      'F=',
      'export=7',
      '.dotted-key=8',
    ].join('\r\n');
    assert.deepEqual(parseDotenv(text).problems, []);
    assert.deepEqual(
      parseDotenv(text).entries.map((e) => e.key),
      ['A', 'B', 'C', 'D', 'E', 'F', 'export', '.dotted-key'],
    );
  });

  test('lines inside a multi-line quoted value are not reported', () => {
    const text = 'A="first\nJUST_A_WORD\n=value\n1 2 3\n# looks like a comment"\nB=2';
    assert.deepEqual(parseDotenv(text).problems, []);
    assert.deepEqual(valuesOf(text), { A: 'first\nJUST_A_WORD\n=value\n1 2 3\n# looks like a comment', B: '2' });
  });

  test('an empty file has neither entries nor problems', () => {
    assert.deepEqual(parseDotenv(''), { entries: [], problems: [] });
  });
});

describe('parseDotenv problems never show secrets', () => {
  const PEM_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj+MsDvn/aB3c';

  test('a line of a pasted private key is reported by its line number only', () => {
    const problems = parseDotenv(`A=1\nB=2\nC=3\n${PEM_LINE}\nD=4`).problems;
    assert.deepEqual(problems, [{ message: 'line 4 is not a KEY=value assignment', line: 4, column: 1 }]);
  });

  test('a token-like word alone on a line is not named, even when something by that name is declared', () => {
    for (const word of ['MIIEvQIBADANBgkq', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'a3f9c0d1e2b4a5968778695a4b3c2d1e0f9a8b7c']) {
      const problems = parseDotenv(`A=1\n${word}`, declares(word)).problems;
      assert.deepEqual(problems, [{ message: `expected "=" after the first word ${UNSHOWN}`, line: 2, column: 1 }], word);
    }
  });

  test('a line that may be a passphrase is not echoed, not even its first word', () => {
    for (const line of ['hunter2', 'correct horse battery staple', 'letmein:now', 'export s3cret']) {
      for (const problem of parseDotenv(`A=1\n${line}\n`).problems) {
        for (const word of line.split(/[\s:]+/).filter((w) => w !== 'export'))
          assert.ok(!problem.message.includes(word), `${JSON.stringify(problem.message)} echoes ${word}`);
        assert.equal(problem.line, 2);
      }
    }
  });

  test('the value after a declared key is never echoed, not even its first character', () => {
    assert.deepEqual(parseDotenv('DB_PASSWORD hunter2', declares('DB_PASSWORD')).problems, [
      { message: 'expected "=" after key DB_PASSWORD', line: 1, column: 1 },
    ]);
    assert.deepEqual(parseDotenv('export API_KEY  s3cr3t', declares('API_KEY')).problems, [{ message: 'expected "=" after key API_KEY', line: 1, column: 1 }]);
    const colon = parseDotenv('Tok3nXyZ:hunter2', declares('Tok3nXyZ')).problems;
    assert.deepEqual(colon, [{ message: `expected a space after ":" following the first word ${UNSHOWN}`, line: 1, column: 1 }]);
  });

  test('no message contains text of its line beyond a conventional key name, for 3000 random lines', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_.-: \t"\'#`\\';
    for (let i = 0; i < 3000; i++) {
      let line = '';
      for (let n = 5 + random(40); n > 0; n--) line += alphabet[random(alphabet.length)];
      for (const problem of parseDotenv(line, () => true).problems) {
        const named = /^expected (?:"=" after key |a space after ")([\w.-]+)/.exec(problem.message)?.[1];
        if (named !== undefined) {
          assert.match(named, /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, `named ${named}`);
          assert.ok(!(/[a-z]/.test(named) && /[A-Z]/.test(named)), `named a mixed-case word ${named}`);
        }
        const rest = named === undefined ? problem.message : problem.message.replace(named, '');
        for (let at = 0; at + 5 <= line.length; at++) {
          const piece = line.slice(at, at + 5);
          assert.ok(!rest.includes(piece), `message ${JSON.stringify(problem.message)} echoes ${JSON.stringify(piece)} of ${JSON.stringify(line)}`);
        }
      }
    }
  });
});
