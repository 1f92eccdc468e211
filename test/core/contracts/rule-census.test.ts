import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emittedRuleIds } from '../../../src/core/contracts/emitted-rule-ids.js';
import { ruleLevel } from '../../../src/core/contracts/rule-level.js';
import { measureOasdiffCorpus } from './measure-oasdiff-corpus.js';
import { ruleCensus } from './rule-census.js';

// dist/test/core/contracts → repo root is four levels up.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = process.env.TRANCHE_OASDIFF_CORPUS ?? resolve(root, '../shared/corpora/oasdiff');

it('can emit every oasdiff rule id it counts as implemented, at oasdiff level', () => {
  assert.ok(existsSync(resolve(dir, 'rules.json')), `oasdiff corpus not found at ${dir} (set TRANCHE_OASDIFF_CORPUS)`);
  const census = ruleCensus(dir);
  assert.equal(census.total, 509);
  // Every id the diff can emit is one of oasdiff's.
  assert.equal(census.implemented.length, emittedRuleIds().length);
  assert.deepEqual(
    census.implemented.filter((r) => ruleLevel(r.id) !== r.level),
    [],
  );
  // Census when first taken: 444/509; with every ERR and WARN id: 492/509; then all 509.
  assert.ok(census.implemented.length >= 509, `implemented ids fell to ${census.implemented.length}`);
});

it('emits on the corpus only ids the census lists', () => {
  const listed = new Set(emittedRuleIds());
  const result = measureOasdiffCorpus(dir, Date.parse('2025-06-01'));
  const unlisted = new Set(result.outcomes.flatMap((o) => o.changes.map((c) => c.id)).filter((id) => !listed.has(id)));
  assert.deepEqual([...unlisted], []);
});
