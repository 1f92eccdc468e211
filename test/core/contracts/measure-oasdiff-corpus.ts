import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffOpenApi, isBreaking, loadOpenApi, type ContractChange } from '../../../src/core/contracts/index.js';

/** One corpus case as `cases.json` lists it. */
export interface CorpusCase {
  base: string;
  revision: string;
  breaking: boolean;
  expected: { id: string; level: string }[];
  tests: string[];
}

/** How one case went: our verdict, the expected ids we missed, and everything we said. */
export interface CaseOutcome {
  index: number;
  case: CorpusCase;
  breaking: boolean;
  missing: { id: string; level: string }[];
  changes: ContractChange[];
  error?: string;
}

/** Agreement with oasdiff over the corpus. */
export interface CorpusAgreement {
  cases: number;
  verdictAgreement: number;
  expectedIds: number;
  expectedFound: number;
  idRecall: number;
  outcomes: CaseOutcome[];
}

/**
 * Runs the engine over every case of the oasdiff corpus at `dir` and measures verdict agreement
 * and expected-id recall (an id counts when we report it with the expected level).
 */
export function measureOasdiffCorpus(dir: string, now: number): CorpusAgreement {
  const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as CorpusCase[];
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');
  const outcomes = cases.map((c, index): CaseOutcome => {
    try {
      const diff = diffOpenApi(loadOpenApi(c.base, read), loadOpenApi(c.revision, read), { now });
      const missing = c.expected.filter((e) => !diff.changes.some((ch) => ch.id === e.id && ch.level === e.level));
      return { index, case: c, breaking: isBreaking(diff), missing, changes: diff.changes };
    } catch (error) {
      return { index, case: c, breaking: false, missing: c.expected, changes: [], error: String(error) };
    }
  });
  const agree = outcomes.filter((o) => o.breaking === o.case.breaking).length;
  const expectedIds = cases.reduce((n, c) => n + c.expected.length, 0);
  const expectedFound = expectedIds - outcomes.reduce((n, o) => n + o.missing.length, 0);
  return {
    cases: cases.length,
    verdictAgreement: (100 * agree) / cases.length,
    expectedIds,
    expectedFound,
    idRecall: expectedIds === 0 ? 100 : (100 * expectedFound) / expectedIds,
    outcomes,
  };
}
