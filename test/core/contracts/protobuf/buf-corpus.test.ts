import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { bufCorpusDir } from './buf-corpus-dir.js';
import { measureBufCorpus } from './measure-buf-corpus.js';

// Figures when the diff landed (docs/contracts.md, "Protobuf"): 27/27 verdicts, 37/37 expected
// rule ids; the exact multiset of rule ids on 23 of 27 cases (388 of 397 annotations); strict
// (rule, path, line, column) on 21 of 27 cases (377 of 397 annotations). The floors are
// 95% verdicts and 90% rule-id recall; the others must not fall below what was measured.
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
  assert.ok(result.ruleAnnotationsMatched >= 388, `rule-id multiset matches fell to ${result.ruleAnnotationsMatched}/${result.annotations}`);
  assert.ok(result.strictAnnotationsMatched >= 377, `strict matches fell to ${result.strictAnnotationsMatched}/${result.annotations}`);
});
