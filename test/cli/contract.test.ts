import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli, runJson } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tranche-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = (responseProperties: string) => `openapi: 3.0.3
info: { title: orders, version: "1" }
paths:
  /orders/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: an order
          content:
            application/json:
              schema:
                type: object
                properties:
${responseProperties}
`;
writeFileSync(join(dir, 'base.yaml'), spec('                  id: { type: string }\n                  total: { type: number }'));
writeFileSync(join(dir, 'removed.yaml'), spec('                  id: { type: string }'));
writeFileSync(
  join(dir, 'added.yaml'),
  spec('                  id: { type: string }\n                  total: { type: number }\n                  currency: { type: string }'),
);
writeFileSync(join(dir, 'broken.yaml'), 'openapi: 3.0.3\npaths: [\n');

describe('tranche contract diff', () => {
  test('a removed response property breaks clients: WARN, exit 1', () => {
    const { code, json } = runJson<{ breaking: boolean; changes: { id: string; level: string; operation?: string }[] }>(
      ['contract', 'diff', 'base.yaml', 'removed.yaml'],
      dir,
    );
    assert.equal(code, 1);
    assert.equal(json.breaking, true);
    assert.deepEqual(
      json.changes.map((c) => [c.id, c.level, c.operation]),
      [['response-optional-property-removed', 'WARN', 'GET /orders/{id}']],
    );
  });

  test('an added response property does not: exit 0', () => {
    const result = runCli(['contract', 'diff', 'base.yaml', 'added.yaml'], dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /response-(optional-)?property-added/);
    assert.match(result.stdout, /not breaking/);
  });

  test('a spec that does not parse is an input error with its location, exit 2', () => {
    const result = runCli(['contract', 'diff', 'base.yaml', 'broken.yaml'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /broken\.yaml:\d+:\d+: /);
    assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/);
  });
});
