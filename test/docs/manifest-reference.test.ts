import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT as ROOT } from '../support/paths.js';

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  then?: Schema;
  else?: Schema;
  definitions?: Record<string, Schema>;
};

/** Every field path of the schema (`services.<name>.config.sources[].file`), a check's fields as `<check>.…`. */
function schemaFields(schema: Schema): Set<string> {
  const fields = new Set<string>();
  const walk = (node: Schema | boolean | undefined, path: string, seen: Set<string>): void => {
    if (!node || typeof node !== 'object') return;
    if (node.$ref) {
      const name = node.$ref.split('/').pop()!;
      if (!seen.has(name)) walk(schema.definitions![name], path, new Set([...seen, name]));
      return;
    }
    for (const variant of [
      ...(node.oneOf ?? []),
      ...(node.anyOf ?? []),
      ...(node.allOf ?? []),
      ...(node.then ? [node.then] : []),
      ...(node.else ? [node.else] : []),
    ])
      walk(variant, path, seen);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      fields.add(`${path}${key}`.replace(/^services\.<name>\.checks\.(health|sanity\[\])\./, '<check>.'));
      walk(child, `${path}${key}.`, seen);
    }
    if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}<name>.`, seen);
    if (node.items) walk(node.items, `${path.replace(/\.$/, '')}[].`, seen);
  };
  walk(schema, '', new Set());
  return fields;
}

test('docs/manifest.md documents every field of the schema, and no field the schema does not have', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'tranche.schema.json'), 'utf8')) as Schema;
  const doc = readFileSync(join(ROOT, 'docs', 'manifest.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
  const fields = schemaFields(schema);
  assert.ok(fields.size > 80, `the schema has ${fields.size} fields`);
  assert.deepEqual(
    [...fields].filter((f) => !documented.has(f)),
    [],
    'fields of the schema missing from docs/manifest.md',
  );
  assert.deepEqual(
    [...documented].filter((f) => !fields.has(f)),
    [],
    'fields in docs/manifest.md that the schema does not have',
  );
});
