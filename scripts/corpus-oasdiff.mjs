#!/usr/bin/env node
// Measures the contract engine against oasdiff's corpus (run after a build: npm run corpus:oasdiff).
// Corpus location: $TRANCHE_OASDIFF_CORPUS, else ../shared/corpora/oasdiff from the repo root.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.TRANCHE_OASDIFF_CORPUS ?? resolve(root, '../shared/corpora/oasdiff');
if (!existsSync(resolve(dir, 'cases.json'))) {
  console.error(`oasdiff corpus not found at ${dir} (set TRANCHE_OASDIFF_CORPUS)`);
  process.exit(2);
}
const helper = resolve(root, 'dist/test/core/contracts/measure-oasdiff-corpus.js');
if (!existsSync(helper)) {
  console.error('dist/ is missing: build first (npx tsc -p tsconfig.json)');
  process.exit(2);
}
const { measureOasdiffCorpus } = await import(helper);
const result = measureOasdiffCorpus(dir, Date.now());
const verbose = process.argv.includes('--verbose');

for (const o of result.outcomes) {
  const verdictMiss = o.breaking !== o.case.breaking;
  if (!verdictMiss && o.missing.length === 0 && !verbose) continue;
  console.log(`#${o.index} ${o.case.base} -> ${o.case.revision}`);
  if (o.error) console.log(`  error: ${o.error}`);
  if (verdictMiss) console.log(`  verdict: we say ${o.breaking ? 'breaking' : 'not breaking'}, oasdiff ${o.case.breaking ? 'breaking' : 'not breaking'}`);
  for (const m of o.missing) console.log(`  missing ${m.id} (${m.level})`);
  const said = o.changes.map((c) => `${c.id}:${c.level}`);
  console.log(`  we said: ${said.length ? [...new Set(said)].join(', ') : '(nothing)'}`);
}
console.log('');
console.log(`cases:             ${result.cases}`);
console.log(`verdict agreement: ${result.verdictAgreement.toFixed(1)}%`);
console.log(`expected-id recall: ${result.idRecall.toFixed(1)}% (${result.expectedFound}/${result.expectedIds})`);
