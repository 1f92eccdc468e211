import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { pathKey, readBlockYaml, readBlockYamlValue, type YamlPosition } from '../../../src/core/yaml/read-block-yaml.js';

setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** V8's own answer: whether the object keeps its index keys in a dictionary. */
const dictionaryElements = new Function('o', 'return %HasDictionaryElements(o)') as (o: object) => boolean;

/**
 * The block readers index the lines of the one text rather than splitting it: a line ends at its
 * `\n`, at the `\r` of a CRLF, or at the text's end. These properties write the same documents
 * with LF or CRLF, with or without a final newline, with comments and blank lines between, in
 * every block form (indentless and compact sequences, compact maps), and hold both readers to
 * `yaml` on each one they accept: value, key order and every node's position.
 */

type Tree = { map: Array<[string, Tree]> } | { seq: Tree[] } | { scalar: string };

/** Keys both readers take, then keys only the value-only reader takes (plain keys of block context), then declined keys. */
const KEYS = ['a', 'name', 'x-go-name', '2xx', '0x', '"200"', "'404'", "'k #'", '"a b"', 'k.1', '_1'];
const SPEC_KEYS = ['$ref', '/p/{id}', '@x', 'a=b', 'a~', 'q?'];
const DECLINED_KEYS = ['200', '1e3', 'null', 'k#', '"a\\"'];
const SCALARS = [
  'v',
  'a b',
  'x#y',
  'x # comment',
  '200',
  '1e3',
  '0x1F',
  '1.10',
  '.inf',
  'true',
  'null',
  '~',
  "'q # x'",
  "'it''s'",
  '"d"',
  '[a, 1, "b"]',
  '{ k: v, 200: x }',
  '- x',
  '#no',
  // declined
  '"a\\"',
  '"open',
  '[a, [b]',
  'a: b',
  'end:',
];

/** Mostly keys and scalars the readers take, some that make them decline. */
const keyArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 3, arbitrary: fc.constantFrom(...SPEC_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...DECLINED_KEYS) },
);
const scalarArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...SCALARS.slice(0, 19)) },
  { weight: 1, arbitrary: fc.constantFrom(...SCALARS.slice(19)) },
);

function entriesArb(value: fc.Arbitrary<Tree>): fc.Arbitrary<Array<[string, Tree]>> {
  return fc.uniqueArray(fc.tuple(keyArb, value), { minLength: 1, maxLength: 3, selector: ([key]) => key });
}

const treeArb = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 3, withCrossShrink: true },
    fc.record({ scalar: scalarArb }),
    fc.record({ map: entriesArb(tie('tree')) }),
    fc.record({ seq: fc.array(tie('tree'), { minLength: 1, maxLength: 2 }) }),
  ),
})).tree;

/** How a document is written: each choice is drawn in turn from `choices`, cycling. */
interface Style {
  choices: number[];
  crlf: boolean;
  finalNewline: boolean;
}

function render(root: Tree, style: Style): string {
  let n = 0;
  const pick = (count: number): number => style.choices[n++ % style.choices.length]! % count;
  const lines: string[] = [];
  const filler = (): void => {
    const c = pick(8);
    if (c === 0) lines.push(`${' '.repeat(pick(6))}# note: a`);
    else if (c === 1) lines.push(' '.repeat(pick(3)));
  };
  const comment = (): string => (pick(6) === 0 ? ' # c' : '');
  /** Writes `node` as the value after `head` (`key:` or `-`) at `indent`; `compact` puts a block on the head's line. */
  const value = (head: string, node: Tree, indent: number): void => {
    const pad = ' '.repeat(indent);
    if ('scalar' in node) {
      lines.push(`${pad}${head} ${node.scalar}${comment()}`);
      return;
    }
    const isItem = head === '-';
    if (isItem && pick(2) === 0) {
      block(node, indent + 2, `${pad}- `); // compact: `- k: v`, `- - x`
      return;
    }
    lines.push(`${pad}${head}${comment()}`);
    filler();
    const indentless = !isItem && 'seq' in node && pick(2) === 0;
    block(node, indentless ? indent : indent + 1 + pick(3), undefined);
  };
  /** Writes a map or sequence at `indent`; `first` replaces the first line's indentation. */
  const block = (node: Tree, indent: number, first: string | undefined): void => {
    const entries: Array<[string, Tree]> = 'map' in node ? node.map : 'seq' in node ? node.seq.map((item) => ['-', item]) : [];
    entries.forEach(([head, item], i) => {
      const at = lines.length;
      value('map' in node ? `${head}:` : '-', item, indent);
      if (i === 0 && first !== undefined) lines[at] = first + lines[at]!.slice(indent);
      filler();
    });
  };
  if ('scalar' in root) lines.push(root.scalar);
  else block(root, 0, undefined);
  const eol = style.crlf ? '\r\n' : '\n';
  return lines.join(eol) + (style.finalNewline ? eol : '');
}

const styleArb = fc.record({ choices: fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 40 }), crlf: fc.boolean(), finalNewline: fc.boolean() });
const docArb = fc.tuple(fc.record({ map: entriesArb(treeArb) }), styleArb);

/** Where `yaml` places every node, by readBlockYaml's path key: its key's start (map entries) and its value's start. */
function yamlPositions(text: string): { value: unknown; errors: number; nodes: Map<string, { key?: YamlPosition; value?: YamlPosition }> } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const at = (offset: number): YamlPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const nodes = new Map<string, { key?: YamlPosition; value?: YamlPosition }>();
  const visit = (node: unknown, path: (string | number)[], key: YamlPosition | undefined): void => {
    const empty = isScalar(node) && node.source === '' && node.type === 'PLAIN';
    const range = (node as { range?: [number, number] } | null)?.range;
    nodes.set(pathKey(path), { key, value: empty || !range ? undefined : at(range[0]) });
    if (isMap(node))
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        visit(pair.value, [...path, String(pair.key.value)], at(pair.key.range![0]));
      }
    else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...path, i], undefined));
  };
  visit(doc.contents, [], undefined);
  return { value: doc.toJS(), errors: doc.errors.length, nodes };
}

/** Every object in `value` that holds a key starting with a digit. */
function mapsWithIndexKeys(value: unknown, out: object[] = []): object[] {
  if (value === null || typeof value !== 'object') return out;
  if (!Array.isArray(value) && Object.keys(value).some((k) => /^[0-9]/.test(k))) out.push(value);
  for (const item of Object.values(value)) mapsWithIndexKeys(item, out);
  return out;
}

describe('the block readers on lines indexed in the text', () => {
  test('accept only what yaml reads the same, with every node where yaml places it, whatever the line endings', () => {
    let accepted = 0;
    let crlfAccepted = 0;
    let valuesAccepted = 0;
    fc.assert(
      fc.property(docArb, ([tree, style]) => {
        const text = render(tree, style);
        const shown = JSON.stringify(text);
        const value = readBlockYamlValue(text);
        const read = readBlockYaml(text);
        if (value === undefined && read === undefined) return;
        const reference = yamlPositions(text);
        assert.equal(reference.errors, 0, `accepted a document yaml rejects: ${shown}`);
        if (value !== undefined) {
          valuesAccepted++;
          assert.deepEqual(value, reference.value, `values differ on ${shown}`);
          assert.equal(JSON.stringify(value), JSON.stringify(reference.value), `key order differs on ${shown}`);
        }
        if (read === undefined) return;
        // The value-only reader takes more keys (any plain key of block context), never fewer.
        assert.notEqual(value, undefined, `only the reader with positions accepts ${shown}`);
        accepted++;
        if (style.crlf) crlfAccepted++;
        assert.deepEqual(read.value, reference.value, `values differ on ${shown}`);
        assert.equal(JSON.stringify(read.value), JSON.stringify(reference.value), `key order differs on ${shown}`);
        const nodes = read.nodes.toMap();
        assert.deepEqual([...nodes.keys()].sort(), [...reference.nodes.keys()].sort(), `node paths differ on ${shown}`);
        for (const [path, info] of nodes) {
          const expected = reference.nodes.get(path)!;
          assert.deepEqual(info.key, expected.key, `key of ${JSON.stringify(path)} on ${shown}`);
          if (expected.value) assert.deepEqual(info.value, expected.value, `value of ${JSON.stringify(path)} on ${shown}`);
          else assert.deepEqual(info.value, info.key, `an empty value is placed at its key: ${JSON.stringify(path)} on ${shown}`);
        }
      }),
      { numRuns: 1500 },
    );
    assert.ok(accepted > 300 && crlfAccepted > 100, `accepted ${accepted} (${crlfAccepted} with CRLF) of 1500`);
    assert.ok(valuesAccepted > accepted + 50, `the value-only reader accepted ${valuesAccepted}`);
  });

  test('read a document the same with LF or CRLF, with or without a final newline', () => {
    let accepted = 0;
    fc.assert(
      fc.property(docArb, ([tree, style]) => {
        const variants = [false, true].flatMap((crlf) => [false, true].map((finalNewline) => render(tree, { ...style, crlf, finalNewline })));
        const reads = variants.map((text) => readBlockYaml(text));
        const values = variants.map((text) => readBlockYamlValue(text));
        if (values[0] !== undefined) accepted++;
        for (let i = 1; i < variants.length; i++) {
          assert.deepEqual(reads[i]?.value, reads[0]?.value, JSON.stringify(variants[i]));
          assert.deepEqual(reads[i]?.nodes.toMap(), reads[0]?.nodes.toMap(), JSON.stringify(variants[i]));
          assert.deepEqual(values[i], values[0], JSON.stringify(variants[i]));
        }
      }),
      { numRuns: 500 },
    );
    assert.ok(accepted > 100, `accepted ${accepted} of 500`);
  });

  test('keep the index keys of every map in a dictionary, block or flow, first key or not', () => {
    let checked = 0;
    fc.assert(
      fc.property(docArb, ([tree, style]) => {
        const value = readBlockYamlValue(render(tree, style));
        for (const map of mapsWithIndexKeys(value)) {
          checked++;
          assert.equal(dictionaryElements(map), true, JSON.stringify(map));
        }
      }),
      { numRuns: 500 },
    );
    assert.ok(checked > 100, `maps with index keys checked: ${checked}`);
  });

  test('stop a line at its end, not at a later line', () => {
    const cases: Array<[text: string, value: unknown]> = [
      // a quote closed only on a later line, a comment only on a later line
      ["a: 'x\nb: y'\n", undefined],
      ['a: "x\nb: y"\n', undefined],
      // a quoted key closed on a later line (yaml folds it: `a b`)
      ['"a\nb": 1\n', undefined],
      ["x:\n  'a\n  b': 1\n", undefined],
      ['a: x\nb: y # c\n', { a: 'x', b: 'y' }],
      ['a: x\r\nb: [1, 2]\r\n', { a: 'x', b: [1, 2] }],
      // a flow sequence closed only on a later line
      ['a: [x,\n  y]\n', undefined],
      // a key whose colon is on the next line
      ['a\n: b\n', undefined],
      // a dash at the end of a CRLF line is an item indicator
      ['a:\r\n  -\r\n    b: 1\r\n', { a: [{ b: 1 }] }],
      ['a: 1\nb: 2', { a: 1, b: 2 }],
      ['a:', { a: null }],
      ['- x\r\n- y', ['x', 'y']],
    ];
    for (const [text, expected] of cases) {
      assert.deepEqual(readBlockYamlValue(text), expected, JSON.stringify(text));
      assert.deepEqual(readBlockYaml(text)?.value, expected, JSON.stringify(text));
      if (expected !== undefined) assert.deepEqual(parseDocument(text).toJS(), expected, JSON.stringify(text));
    }
  });

  test('keep no text alive once read, not even a declined one', () => {
    // Keys of 13 characters or more are slices of the text until set as properties; the last
    // entries of a declined document never are. 30 texts of 1 MB, each with its own keys.
    const text = (n: number): string => {
      const keys = Array.from({ length: 30 }, (_, depth) => `${' '.repeat(depth)}k${'q'.repeat(n)}-a-long-key-${depth}:\n`).join('');
      return `${keys}${' '.repeat(30)}x: ${'y'.repeat(1_000_000)}\n${' '.repeat(30)}z: |\n  a block scalar: declined\n`;
    };
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let n = 0; n < 30; n++) {
      assert.equal(readBlockYamlValue(text(n)), undefined);
      assert.equal(readBlockYaml(text(n)), undefined);
    }
    collectGarbage();
    const held = process.memoryUsage().heapUsed - before;
    assert.ok(held < 10_000_000, `${(held / 1e6).toFixed(1)} MB held after reading 30 MB of declined texts`);
  });
});
