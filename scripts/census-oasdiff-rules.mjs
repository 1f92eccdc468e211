#!/usr/bin/env node
// Which oasdiff rule ids the OpenAPI diff can emit (run after a build: npm run census:oasdiff).
// Corpus location: $TRANCHE_OASDIFF_CORPUS, else ../shared/corpora/oasdiff from the repo root.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.TRANCHE_OASDIFF_CORPUS ?? resolve(root, '../shared/corpora/oasdiff');
if (!existsSync(resolve(dir, 'rules.json'))) {
  console.error(`oasdiff corpus not found at ${dir} (set TRANCHE_OASDIFF_CORPUS)`);
  process.exit(2);
}
const helper = resolve(root, 'dist/test/core/contracts/rule-census.js');
if (!existsSync(helper)) {
  console.error('dist/ is missing: build first (npx tsc -p tsconfig.json)');
  process.exit(2);
}
const { ruleCensus } = await import(helper);
const census = ruleCensus(dir);
if (process.argv.includes('--missing')) for (const r of census.missing) console.log(`${r.level}\t${r.id}`);
const count = (list, level) => list.filter((r) => r.level === level).length;
for (const level of ['ERR', 'WARN', 'INFO']) {
  console.log(`${level}: ${count(census.implemented, level)}/${count(census.implemented, level) + count(census.missing, level)}`);
}
console.log(`implemented: ${census.implemented.length}/${census.total}`);
