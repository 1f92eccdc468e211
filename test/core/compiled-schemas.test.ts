import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv, type ErrorObject } from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';
import { COMPILED_SCHEMAS } from '../../src/core/compiled-schemas.js';
import { baseFleet } from '../support/fleet-builder.js';
import { FIXTURES, REPO_ROOT } from '../support/paths.js';
import { fixturePlan } from './plan/plan-fixture.js';

// The validators `npm run build` generates (ajv standalone) against the same schemas compiled by
// ajv at run time with the same options: the same verdict and the same errors — path, keyword,
// params, message, the data and the schema they carry — on valid documents and on many broken ones.

type Validate = { (data: unknown): boolean; errors?: ErrorObject[] | null };
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every manifest among the fixtures that parses as YAML: valid ones, and one of each mistake. */
function fixtureManifests(): Json[] {
  const dir = join(FIXTURES, 'manifest-errors');
  const manifests: Json[] = [];
  for (const name of readdirSync(dir).sort()) {
    try {
      manifests.push(parse(readFileSync(join(dir, name, 'tranche.yaml'), 'utf8'), { uniqueKeys: false }) as Json);
    } catch {
      // not YAML at all (a syntax-error fixture): nothing for a schema to see
    }
  }
  return manifests;
}

const DOCUMENTS: Record<string, () => Json[]> = {
  validateManifest: () => [baseFleet() as Json, ...fixtureManifests()],
  validatePlan: () => [JSON.parse(JSON.stringify(fixturePlan())) as Json],
};

/** The places in a document a mutation can change: every value, by its path. */
function places(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const inner = Array.isArray(value)
    ? value.flatMap((item, i) => places(item, [...path, i]))
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, item]) => places(item, [...path, key]))
      : [];
  return [path, ...inner];
}

/** Values that come near what the schemas test: names, durations, patterns, lengths, surrogates. */
const nearValue = fc.oneof(
  fc.constantFrom<Json>('', '0', '01', 'a b', 'x'.repeat(64), '5 s', '5s', 'GET /x', 'get /x', 'orders-db.port', 'local', 'kubernetes', '\u{1F600}', 'a\nb'),
  fc.constantFrom<Json>(-1, 0, 1, 1.5, 2, true, null, [], {}, ['a', 'a'], [{ a: 1 }, { a: 1 }]),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const anyValue = fc.oneof(nearValue, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);

type Mutation = { at: number; how: 'set'; value: Json } | { at: number; how: 'delete' | 'duplicate' } | { at: number; how: 'add'; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), how: fc.constant('set' as const), value: anyValue }),
  fc.record({ at: fc.nat(), how: fc.constantFrom('delete' as const, 'duplicate' as const) }),
  fc.record({
    at: fc.nat(),
    how: fc.constant('add' as const),
    key: fc.oneof(fc.constantFrom('name', 'path', 'kind', 'dev', '01', 'a b'), fc.string()),
    value: anyValue,
  }),
);

/** The document with one mutation applied at one of its places (a copy; the root can be replaced). */
function mutate(document: Json, { at, ...change }: Mutation): Json {
  const root = structuredClone(document);
  const all = places(root);
  const path = all[at % all.length]!;
  if (change.how === 'set' && path.length === 0) return change.value;
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], root);
  const key = path.at(-1);
  const target = key === undefined ? root : parent[key];
  if (change.how === 'set') parent[key!] = change.value;
  else if (change.how === 'delete' && key !== undefined) Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
  else if (change.how === 'duplicate' && Array.isArray(target) && target.length) target.push(structuredClone(target[0]));
  else if (change.how === 'add' && target !== null && typeof target === 'object' && !Array.isArray(target)) target[change.key] = change.value;
  return root;
}

function sameVerdict(generated: Validate, runtime: Validate, document: Json): boolean {
  const valid = generated(document);
  assert.equal(valid, runtime(document));
  assert.deepStrictEqual(generated.errors ?? null, runtime.errors ?? null);
  return valid;
}

/** Every TypeScript file under a directory of src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

test('tranche imports only the types of ajv: every schema it checks against is compiled at build time', () => {
  const imports = sources(join(REPO_ROOT, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '(ajv(?:\/[^']*)?)'|import\('(ajv[^']*)'\)/gm)].map((m) => ({ file, text: m[0] })),
  );
  assert.ok(imports.length > 0, 'the types are imported somewhere');
  assert.deepEqual(
    imports.filter(({ text }) => !text.startsWith('import type ')),
    [],
  );
});

for (const { schema, options, module, exported } of COMPILED_SCHEMAS) {
  describe(`${exported} (${module}, generated at build time)`, async () => {
    const generated = (await import(new URL(`../../${module}`, import.meta.url).href))[exported] as Validate;
    const runtime = new Ajv(options).compile(schema) as Validate;
    const documents = DOCUMENTS[exported]!();

    test('gives the verdict and the errors ajv gives at run time on the valid documents and the fixtures', () => {
      assert.ok(sameVerdict(generated, runtime, documents[0]!), JSON.stringify(generated.errors));
      for (const document of documents) sameVerdict(generated, runtime, document);
    });

    test('gives the verdict and the errors ajv gives at run time on mutations of them', () => {
      let invalid = 0;
      let runs = 0;
      fc.assert(
        fc.property(fc.nat(documents.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, mutations) => {
          runs++;
          if (!sameVerdict(generated, runtime, mutations.reduce(mutate, documents[which]!))) invalid++;
        }),
        { numRuns: 600 },
      );
      // Mutations that broke nothing would test nothing.
      assert.ok(invalid > runs / 2, `only ${invalid} of ${runs} mutated documents were invalid`);
    });
  });
}
