import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emittedRuleIds } from '../../../src/core/contracts/emitted-rule-ids.js';

/** Which of oasdiff's rule ids (its `rules.json`) tranche's OpenAPI diff can emit. */
export interface RuleCensus {
  total: number;
  implemented: { id: string; level: string }[];
  missing: { id: string; level: string }[];
}

/** Reads `rules.json` from the oasdiff corpus at `dir` and splits it by what the diff can emit. */
export function ruleCensus(dir: string): RuleCensus {
  const rules = JSON.parse(readFileSync(join(dir, 'rules.json'), 'utf8')) as { id: string; level: string }[];
  const emitted = new Set(emittedRuleIds());
  return {
    total: rules.length,
    implemented: rules.filter((r) => emitted.has(r.id)),
    missing: rules.filter((r) => !emitted.has(r.id)),
  };
}
