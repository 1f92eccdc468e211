import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { planSchema } from '../../../src/core/plan/plan-schema.js';
import { REPO_ROOT } from '../../support/paths.js';

test('the published schema/plan.schema.json is the schema tranche reads plans with', () => {
  const published = JSON.parse(readFileSync(`${REPO_ROOT}schema/plan.schema.json`, 'utf8'));
  assert.deepEqual(published, planSchema, 'run `npm run schema` to rewrite the published schema');
});
