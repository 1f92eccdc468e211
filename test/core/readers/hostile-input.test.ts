/**
 * The readers of what users write, fed anything: arbitrary text and bytes, arbitrary JSON and
 * YAML structures (prototype keys and edge numbers among them), valid files broken a few edits at
 * a time, and nesting past the limit. Each gives a result or problems located in the file it
 * read — never another kind of failure.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseDotenv } from '../../../src/core/config/parse-dotenv.js';
import { readSourceFile } from '../../../src/core/config/source-file.js';
import {
  buildFleetContracts,
  compareFleetContracts,
  loadOpenApi,
  parseSpecText,
  RefResolutionError,
  resolveRefs,
  specErrorPosition,
  type ContractSources,
} from '../../../src/core/contracts/index.js';
import { diffLockfilePair } from '../../../src/core/deps/diff-lockfile-pair.js';
import { isLockfileName, parseLockfile } from '../../../src/core/deps/parse-lockfile.js';
import { InputError } from '../../../src/core/input-error.js';
import type { SourceLocation } from '../../../src/core/location.js';
import { parseManifest } from '../../../src/core/manifest/parse-manifest.js';
import { NestingError } from '../../../src/core/nesting.js';
import { MARKET_FILES, MARKET_MANIFEST } from '../../cli/contract-fleet.js';
import { AMQP_NOTIFICATIONS_30, KAFKA_ORDERS_26, NATS_TELEMETRY_30 } from '../contracts/asyncapi/async-api-documents.js';
import { SHOP_MANIFEST } from '../../cli/shop-fleet.js';
import { hostileText } from '../../support/hostile-input.js';
import { FIXTURES } from '../../support/paths.js';
import { baseFleet, manifestYaml } from '../../support/fleet-builder.js';

/** Runs per property: each takes a few seconds on two cores. */
const RUNS = 400;

const asJson = (data: unknown) => JSON.stringify(data) ?? 'null';
const asYaml = (data: unknown) => stringify(data);

/** A place in `file`, on one of the text's lines (or just past its end) when a line is given. */
function assertLocatedIn(location: SourceLocation | undefined, file: string, text: string): void {
  assert.ok(location, 'a problem has a location');
  assert.equal(location.file, file);
  assertPosition(location.line, location.column, text);
}

function assertPosition(line: number | undefined, column: number | undefined, text: string): void {
  if (line === undefined) return;
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  assert.ok(Number.isInteger(line) && line >= 1 && line <= lines + 1, `line ${line} of ${lines}`);
  if (column !== undefined) assert.ok(Number.isInteger(column) && column >= 1, `column ${column}`);
}

describe('tranche.yaml: parseManifest', () => {
  const valid = [SHOP_MANIFEST, MARKET_MANIFEST, manifestYaml(baseFleet())];
  test('property: any text gives a manifest or located manifest/invalid findings', () => {
    fc.assert(
      fc.property(hostileText(valid, [asYaml, asJson]), (text) => {
        const parsed = parseManifest(text);
        for (const finding of parsed.findings) {
          assert.equal(finding.rule, 'manifest/invalid');
          assertLocatedIn(finding.location, 'tranche.yaml', text);
        }
        if (!parsed.findings.length) assert.ok(parsed.manifest, 'no finding: a manifest');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('config files: dotenv and YAML keys', () => {
  const dotenv = ['PORT=7001\nAPI_TOKEN="s3cr3t"\n# a comment\nURL=http://x:${PORT}/a\nMULTI="a\nb"\nexport X=1\nY=\'$lit\'\n'];
  const yaml = ['PORT: 7001\nTIMEOUT: 5s\nURL: "http://x:8080"\nLIST: [a, b]\nMAP: { a: 1 }\n', 'A: &a { x: 1 }\nB: *a\nC: |\n  text\n'];

  test('property: parseDotenv reads any text, its problems on its lines', () => {
    fc.assert(
      fc.property(hostileText(dotenv, [asJson, asYaml]), (text) => {
        const parsed = parseDotenv(text);
        for (const entry of parsed.entries) assertPosition(entry.line, entry.column, text);
        for (const problem of parsed.problems) assertPosition(problem.line, problem.column, text);
      }),
      { numRuns: RUNS },
    );
  });

  test('property: readSourceFile reads any dotenv or YAML text, its findings located in the file', () => {
    fc.assert(
      fc.property(fc.constantFrom('dotenv' as const, 'yaml' as const), hostileText([...dotenv, ...yaml], [asJson, asYaml]), (format, text) => {
        const path = format === 'dotenv' ? 'services/a/prod.env' : 'services/a/config.yaml';
        const read = readSourceFile(path, format, text, true);
        for (const finding of read.findings) {
          assert.equal(finding.rule, 'manifest/invalid');
          assertLocatedIn(finding.location, path, text);
        }
        for (const entry of read.file.entries) assert.equal(typeof entry.key, 'string');
      }),
      { numRuns: RUNS },
    );
  });
});

/** Every lockfile fixture, by file name. */
function lockfileFixtures(): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (isLockfileName(entry.name)) byName.set(entry.name, [...(byName.get(entry.name) ?? []), readFileSync(path, 'utf8')]);
    }
  };
  walk(`${FIXTURES}/lockfiles`);
  return byName;
}

describe('lockfiles: npm, yarn classic and berry, pnpm, go.mod, go.sum, Cargo.lock, requirements.txt', () => {
  const fixtures = lockfileFixtures();
  test('there is a fixture of every format to break', () => {
    assert.deepEqual([...fixtures.keys()].sort(), ['Cargo.lock', 'go.mod', 'go.sum', 'package-lock.json', 'pnpm-lock.yaml', 'requirements.txt', 'yarn.lock']);
  });

  for (const [name, valid] of fixtures) {
    test(`property: ${name} — any text gives a lockfile or problems on its lines; a pair of them a diff`, () => {
      fc.assert(
        fc.property(hostileText(valid, [asJson, asYaml]), fc.constantFrom(...valid), (text, other) => {
          const parsed = parseLockfile(`services/a/${name}`, text);
          for (const problem of parsed.problems) assertPosition(problem.line, problem.column, text);
          if (!parsed.problems.length) assert.ok(parsed.lockfile, 'no problem: a lockfile');
          for (const pkg of parsed.lockfile?.packages ?? []) assert.ok(typeof pkg.name === 'string' && typeof pkg.version === 'string');
          const diff = diffLockfilePair({ path: `services/a/${name}`, before: other, after: text });
          if ('problems' in diff) for (const problem of diff.problems) assertPosition(problem.line, problem.column, text);
          const reverse = diffLockfilePair({ path: `services/a/${name}`, before: text, after: other });
          assert.ok('changes' in reverse, 'a before side that does not parse counts as no lockfile');
        }),
        { numRuns: Math.round(RUNS / 2) },
      );
    });
  }
});

describe('OpenAPI: load, resolve $refs, compare', () => {
  const api = MARKET_FILES['services/payments/api/openapi.yaml']!;
  const schemas = MARKET_FILES['services/payments/api/schemas.yaml']!;
  const orders = MARKET_FILES['services/orders/api/openapi.yaml']!;
  const event = MARKET_FILES['services/orders/events/order-created.json']!;
  const text = hostileText([api, schemas, orders, event, JSON.stringify(parseSpecText(orders))], [asJson, asYaml]);

  /** What a failure to load may be: a parse error with its position, a `$ref` that leads nowhere, nesting past the limit. */
  function assertUsableError(error: unknown, texts: string[]): void {
    if (error instanceof RefResolutionError || error instanceof NestingError || error instanceof InputError) return;
    assert.ok(error instanceof Error, `an Error, not ${String(error)}`);
    assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), `${error.name}: ${error.message}`);
    const { message, line, column } = specErrorPosition(error);
    assert.ok(message.length > 0);
    if (line !== undefined) assert.ok(texts.some((t) => t.split('\n').length + 1 >= line) && column! >= 1);
  }

  test('property: loadOpenApi gives a document or a located error, whatever the spec and the file it refers to', () => {
    fc.assert(
      fc.property(text, text, (main, referred) => {
        const files: Record<string, string> = { 'api/openapi.yaml': main, 'api/schemas.yaml': referred };
        try {
          loadOpenApi('api/openapi.yaml', (path) => {
            if (!Object.hasOwn(files, path)) throw new InputError(`cannot read ${path}`);
            return files[path]!;
          });
        } catch (error) {
          assertUsableError(error, [main, referred]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('property: two revisions of a provider compare, or their specs are located findings', () => {
    fc.assert(
      fc.property(text, text, fc.boolean(), (before, after, external) => {
        const sources = (spec: string, label: string): ContractSources => ({
          label,
          services: ['payments', 'orders'],
          roots: [{ service: 'payments', key: ['http'], path: 'services/payments/api/openapi.yaml', location: { file: 'tranche.yaml', line: 12, column: 15 } }],
          consumes: [['orders', [['payments', { http: true, event: false }]]]],
          files: {
            'services/payments/api/openapi.yaml': { id: `${label}-api`, text: spec, refs: external ? ['services/payments/api/schemas.yaml'] : [] },
            'services/payments/api/schemas.yaml': { id: 'schemas', text: schemas, refs: [] },
          },
        });
        const from = buildFleetContracts(sources(before, 'A'), new Map());
        const to = buildFleetContracts(sources(after, 'B'), new Map());
        for (const [built, spec] of [
          [from, before],
          [to, after],
        ] as const) {
          for (const finding of built.findings) {
            assert.equal(finding.rule, 'manifest/invalid');
            assert.ok(finding.location);
            if (finding.location.file === 'services/payments/api/openapi.yaml') assertPosition(finding.location.line, finding.location.column, spec);
          }
        }
        try {
          compareFleetContracts(from.contracts, to.contracts, { now: Date.parse('2025-06-01') });
          compareFleetContracts(to.contracts, from.contracts, { now: Date.parse('2025-06-01') });
        } catch (error) {
          assert.ok(error instanceof InputError, `only input the user must fix: ${String(error)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('property: two revisions of an AsyncAPI document compare as events, or the document is a located finding', () => {
    const asyncApi = hostileText([KAFKA_ORDERS_26, AMQP_NOTIFICATIONS_30, NATS_TELEMETRY_30], [asJson, asYaml]);
    const path = 'services/orders/asyncapi.yaml';
    fc.assert(
      fc.property(asyncApi, asyncApi, (before, after) => {
        const sources = (document: string, label: string): ContractSources => ({
          label,
          services: ['orders', 'mailer'],
          roots: [{ service: 'orders', key: ['asyncapi'], path, location: { file: 'tranche.yaml', line: 12, column: 19 } }],
          consumes: [['mailer', [['orders.created', { http: false, event: true }]]]],
          files: { [path]: { id: `${label}-asyncapi`, text: document, refs: [] } },
        });
        const from = buildFleetContracts(sources(before, 'A'), new Map());
        const to = buildFleetContracts(sources(after, 'B'), new Map());
        for (const [built, document] of [
          [from, before],
          [to, after],
        ] as const) {
          for (const finding of built.findings) {
            assert.equal(finding.rule, 'manifest/invalid');
            assert.ok(finding.location);
            if (finding.location.file === path) assertPosition(finding.location.line, finding.location.column, document);
          }
        }
        try {
          compareFleetContracts(from.contracts, to.contracts, { now: Date.parse('2025-06-01') });
          compareFleetContracts(to.contracts, from.contracts, { now: Date.parse('2025-06-01') });
        } catch (error) {
          assert.ok(error instanceof InputError, `only input the user must fix: ${String(error)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('resolveRefs takes any parsed data: a graph, or a $ref problem', () => {
    fc.assert(
      fc.property(text, (spec) => {
        let document: unknown;
        try {
          document = parseSpecText(spec);
        } catch {
          return;
        }
        try {
          resolveRefs(document, { uri: 'a.yaml' });
          resolveRefs(structuredClone(document), { uri: 'a.yaml', inPlace: true });
        } catch (error) {
          assert.ok(error instanceof RefResolutionError || error instanceof NestingError, String(error));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
