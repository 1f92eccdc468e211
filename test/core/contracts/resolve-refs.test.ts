import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffOpenApi, loadOpenApi, RefResolutionError, resolveRefs } from '../../../src/core/contracts/index.js';
import { ids, withRequestBody, withResponseBody } from './spec-builders.js';

const node = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } };

describe('resolveRefs', () => {
  it('turns a recursive schema into a cyclic graph', () => {
    const doc = resolveRefs({ components: { schemas: { Node: node } } }) as {
      components: { schemas: { Node: { properties: { children: { items: unknown } } } } };
    };
    const n = doc.components.schemas.Node;
    assert.equal(n.properties.children.items, n);
  });

  it('compares through local refs and terminates on circular ones', () => {
    const changed = { ...node, required: ['name'] };
    assert.deepEqual(
      ids(withRequestBody({ $ref: '#/components/schemas/Node' }, { Node: node }), withRequestBody({ $ref: '#/components/schemas/Node' }, { Node: changed })),
      ['request-property-became-required:ERR'],
    );
    assert.deepEqual(
      ids(withResponseBody({ $ref: '#/components/schemas/Node' }, { Node: node }), withResponseBody({ $ref: '#/components/schemas/Node' }, { Node: node })),
      [],
    );
  });

  it('finds changes hidden deep inside a recursive schema', () => {
    const deeper = { ...node, properties: { ...node.properties, name: { type: 'integer' } } };
    assert.deepEqual(
      ids(withResponseBody({ $ref: '#/components/schemas/Node' }, { Node: node }), withResponseBody({ $ref: '#/components/schemas/Node' }, { Node: deeper })),
      ['response-property-type-changed:ERR'],
    );
  });

  it('reads external refs through the reader it is given, relative to the referring file', () => {
    const files: Record<string, string> = {
      'api/base.yaml':
        "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: 'schemas/pet.yaml#/Pet' }\n",
      'api/revision.yaml':
        "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: 'schemas/pet2.yaml#/Pet' }\n",
      'api/schemas/pet.yaml': "Pet:\n  type: object\n  required: [id]\n  properties:\n    id: { $ref: '../common.yaml#/Id' }\n",
      'api/schemas/pet2.yaml': "Pet:\n  type: object\n  properties:\n    id: { $ref: '../common.yaml#/Id' }\n",
      'api/common.yaml': 'Id: { type: string }\n',
    };
    const read: string[] = [];
    const reader = (path: string) => {
      read.push(path);
      const text = files[path];
      if (text === undefined) throw new Error(`no file ${path}`);
      return text;
    };
    const diff = diffOpenApi(loadOpenApi('api/base.yaml', reader), loadOpenApi('api/revision.yaml', reader));
    assert.deepEqual(
      diff.changes.map((c) => `${c.id}:${c.level}`),
      ['response-property-became-optional:ERR'],
    );
    assert.ok(read.includes('api/common.yaml'));
  });

  it('refuses an external ref without a reader and a dangling local ref', () => {
    assert.throws(() => resolveRefs({ a: { $ref: 'other.yaml#/X' } }), RefResolutionError);
    assert.throws(() => resolveRefs({ a: { $ref: '#/nowhere' } }), /nowhere/);
  });

  it('refuses a pointer with a malformed escape, and a name only inherited from Object', () => {
    assert.throws(() => resolveRefs({ a: { $ref: '#/components/schemas/100%' } }), RefResolutionError);
    assert.throws(() => resolveRefs({ components: { schemas: {} }, a: { $ref: '#/components/schemas/constructor' } }), RefResolutionError);
  });

  for (const inPlace of [false, true]) {
    it(`merges $ref siblings over a target that is still being built (${inPlace ? 'in place' : 'copy'})`, () => {
      const spec = { s: { X: { type: 'array', items: { $ref: '#/s/Y' } }, Y: { type: 'object', properties: { q: { $ref: '#/s/X', description: 'back' } } } } };
      const out = resolveRefs(spec, { inPlace }) as any;
      const q = out.s.Y.properties.q;
      assert.deepEqual(Object.keys(q).sort(), ['description', 'items', 'type']);
      assert.equal(q.items, out.s.Y, 'the recursion is kept as a cycle');
    });
  }

  it('resolving in place twice gives the same graph, and the same error, instead of walking a cycle as a tree', () => {
    const recursive = () => ({ components: { schemas: { Node: structuredClone(node) } }, root: { $ref: '#/components/schemas/Node' } });
    const doc = recursive();
    const first = resolveRefs(doc, { inPlace: true });
    assert.equal(resolveRefs(doc, { inPlace: true }), first);
    const broken = { ...recursive(), bad: { $ref: '#/components/schemas/Missing' } };
    assert.throws(() => resolveRefs(broken, { inPlace: true }), /Missing/);
    assert.throws(() => resolveRefs(broken, { inPlace: true }), /Missing/);
  });
});
