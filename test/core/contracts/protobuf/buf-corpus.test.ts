import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { bufCorpusDir } from './buf-corpus-dir.js';
import { measureBufCorpus } from './measure-buf-corpus.js';

// Figures measured (docs/contracts.md, "Protobuf"): 27/27 verdicts, 37/37 expected rule ids; the
// exact multiset of rule ids and the strict multiset of (rule, path, line, column) on 27 of 27
// cases (397 of 397 annotations). The floors are 95% verdicts and 90% rule-id recall; the
// exact and strict agreement must not fall below what was measured.
it('agrees with buf on the corpus at least as well as when measured', (t) => {
  assert.ok(existsSync(join(bufCorpusDir, 'cases.json')), `buf corpus not found at ${bufCorpusDir} (set TRANCHE_BUF_CORPUS)`);
  const result = measureBufCorpus(bufCorpusDir);
  const { outcomes, ...figures } = result;
  t.diagnostic(JSON.stringify(figures));
  assert.deepEqual(
    outcomes.filter((o) => o.error).map((o) => `${o.name}: ${o.error}`),
    [],
  );
  assert.equal(result.cases, 27);
  assert.ok(result.verdictAgreement >= 95, `verdict agreement fell to ${result.verdictAgreement}%`);
  assert.ok(result.ruleIdRecall >= 90, `rule-id recall fell to ${result.ruleIdRecall}%`);
  assert.ok(
    result.ruleMultisetCases === 27 && result.ruleAnnotationsMatched === 397,
    `rule-id multiset matches fell to ${result.ruleAnnotationsMatched}/${result.annotations}`,
  );
  assert.ok(
    result.strictCases === 27 && result.strictAnnotationsMatched === 397,
    `strict matches fell to ${result.strictAnnotationsMatched}/${result.annotations}`,
  );
});
