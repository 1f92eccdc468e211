import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readYaml } from '../../../src/core/yaml/read-yaml.js';

const FILE = 'tranche.yaml';

/** The findings of a document as `file:line:column: message` lines. */
function findingsOf(text: string): string[] {
  const read = readYaml(text, FILE);
  return read.findings.map((f) => `${f.location?.file}:${f.location?.line}:${f.location?.column}: ${f.message}`);
}

function assertInvalidOnly(text: string): void {
  const read = readYaml(text, FILE);
  assert.equal(read.yaml, undefined, 'no data for a document with problems');
  assert.ok(read.findings.length > 0);
  for (const finding of read.findings) {
    assert.equal(finding.rule, 'manifest/invalid');
    assert.equal(finding.severity, 'error');
    assert.doesNotMatch(finding.message, /s3cr3t|\n\s+at /);
  }
}

describe('readYaml: data that cannot be built is a located finding', () => {
  test('an alias to an anchor that is not defined', () => {
    assert.deepEqual(findingsOf('version: 1\nname: *x\n'), [`${FILE}:2:7: an alias refers to an anchor that is not defined`]);
  });

  test('an unquoted {env} in a one-line [ ] list says how to write it; quoted, it is a path', () => {
    const [first] = findingsOf('sources:\n  - helm-values: [values.yaml, values-{env}.yaml]\n');
    assert.match(
      first!,
      /^tranche\.yaml:2:\d+: .*: inside \[ \] on one line, \{env\} starts a map — quote the path \('config\/\{env\}\.yaml'\) or write the list one item per line$/,
    );
    assert.deepEqual(findingsOf("sources:\n  - helm-values: [values.yaml, 'values-{env}.yaml']\n"), []);
    assert.doesNotMatch(findingsOf('a: [b\n')[0]!, /\{env\}/, 'other unclosed lists keep the plain message');
  });

  test('a document that is only an alias', () => {
    assert.deepEqual(findingsOf('*a\n'), [`${FILE}:1:1: an alias refers to an anchor that is not defined`]);
  });

  test('an alias defined only after its use', () => {
    assert.deepEqual(findingsOf('a: *s3cr3t\nb: &s3cr3t 1\n'), [`${FILE}:1:4: an alias refers to an anchor that is not defined`]);
  });

  test('an alias bomb', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10)
          .fill(`*${'abcdefghi'[i - 1]}`)
          .join(', ')}]`,
      );
    const text = `${levels.join('\n')}\n`;
    assertInvalidOnly(text);
    assert.deepEqual(findingsOf(text), [`${FILE}:2:8: aliases expand to too much data`]);
  });

  test('an alias inside the node it refers to', () => {
    assert.deepEqual(findingsOf('a: &x\n  b: [1, *x]\n'), [`${FILE}:2:10: an alias refers to the node that contains it`]);
  });

  test('many aliases to one anchor are fine', () => {
    const lines = ['base: &b { x: 1 }', 'services:'];
    for (let i = 0; i < 500; i++) lines.push(`  s${i}: *b`);
    const read = readYaml(`${lines.join('\n')}\n`, FILE);
    assert.deepEqual(read.findings, []);
    assert.deepEqual((read.yaml!.data as { services: Record<string, unknown> }).services.s499, { x: 1 });
  });
});

describe('readYaml: tags', () => {
  test('an unknown tag is a finding, not a silent empty string', () => {
    assert.deepEqual(findingsOf('version: 1\nname: !Passw0rd\n'), [`${FILE}:2:7: unknown YAML tag: quote the value if it is text`]);
  });

  test('a standard tag that does not fit its value is a finding', () => {
    assert.deepEqual(findingsOf('version: !!float 1\n'), [
      `${FILE}:1:10: the value does not fit its YAML tag: remove the tag, or quote the value if it is text`,
    ]);
  });

  test('a YAML 1.1 timestamp tag is a finding, not a silent Date', () => {
    assert.deepEqual(findingsOf('version: 1\nname: !!timestamp 2024-01-15\n'), [`${FILE}:2:7: unknown YAML tag: quote the value if it is text`]);
  });

  test('a tag that fits its value is accepted', () => {
    const read = readYaml('version: !!int "1"\nname: !!str 1.10\n', FILE);
    assert.deepEqual(read.findings, []);
    assert.deepEqual(read.yaml?.data, { version: 1, name: '1.10' });
  });
});

describe('readYaml: messages never show input text', () => {
  const CASES: Array<[name: string, text: string, expected: string[]]> = [
    ['a local tag', 'name: !s3cr3t\n', [`${FILE}:1:7: unknown YAML tag: quote the value if it is text`]],
    ['a tag with an undeclared handle', 'name: !s3cr3t!x 1\n', [`${FILE}:1:7: unknown YAML tag: quote the value if it is text`]],
    ['an unknown directive', '%s3cr3t\n---\nname: x\n', [`${FILE}:1:1: unknown or malformed % directive`]],
    ['a duplicate quoted key', '"my s3cr3t": 1\n"my s3cr3t": 2\n', [`${FILE}:2:1: duplicate key: it is already set above in the same map`]],
    [
      'stray tokens',
      'name: x\n]s3cr3t\n',
      [`${FILE}:2:1: YAML syntax error (UNEXPECTED_TOKEN): unexpected text here`, `${FILE}:2:2: YAML syntax error (UNEXPECTED_TOKEN): unexpected text here`],
    ],
  ];
  for (const [name, text, expected] of CASES) {
    test(name, () => {
      assertInvalidOnly(text);
      assert.deepEqual(findingsOf(text), expected);
    });
  }

  test('a block scalar header with extra characters', () => {
    assertInvalidOnly('name: |s3cr3t\n  x\n');
  });

  test('a duplicate plain key is named', () => {
    assert.deepEqual(findingsOf('services:\n  orders:\n    path: a\n    path: b\n'), [
      `${FILE}:4:5: duplicate key path: it is already set above in the same map`,
    ]);
  });

  test('an unclosed flow map', () => {
    assert.deepEqual(findingsOf('version: 1\nenvironments:\n  dev: { driver: local\nservices:\n  a: 1\n'), [
      `${FILE}:4:1: YAML syntax error (BAD_INDENT): wrong indentation, or an unclosed [ or {`,
    ]);
  });
});

describe('readYaml: both readers', () => {
  test('a plain document goes through the fast reader with positions', () => {
    const read = readYaml('version: 1\nname: shop\n', FILE);
    assert.deepEqual(read.findings, []);
    assert.deepEqual(read.yaml?.data, { version: 1, name: 'shop' });
    assert.deepEqual(read.yaml?.locate(['name']), { file: FILE, line: 2, column: 7 });
    assert.equal(read.yaml?.plainText(['version']), '1');
  });

  test('a document with an anchor goes through yaml with positions', () => {
    const read = readYaml('version: &v 1.10\nname: shop\nother: *v\n', FILE);
    assert.deepEqual(read.findings, []);
    assert.deepEqual(read.yaml?.data, { version: 1.1, name: 'shop', other: 1.1 });
    assert.deepEqual(read.yaml?.locate(['name']), { file: FILE, line: 2, column: 7 });
    assert.equal(read.yaml?.plainText(['version']), '1.10');
  });
});
