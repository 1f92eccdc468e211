import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { yamlLocator } from '../../../src/core/manifest/yaml-locator.js';
import { parseOptions } from '../../../src/core/yaml/parse-options.js';
import { readBlockYamlStream } from '../../../src/core/yaml/read-yaml.js';
import { pathKey, readBlockYaml, type BlockYaml, type NodeInfo, type YamlPosition } from '../../../src/core/yaml/read-block-yaml.js';

/**
 * What `yaml` itself says about a document: its errors, `toJS()`, and every node's NodeInfo under
 * readBlockYaml's rules (positions from node ranges; an empty value is placed at its key; `plain`
 * is the source text of a PLAIN scalar).
 */
function yamlReference(text: string): { errors: string[]; value: unknown; nodes: Map<string, NodeInfo> } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const at = (offset: number): YamlPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const nodes = new Map<string, NodeInfo>();
  const visit = (node: unknown, path: (string | number)[], key: YamlPosition | undefined): void => {
    const info: NodeInfo = { value: key ?? { line: 0, column: 0 } };
    if (key !== undefined) info.key = key;
    if (isScalar(node) && node.type === 'PLAIN' && node.source === '') {
      info.plain = ''; // an empty value: at its key
    } else if (isScalar(node) || isMap(node) || isSeq(node)) {
      const [start, end] = node.range!;
      info.value = at(start);
      if (isScalar(node) && node.type === 'PLAIN') info.plain = text.slice(start, end);
    }
    nodes.set(pathKey(path), info);
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key;
        assert.ok(isScalar(keyNode), 'reference documents have scalar keys');
        visit(pair.value, [...path, String(keyNode.value)], at(keyNode.range![0]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index], undefined));
    }
  };
  visit(doc.contents, [], undefined);
  return { errors: doc.errors.map((e) => e.message), value: doc.toJS(), nodes };
}

/** An accepted document must be valid YAML with the same value (keys in the same order) and node positions. */
function assertParity(text: string, read: BlockYaml): void {
  const reference = yamlReference(text);
  const shown = JSON.stringify(text);
  assert.deepEqual(reference.errors, [], `accepted a document yaml rejects: ${shown}`);
  assert.deepEqual(read.value, reference.value, `values differ on ${shown}`);
  assert.equal(JSON.stringify(read.value), JSON.stringify(reference.value), `key order differs on ${shown}`);
  assert.deepEqual(read.nodes.toMap(), reference.nodes, `node positions differ on ${shown}`);
}

// ---------------------------------------------------------------------------------------------
// Realistic manifests
// ---------------------------------------------------------------------------------------------

const SHOP_MANIFEST = `# yaml-language-server: $schema=./node_modules/tranche/schema/tranche.schema.json
version: 1
name: shop

environments:
  dev: { driver: local }
  staging: { driver: exec, vars: { REGION: eu-west-1 } }
  prod: { driver: kubernetes, namespace: shop-prod }

policy:
  batch_size: 3
  bake: 30s
  on_failure: rollback-batch
  separate_config: true
  rules:
    config/stale-value: warning
    check/lying-health: error

resources:
  orders-db:
    kind: postgres
    values:
      dev: { host: localhost, port: 5432, database: orders }
      staging: { host: orders-db.staging.internal, port: 5432, database: orders }
      prod: { host: orders-db.prod.internal, port: 6432, database: orders }   # pgbouncer
  cache:
    kind: redis
    values:
      dev: { host: localhost, port: 6379 }
      prod: { host: cache.prod.internal, port: 6379 }

services:
  orders:
    path: services/orders
    uses: [orders-db, cache]
    depends_on: [payments, ledger]
    config:
      schema:
        DB_HOST: { type: host, required: true, bind: orders-db.host }
        DB_PORT: { type: port, required: true, bind: orders-db.port }
        TIMEOUT: { type: duration, default: "5s" }
        RATIO: { type: number, default: "0.25" }
        VERSION: { type: string, default: '1.10' }
        FEATURE_FLAGS: { type: string }
      sources:
        - file: config/defaults.yaml
        - file: config/{env}.yaml
        - dotenv: deploy/{env}.env
          optional: true
      env:
        prod: { TIMEOUT: 10s, RATIO: 0.5 }
    checks:
      health:
        http:
          method: GET
          path: /healthz
          headers: { Accept: application/json }
        timeout: 2s
      sanity:
        - name: list orders
          http:
            path: /orders?limit=1
            expect: { status: 200 }
        - name: db reachable
          postgres: { resource: orders-db }
  payments:
    path: services/payments
    depends_on: []
    config:
      schema:
        API_URL: { type: url, default: "https://pay.example.com/v2" }
  ledger:
    path: services/ledger
`;

/** Four-space indentation, indentless sequences, compact items with extra spaces, comments everywhere. */
const PLATFORM_MANIFEST = `version: 1
name: "platform"   # quoted
environments:
    dev:
        driver: local
    prod:
        driver: exec
        commands:
            deploy: ./deploy.sh {service}
            status: './status.sh {service}'
services:
    api-gateway:
        path: services/api-gateway
        watch:
        - libs/http
        - libs/auth-client
        depends_on:
        - auth
        - catalog
        contracts:
            provides:
                http: contracts/gateway.openapi.yaml
            consumes:
                auth: { http: true, operations: [GET /sessions, POST /sessions] }
                catalog:
                    http: true
                    operations:
                    - GET /products
                    - 'GET /products/{id}'
        checks:
            sanity:
            -   name: gateway up
                http: { path: /health, expect: { status: 200 } }
            -   name: "tcp: admin port"
                tcp: { port: 9090 }
    auth:
        path: services/auth
        # no config yet
    catalog:
        path: services/catalog
        config:
            schema:
                PAGE_SIZE: { type: int, default: "50" }
                CACHE_TTL: { type: duration }
`;

/** The shape of the benchmark fleet's manifest (bench/generate-fleet.ts), for a few services. */
function benchLikeManifest(services: number): string {
  const lines = ['version: 1', 'name: bench', 'environments:', '  dev: { driver: local }', '  prod: { driver: local }', 'resources:'];
  for (let r = 0; r < 2; r++) {
    lines.push(`  db-${r}:`, '    kind: postgres', '    values:');
    for (const env of ['dev', 'prod']) lines.push(`      ${env}: { host: db-${r}.${env}.internal, port: 5432, database: d${r} }`);
  }
  lines.push('services:');
  for (let s = 0; s < services; s++) {
    lines.push(`  svc-${s}:`, `    path: services/svc-${s}`, `    uses: [db-${s % 2}]`);
    if (s > 0) lines.push('    depends_on: [svc-0]');
    lines.push('    config:', '      schema:', `        DB_HOST: { type: host, required: true, bind: db-${s % 2}.host }`);
    lines.push(`        KEY_7: { type: number, default: "7.5" }`, `        KEY_9: { type: int }`);
    lines.push('      sources:', '        - file: config/defaults.yaml', '        - dotenv: deploy/{env}.env', '          optional: true');
    if (s % 2 === 0) lines.push('      env:', `        prod: { KEY_9: prod-${s} }`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Corpus: [name, document, whether the fast reader accepts it]
// ---------------------------------------------------------------------------------------------

// prettier-ignore
const CORPUS: Array<[name: string, text: string, accepts: boolean]> = [
  // --- realistic manifests ---
  ['shop manifest', SHOP_MANIFEST, true],
  ['platform manifest with 4-space indentation and indentless sequences', PLATFORM_MANIFEST, true],
  ['benchmark-shaped manifest', benchLikeManifest(4), true],
  ['shop manifest with CRLF line endings', SHOP_MANIFEST.replaceAll('\n', '\r\n'), true],
  // --- scalars of the YAML 1.2 core schema ---
  ['null forms', 'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nULL\n', true],
  ['booleans', 'a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\ng: tRUE\n', true],
  ['YAML 1.1 booleans are strings', 'a: yes\nb: no\nc: on\nd: off\ne: Y\nf: n\n', true],
  ['decimal, octal and hex ints', 'a: 0\nb: -17\nc: +12\nd: 007\ne: 0o17\nf: 0o8\ng: 0x1F\nh: 0X1F\ni: -0x1F\nj: -0\n', true],
  ['floats', 'a: 1.5\nb: .5\nc: 5.\nd: -.5\ne: 1.10\nf: 1e3\ng: -1.5E-3\nh: 1.e3\ni: 1e\nj: .5.5\n', true],
  ['infinity and NaN', 'a: .inf\nb: -.Inf\nc: +.INF\nd: .nan\ne: .NaN\nf: -.nan\ng: inf\nh: .iNf\n', true],
  ['big ints', 'a: 12345678901234567890\nb: 0x1FFFFFFFFFFFFFFFF\n', true],
  ['version-like and date-like strings', 'a: 1.2.3\nb: v1.10\nc: 1_000\nd: 2024-01-15\ne: 12:30:45\nf: 0b101\n', true],
  [
    'plain strings with colons, hashes, brackets and quotes inside',
    'a: http://x.example.com:8080/p?q=1#frag\nb: issue#42\nc: a[0]{1}\nd: it\'s\ne: say "hi"\nf: a,b\n',
    true,
  ],
  ['plain strings starting with a dash, dot or tilde', 'a: -x\nb: --flag\nc: ---\nd: ...\ne: ~x\nf: .hidden\n', true],
  ['unicode values', 'a: héllo\nb: 日本語\nc: 🚀 launch\nd: a\u00A0b\n', true],
  ['astral characters before other nodes on a line (columns count UTF-16 units)', 'a: [🚀, x]\nb: { e: 🚀🚀, f: x }\n', true],
  ['internal and trailing spaces in plain values', 'a:    spaced\nb: a  b   c\nc: value   \nd:   \n', true],
  ['trailing comments', 'a: value # c\nb: 42 #c #d\nc: null # c\nd: # only a comment\ne: a#b # real comment\n', true],
  // --- quoted scalars ---
  ['single-quoted values', "a: 'a'\nb: ''\nc: 'it''s'\nd: 'a # b'\ne: '  x  '\nf: 'a: b'\ng: '\\n'\n", true],
  ['double-quoted values without escapes', 'a: "a"\nb: ""\nc: "123"\nd: "a # b"\ne: "it\'s"\nf: "- x"\n', true],
  ['quoted values followed by spaces and comments', 'a: \'a\'   # c\nb: "b" # c\nc: "c"   \n', true],
  ['quoted non-strings stay strings', 'a: \'true\'\nb: "1.10"\nc: \'null\'\nd: "0o17"\n', true],
  // --- keys ---
  ['keys with dots, dashes, slashes and underscores', 'db.host: x\nfeature-flag: y\nconfig/stale-value: z\n_private: 1\na..b: 2\nK-: 3\n9lives: 4\n', true],
  ['quoted keys', "\"quoted key\": 1\n'single key': 2\n\"a: b\": 3\n'it''s': 4\n\"1\": 5\n'true': 6\n", true],
  ['prototype-sensitive keys', '__proto__: polluted\nconstructor: x\ntoString: y\nhasOwnProperty: z\nnested: { __proto__: 1, valueOf: 2 }\n', true],
  ['unicode quoted keys', '"Ünïcödé": x\n\'キー\': y\n', true],
  // --- block structure ---
  ['nested maps with mixed indentation widths', 'a:\n  b:\n      c:\n       d: 1\n      e: 2\n  f: 3\ng: 4\n', true],
  ['indented sequence', 'hosts:\n  - a\n  - 2\n  - true\nn: 1\n', true],
  ['indentless sequence', 'hosts:\n- a\n- b\nnext: 1\n', true],
  ['sequence of maps', 'items:\n  - name: a\n    port: 1\n  - name: b\n    port: 2\n', true],
  ['compact map with extra spaces after the dash', 'items:\n-   name: a\n    port: 1\n-  b: 2\n', true],
  ['item on the line after its dash', 'items:\n  -\n    name: a\n  - # comment\n    - x\n', true],
  ['compact nested sequences', '- - a\n  - b\n- - - c\n- d\n', true],
  ['indentless sequence as the last key of a compact map', 'list:\n- a:\n  - x\n  - y\n  b: 1\n- c\n', true],
  ['empty value inside a compact map', '- a:\n  b: 1\n- c:\n', true],
  ['root sequence', '- a\n- { b: 1 }\n- [c]\n', true],
  [
    'nesting just within the depth limit',
    `a: ${'['.repeat(199)}${']'.repeat(199)}\n${Array.from({ length: 199 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} x\n`,
    true,
  ],
  ['deep nesting', 'a:\n  b:\n    c:\n      d:\n        e:\n          f:\n            - g:\n                h: [1, { i: j }]\n', true],
  ['empty values followed by keys and at the end of a nested map', 'a:\nb:\n  c:\n  d: 1\n  e:\nf:\n', true],
  // --- flow collections ---
  ['flow sequences', 'a: [1, 2, 3]\nb: []\nc: [ ]\nd: [a,b]\ne: [ spaced , items ]\nf: [[1, 2], [], [[3]]]\n', true],
  ['flow maps', 'a: { x: 1, y: [2, 3] }\nb: {}\nc: { }\nd: {x: 1}\ne: { "q k": 1, \'s\': 2 }\n', true],
  ['flow scalars of every kind', 'a: [~, null, true, 0o17, 0x1F, 1.10, .inf, -.nan, 1e3, \'q\', "d", -x, a b]\n', true],
  ['flow plain scalars with colons and hashes inside', 'a: [http://x:80/p, a:b, a#b]\nb: { url: http://x:80/p }\n', true],
  ['flow collections followed by comments', 'a: [1, 2] # c\nb: { c: d }   # e\n', true],
  // --- comments, blank lines, line endings ---
  ['comments at any indentation, dedented inside a block', 'a:\n  b: 1\n# dedented\n  c: 2\n      # deeper\n  d: 3\n', true],
  ['comment between a key and its block', 'a: # about a\n  # more\n  b: 1\n', true],
  ['comment between a key and its indentless sequence', 'a:\n# c\n- x\n', true],
  ['blank and whitespace-only lines', '\n\na: 1\n   \n\nb:\n\n  c: 2\n\n', true],
  ['no trailing newline', 'a: 1\nb: two', true],
  ['CRLF line endings', 'a: 1\r\nb:\r\n  - x\r\n  - { y: z }\r\n# c\r\n', true],
  ['comment without a space after the hash', '#comment\na: 1\n  #indented\n', true],
  // --- declined: outside the subset (yaml parses the document instead) ---
  ['tab indentation', 'a:\n\tb: 1\n', false],
  ['tab inside a value', 'a: x\ty\n', false],
  ['anchor and alias', 'a: &x 1\nb: *x\n', false],
  ['tag', 'a: !!str 1\n', false],
  ['local tag', 'a: !Passw0rd\n', false],
  ['non-specific tag', 'a: ! x\n', false],
  ['verbatim tag', 'a: !<tag:example.com,2024:x> 1\n', false],
  ['tag on a sequence item', 'a:\n  - !t x\n', false],
  ['tag on a compact map in a sequence', '- !t b: 1\n', false],
  ['tag inside a flow sequence', 'a: [x, !t y]\n', false],
  ['tag inside a flow map', 'a: { b: !t y }\n', false],
  ['tag on a key', '!t a: 1\n', false],
  ['tag on a nested block', 'a: !t\n  b: 1\n', false],
  ['literal block scalar', 'a: |\n  text\n', false],
  ['folded block scalar', 'a: >-\n  text\n', false],
  ['multi-line flow sequence', 'a: [1,\n  2]\n', false],
  ['multi-line flow map', 'a: {\n  b: 1 }\n', false],
  ['multi-line plain scalar', 'a: first\n  continued\n', false],
  ['multi-line quoted scalar', 'a: "first\n  second"\n', false],
  ['document start marker', '---\na: 1\n', false],
  ['document end marker', 'a: 1\n...\n', false],
  ['directive', '%YAML 1.2\n---\na: 1\n', false],
  ['explicit key', '? a\n: 1\n', false],
  ['duplicate key', 'a: 1\nb: 2\na: 3\n', false],
  ['duplicate nested key', 'a:\n  b: 1\n  b:\n', false],
  ['duplicate key in a flow map', 'a: { b: 1, b: 2 }\n', false],
  ['plain value containing ": "', 'a: b: c\n', false],
  ['plain value ending with a colon', 'a: b:\n', false],
  ['plain value starting with an indicator', 'a: @x\n', false],
  ['plain value starting with a backtick', 'a: `x`\n', false],
  ['plain value starting with "- "', 'a: - x\n', false],
  ['integer key', '1: x\n', false],
  ['boolean key', 'true: x\n', false],
  ['null key', 'null: x\n', false],
  ['float key inside a flow map', 'a: { 1.5: x }\n', false],
  ['dedent to a level that is not open', 'a:\n    b: 1\n  c: 2\n', false],
  ['line deeper than its map after an inline value', 'a: 1\n  b: 2\n', false],
  ["sequence item at a map's indentation after an inline value", 'a: 1\n- b\n', false],
  ['byte order mark', '\uFEFFa: 1\n', false],
  ['lone carriage return', 'a: 1\rb: 2\n', false],
  ['line separator character', 'a: x\u2028y\n', false],
  ['backslash in double quotes', 'a: "tab\\there"\n', false],
  ['backslash in a double-quoted key', '"a\\tb": 1\n', false],
  ['empty document', '', false],
  ['comment-only document', '# nothing\n', false],
  ['root scalar', 'hello\n', false],
  ['root flow map (JSON)', '{"a": 1}\n', false],
  ['indented root', '  a: 1\n  b: 2\n', false],
  ['null sequence item', 'a:\n  -\n  - b\n', false],
  ['space before the colon', 'a : 1\n', false],
  ['no space after the colon', 'a:1\n', false],
  ['trailing comma in a flow sequence', 'a: [1, 2,]\n', false],
  ['comment inside a one-line flow sequence', 'a: [1, # c\n  2]\n', false],
  ['flow map entry without a space after the colon', 'a: {b:1}\n', false],
  ['flow map entry without a value', 'a: { b: , c: 1 }\n', false],
  ['single-pair map inside a flow sequence', 'a: [b: 1]\n', false],
  ['flow collection as a key', '[a]: 1\n', false],
  ['scalar on the line after its key', 'a:\n  value\n', false],
  ['text after a closing quote', "a: 'x' y\n", false],
  ['comment glued to a closing quote', 'a: "x"#c\n', false],
  ['unterminated quote', "a: 'x\n", false],
  ['over-long key', `${'k'.repeat(1100)}: 1\n`, false],
  ['empty quoted key', '"": 1\n', false],
  ['flow collections nested past the depth limit', `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, false],
  ['blocks nested past the depth limit', Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'), false],
];

describe('readBlockYaml parity with yaml', () => {
  test('the corpus has at least 60 documents with distinct names, accepted and declined', () => {
    assert.ok(CORPUS.length >= 60, `only ${CORPUS.length} documents`);
    assert.equal(new Set(CORPUS.map(([name]) => name)).size, CORPUS.length);
    assert.ok(CORPUS.filter(([, , accepts]) => accepts).length >= 40);
  });

  for (const [name, text, accepts] of CORPUS) {
    if (accepts) {
      test(`accepts ${name}, with the value and every position yaml gives`, () => {
        const read = readBlockYaml(text);
        assert.ok(read !== undefined, 'declined');
        assertParity(text, read);
      });
    } else {
      test(`declines ${name}`, () => {
        assert.equal(readBlockYaml(text), undefined);
      });
    }
  }

  test('reads the typical manifests into the structures tranche uses', () => {
    const shop = readBlockYaml(SHOP_MANIFEST)?.value as any;
    assert.deepEqual(shop.services.orders.depends_on, ['payments', 'ledger']);
    assert.deepEqual(shop.resources['orders-db'].values.prod, { host: 'orders-db.prod.internal', port: 6432, database: 'orders' });
    assert.deepEqual(shop.services.orders.config.schema.VERSION, { type: 'string', default: '1.10' });
    assert.deepEqual(shop.services.orders.config.sources[2], { dotenv: 'deploy/{env}.env', optional: true });
    assert.deepEqual(shop.services.orders.checks.health.http.headers, { Accept: 'application/json' });
    assert.equal(shop.services.orders.checks.sanity[1].postgres.resource, 'orders-db');
    const platform = readBlockYaml(PLATFORM_MANIFEST)?.value as any;
    assert.deepEqual(platform.services['api-gateway'].depends_on, ['auth', 'catalog']);
    assert.deepEqual(platform.services['api-gateway'].contracts.consumes.auth.operations, ['GET /sessions', 'POST /sessions']);
    assert.equal(platform.services['api-gateway'].checks.sanity[1].name, 'tcp: admin port');
    assert.equal(platform.services.auth.path, 'services/auth');
  });
});

// ---------------------------------------------------------------------------------------------
// Randomly generated nested block documents
// ---------------------------------------------------------------------------------------------

class Random {
  constructor(private state: number) {}
  /** mulberry32: a small seeded generator, so every run sees the same documents. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

const KEYS = ['name', 'path', 'DB_HOST', 'db-0', 'a.b', 'x/y', 'svc_1', 'Key9', '"quoted key"', "'it''s'"];
const RISKY_KEYS = ['true', '1', 'null', '~', '1.5', '__proto__', 'toString', 'yes', '-x', '"a\\"b"', 'a b', '', '"x":'];
const SCALARS = [
  'x',
  'hello world',
  '1',
  '-2',
  '0o17',
  '0x1F',
  '1.10',
  '.inf',
  '-.Inf',
  '.nan',
  '1e3',
  'true',
  'False',
  'null',
  '~',
  'yes',
  '2024-01-15',
  'http://x:8080/a',
  'a#b',
  'a[0]',
  "'q'",
  "'it''s'",
  '"d"',
  '"a # b"',
  "''",
  '""',
  '---',
  'v1.2.3',
  '-x',
  'é',
  '日本',
  '🚀',
  'a\u00A0b',
];
const RISKY_SCALARS = [
  'a: b',
  'a #c',
  '#c',
  '- x',
  '&a x',
  '*a',
  '!t x',
  '|',
  '>',
  '@x',
  '`x`',
  '%x',
  '? x',
  '"a\\tb"',
  "'x",
  '"x',
  'a:',
  ':x',
  '[a',
  '{a',
  'a]',
  'a}',
  ',x',
  'x,y',
  '-',
  "'a' b",
  '"a"b',
  'a :b',
  '...',
];
const FLOW_SCALARS = ['a', 'b c', '1', '0o7', '-1.5', 'true', '~', "'q, r'", '"s]"', 'http://x:1/y', 'a:b', 'a#b', '-x', 'a :b', '🚀'];
const RISKY_FLOW_SCALARS = ['a:', '#x', 'a #b', '', 'a: b', '[', '}', '? x', '*x', '"x', "'", ' ', '{a:1}'];
const MUTATIONS = [
  '\t',
  ' ',
  '  ',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '"',
  "'",
  ':',
  ': ',
  ' #',
  '#',
  '- ',
  '? ',
  '---',
  '...',
  '\r',
  '\uFEFF',
  '{',
  '}',
  '[',
  ']',
  ',',
  '\\',
  '%',
  '@',
];

class DocumentGenerator {
  constructor(
    private readonly random: Random,
    private readonly risk: number,
  ) {}

  document(): string {
    const lines = this.random.chance(0.15) ? this.seq(0, 0) : this.map(0, 0);
    this.sprinkleComments(lines);
    if (this.random.chance(this.risk)) this.mutate(lines);
    const text = lines.join(this.random.chance(0.15) ? '\r\n' : '\n');
    return this.random.chance(0.9) ? `${text}\n` : text;
  }

  private map(indent: number, depth: number): string[] {
    const lines: string[] = [];
    const count = this.random.int(1, 4);
    for (let i = 0; i < count; i++) {
      const key = this.random.chance(this.risk / 3) ? this.random.pick(RISKY_KEYS) : this.key(i);
      const head = `${' '.repeat(indent)}${key}:`;
      const kind = depth >= 4 ? 'inline' : this.random.pick(['inline', 'inline', 'inline', 'map', 'seq', 'empty'] as const);
      if (kind === 'inline') lines.push(`${head}${this.random.pick([' ', ' ', '  '])}${this.inline()}${this.trailingComment()}`);
      else if (kind === 'empty') lines.push(`${head}${this.trailingComment()}`);
      else {
        lines.push(`${head}${this.trailingComment()}`);
        const indentless = kind === 'seq' && this.random.chance(0.3);
        const childIndent = indentless ? indent : indent + this.random.int(1, 4);
        lines.push(...(kind === 'map' ? this.map(childIndent, depth + 1) : this.seq(childIndent, depth + 1)));
      }
    }
    return lines;
  }

  private seq(indent: number, depth: number): string[] {
    const lines: string[] = [];
    const count = this.random.int(1, 4);
    const dash = `${' '.repeat(indent)}-`;
    for (let i = 0; i < count; i++) {
      const kind = depth >= 4 ? 'inline' : this.random.pick(['inline', 'inline', 'compact-map', 'compact-seq', 'next-line'] as const);
      if (kind === 'inline') {
        lines.push(`${dash} ${this.inline()}${this.trailingComment()}`);
      } else if (kind === 'next-line') {
        lines.push(`${dash}${this.trailingComment()}`);
        const childIndent = indent + this.random.int(1, 4);
        lines.push(...(this.random.chance(0.5) ? this.map(childIndent, depth + 1) : this.seq(childIndent, depth + 1)));
      } else {
        const childIndent = indent + 2 + (this.random.chance(0.2) ? this.random.int(1, 2) : 0);
        const child = kind === 'compact-map' ? this.map(childIndent, depth + 1) : this.seq(childIndent, depth + 1);
        child[0] = `${dash}${child[0]!.slice(indent + 1)}`;
        lines.push(...child);
      }
    }
    return lines;
  }

  /** Mostly distinct keys within a map; sometimes a repeat, which must be declined. */
  private key(index: number): string {
    const key = this.random.pick(KEYS);
    if (this.random.chance(0.05)) return key;
    const quote = key[0] === '"' || key[0] === "'" ? key[0] : '';
    return quote === '' ? `${key}${index}` : `${key.slice(0, -1)}${index}${quote}`;
  }

  private inline(): string {
    if (this.random.chance(0.25)) return this.flow(0);
    return this.random.chance(this.risk) ? this.random.pick(RISKY_SCALARS) : this.random.pick(SCALARS);
  }

  private flow(depth: number): string {
    const isMap = this.random.chance(0.5);
    const count = this.random.int(0, 3);
    const items: string[] = [];
    for (let i = 0; i < count; i++) {
      const value = depth < 2 && this.random.chance(0.2) ? this.flow(depth + 1) : this.flowScalar();
      items.push(isMap ? `${this.random.chance(this.risk / 3) ? this.random.pick(RISKY_KEYS) : this.key(i)}: ${value}` : value);
    }
    const separator = this.random.pick([', ', ',', ' , ']);
    const pad = this.random.pick(['', ' ']);
    const trailing = this.random.chance(this.risk / 3) ? ',' : '';
    return isMap ? `{${pad}${items.join(separator)}${trailing}${pad}}` : `[${pad}${items.join(separator)}${trailing}${pad}]`;
  }

  private flowScalar(): string {
    return this.random.chance(this.risk / 2) ? this.random.pick(RISKY_FLOW_SCALARS) : this.random.pick(FLOW_SCALARS);
  }

  private trailingComment(): string {
    return this.random.chance(0.15) ? this.random.pick([' # c', '   #c', ' # a: b', ' #']) : '';
  }

  /** Full-line comments at random indentation and blank lines between lines. */
  private sprinkleComments(lines: string[]): void {
    for (let i = lines.length; i >= 0; i--) {
      if (this.random.chance(0.08)) lines.splice(i, 0, `${' '.repeat(this.random.int(0, 8))}# note`);
      else if (this.random.chance(0.05)) lines.splice(i, 0, ' '.repeat(this.random.int(0, 3)));
    }
  }

  /** One random fragment inserted somewhere, or one line's indentation shifted by one. */
  private mutate(lines: string[]): void {
    const index = this.random.int(0, lines.length - 1);
    const line = lines[index]!;
    if (this.random.chance(0.25)) {
      lines[index] = this.random.chance(0.5) ? ` ${line}` : line.replace(/^ /, '');
      return;
    }
    const at = this.random.int(0, line.length);
    lines[index] = line.slice(0, at) + this.random.pick(MUTATIONS) + line.slice(at);
  }
}

describe('readBlockYaml on randomly generated documents', () => {
  const cases: Array<[name: string, seed: number, risk: number, minShare: number]> = [
    ['well-formed manifests-like documents', 1, 0, 0.9],
    ['documents with tricky scalars, keys and mutations', 2, 0.15, 0.3],
  ];
  for (const [name, seed, risk, minShare] of cases) {
    test(`${name}: yaml agrees whenever the fast reader accepts, and at least ${minShare * 100}% are accepted`, () => {
      const generator = new DocumentGenerator(new Random(seed), risk);
      const total = 1500;
      let accepted = 0;
      for (let n = 0; n < total; n++) {
        const text = generator.document();
        const read = readBlockYaml(text);
        if (read === undefined) continue;
        accepted++;
        assertParity(text, read);
      }
      assert.ok(accepted >= total * minShare, `accepted only ${accepted} of ${total}`);
      if (risk > 0) assert.ok(accepted <= total * 0.9, `accepted ${accepted} of ${total}: the risky generator exercises too few declines`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Node positions and plain source text
// ---------------------------------------------------------------------------------------------

describe('readBlockYaml nodes', () => {
  test('records every node by path, placing an empty value at its key', () => {
    const read = readBlockYaml('a: 1\nb:\n  - x\n  - { k: v }\nc:\n');
    const pos = (line: number, column: number): YamlPosition => ({ line, column });
    assert.deepEqual(
      read?.nodes.toMap(),
      new Map<string, NodeInfo>([
        ['', { value: pos(1, 1) }],
        ['a', { key: pos(1, 1), value: pos(1, 4), plain: '1' }],
        ['b', { key: pos(2, 1), value: pos(3, 3) }],
        [pathKey(['b', 0]), { value: pos(3, 5), plain: 'x' }],
        [pathKey(['b', 1]), { value: pos(4, 5) }],
        [pathKey(['b', 1, 'k']), { key: pos(4, 7), value: pos(4, 10), plain: 'v' }],
        ['c', { key: pos(5, 1), value: pos(5, 1), plain: '' }],
      ]),
    );
  });

  test('keeps the exact source text of plain scalars, so 1.10 read as 1.1 can be told apart', () => {
    const read = readBlockYaml('version: 1.10\nmode: 0o17\nbig: 1e3\nflags: [0x1F, 1.0]\n');
    assert.ok(read);
    assert.deepEqual(read.value, { version: 1.1, mode: 15, big: 1000, flags: [31, 1] });
    assert.equal(read.nodes.get('version')?.plain, '1.10');
    assert.equal(read.nodes.get('mode')?.plain, '0o17');
    assert.equal(read.nodes.get('big')?.plain, '1e3');
    assert.equal(read.nodes.get(pathKey(['flags', 0]))?.plain, '0x1F');
    assert.equal(read.nodes.get(pathKey(['flags', 1]))?.plain, '1.0');
  });

  test('has no plain text for quoted scalars and collections, and an empty one for an empty value', () => {
    const read = readBlockYaml("a: '1.10'\nb: \"0o17\"\nc: [1]\nd:\n  x: 1\ne:\nf: { g: 'h' }\n");
    assert.ok(read);
    const plainOf = (path: (string | number)[]): [boolean, string | undefined] => {
      const info = read.nodes.get(pathKey(path));
      assert.ok(info, `no node at ${path.join('.')}`);
      return ['plain' in info, info.plain];
    };
    assert.deepEqual(plainOf(['a']), [false, undefined]);
    assert.deepEqual(plainOf(['b']), [false, undefined]);
    assert.deepEqual(plainOf(['c']), [false, undefined]);
    assert.deepEqual(plainOf(['d']), [false, undefined]);
    assert.deepEqual(plainOf(['e']), [true, '']);
    assert.deepEqual(plainOf(['f', 'g']), [false, undefined]);
  });

  test('excludes a trailing comment and spaces from the plain text', () => {
    const read = readBlockYaml('a: 0o17   # octal\nb: [ 1.10 , x ]\n');
    assert.equal(read?.nodes.get('a')?.plain, '0o17');
    assert.equal(read?.nodes.get(pathKey(['b', 0]))?.plain, '1.10');
  });

  test('pathKey joins segments with U+0000, writes indexes in decimal, and gives the root as ""', () => {
    assert.equal(pathKey([]), '');
    assert.equal(pathKey(['services', 'orders', 'uses', 10]), 'services\u0000orders\u0000uses\u000010');
  });
});

// ---------------------------------------------------------------------------------------------
// Multi-document streams (Kubernetes manifests)
// ---------------------------------------------------------------------------------------------

describe('readBlockYamlStream on randomly generated streams', () => {
  const SEPARATORS = ['---', '---', '--- ', '---\n', '\n---'];
  const RISKY_SEPARATORS = ['...\n---', '--- # c', '--- a: 1', '---\t', '%YAML 1.2\n---', '---\n# head'];

  /** Every path of a yaml document with its value, as `yaml` locates it. */
  function locations(doc: Document.Parsed, lineCounter: LineCounter): Array<[path: (string | number)[], part: 'key' | 'value', at: unknown]> {
    const locate = yamlLocator(doc, lineCounter, 'k8s.yaml');
    const out: Array<[(string | number)[], 'key' | 'value', unknown]> = [];
    const visit = (node: unknown, path: (string | number)[]): void => {
      // An explicit null: yamlLocator points at its key, the fast reader at the word (both readers' own tests pin that).
      if (!(isScalar(node) && node.value === null)) out.push([path, 'value', locate(path)]);
      out.push([path, 'key', locate(path, 'key')]);
      if (isMap(node)) for (const pair of node.items) visit(pair.value, [...path, String((pair.key as { value: unknown }).value)]);
      else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...path, i]));
    };
    visit(doc.contents, []);
    return out;
  }

  for (const [name, seed, risk] of [
    ['well-formed streams', 3, 0],
    ['streams with risky separators and documents', 4, 0.15],
  ] as const) {
    test(`${name}: yaml agrees on every document, value and position whenever the fast reader accepts`, () => {
      const random = new Random(seed);
      const generator = new DocumentGenerator(random, risk);
      let accepted = 0;
      const total = 600;
      for (let n = 0; n < total; n++) {
        const docs = Array.from({ length: random.int(1, 4) }, () => generator.document().replace(/\n?$/, ''));
        const separator = () => (random.chance(risk) ? random.pick(RISKY_SEPARATORS) : random.pick(SEPARATORS));
        const text = `${random.chance(0.3) ? `${separator()}\n` : ''}${docs.join(`\n${separator()}\n`)}${random.chance(0.2) ? `\n${separator()}` : ''}\n`;
        const fast = readBlockYamlStream(text, 'k8s.yaml');
        if (fast === undefined) continue;
        accepted++;
        const lineCounter = new LineCounter();
        const reference = parseAllDocuments(text, parseOptions(lineCounter));
        assert.ok(Array.isArray(reference), JSON.stringify(text));
        for (const doc of reference)
          assert.deepEqual(
            [...doc.errors, ...doc.warnings].map((e) => e.message),
            [],
            `accepted a stream yaml rejects: ${JSON.stringify(text)}`,
          );
        // A document of nothing (`---` at the end) is null to yaml, no document to the fast reader: neither is an object.
        const nonEmpty = reference.filter((doc) => doc.contents !== null && !(isScalar(doc.contents) && doc.contents.source === ''));
        assert.equal(fast.length, nonEmpty.length, `documents differ on ${JSON.stringify(text)}`);
        nonEmpty.forEach((doc, i) => {
          assert.deepEqual(fast[i]!.data, doc.toJS(), `values differ on ${JSON.stringify(text)}`);
          for (const [path, part, at] of locations(doc, lineCounter))
            assert.deepEqual(fast[i]!.locate(path, part), at, `${path.join('.')} (${part}) on ${JSON.stringify(text)}`);
        });
      }
      assert.ok(accepted >= total * (risk ? 0.05 : 0.5), `accepted only ${accepted} of ${total}`);
      if (risk) assert.ok(accepted <= total * 0.9, `accepted ${accepted} of ${total}: too few declines exercised`);
    });
  }
});
