import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resolveRefs } from '../../../src/core/contracts/resolve-refs.js';
import { deepEqual } from '../../../src/core/contracts/schema-facts.js';

type Doc = { components: { schemas: Record<string, Record<string, unknown>> }; paths: Record<string, unknown> };

/** A spec whose operations share one component (`Pet`), and a recursive one (`Node`). */
function spec(petType: string, nodeLeaf: string): Doc {
  const pet = { $ref: '#/components/schemas/Pet' };
  const node = { $ref: '#/components/schemas/Node' };
  return resolveRefs(
    {
      paths: { '/a': { get: { responses: { '200': { schema: pet } } } }, '/b': { post: { body: pet, responses: { '201': { schema: node } } } } },
      components: {
        schemas: {
          Pet: { type: 'object', properties: { name: { type: petType } } },
          Node: { type: 'object', properties: { leaf: { type: nodeLeaf }, next: node, children: { type: 'array', items: node } } },
        },
      },
    },
    { inPlace: true },
  ) as Doc;
}

describe('deepEqual', () => {
  it('holds for any JSON value and its copy, and fails for any changed leaf', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        assert.equal(deepEqual(a, structuredClone(a)), true);
        assert.equal(deepEqual(a, b), JSON.stringify(a) === JSON.stringify(b) || isomorphic(a, b));
      }),
    );
  });

  it('compares operations sharing a component the same, whichever is compared first', () => {
    for (const order of [
      ['/a', '/b'],
      ['/b', '/a'],
    ]) {
      const [x, y] = [spec('string', 'string'), spec('integer', 'string')];
      for (const path of order) assert.equal(deepEqual(x.paths[path], y.paths[path]), false, path);
      assert.equal(deepEqual(x.components.schemas.Node, y.components.schemas.Node), true);
      assert.equal(deepEqual(x.components.schemas.Pet, y.components.schemas.Pet), false);
    }
  });

  it('tells recursive components apart by a change below the cycle, asked again or not', () => {
    const [x, y, z] = [spec('string', 'string'), spec('string', 'boolean'), spec('string', 'string')];
    for (let round = 0; round < 2; round++) {
      assert.equal(deepEqual(x.components.schemas.Node, y.components.schemas.Node), false);
      assert.equal(deepEqual(x.paths['/b'], y.paths['/b']), false);
      assert.equal(deepEqual(x.components.schemas.Node, z.components.schemas.Node), true);
      assert.equal(deepEqual(x.paths['/b'], z.paths['/b']), true);
    }
  });

  it('remembers no answer that took a pair met again as equal', () => {
    // Outer holds Inner before its own leaf: comparing Outer walks the cycle until a pair met again
    // is taken as equal, so Inner compares equal there; then the leaves differ. Inner differs too.
    const pair = (leaf: string) =>
      resolveRefs(
        {
          components: {
            schemas: {
              Outer: { properties: { inner: { $ref: '#/components/schemas/Inner' }, leaf: { type: leaf } } },
              Inner: { properties: { outer: { $ref: '#/components/schemas/Outer' } } },
            },
          },
        },
        { inPlace: true },
      ) as Doc;
    const [x, y] = [pair('string'), pair('integer')];
    assert.equal(deepEqual(x.components.schemas.Outer, y.components.schemas.Outer), false);
    assert.equal(deepEqual(x.components.schemas.Inner, y.components.schemas.Inner), false);
  });
});

/** Equal as JSON values whatever the key order (JSON.stringify keeps it). */
function isomorphic(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown): unknown =>
    v === null || typeof v !== 'object'
      ? v
      : Array.isArray(v)
        ? v.map(sorted)
        : Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          );
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}
