import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BufConfig } from '../../../../src/core/contracts/protobuf/buf-config.js';
import { diffProtobuf } from '../../../../src/core/contracts/protobuf/diff-protobuf.js';
import type { ProtoChange } from '../../../../src/core/contracts/protobuf/proto-change.js';
import { type ProtoSource, readProtoTree } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';

/** One expected annotation of a case, as cases.json lists it. */
interface Expected {
  rule: string;
  path: string | null;
  line: number | null;
  column: number | null;
}

/** One corpus case as cases.json lists it. */
interface BufCase {
  name: string;
  previous: string;
  current: string;
  roots: { previous: string[]; current: string[] };
  config: { version: BufConfig['version']; use: string[]; except: string[]; ignore: string[]; ignore_unstable_packages: boolean };
  breaking: boolean;
  expected_rules: string[];
  expected: Expected[];
}

/** How one case went: our changes, and what of the expected we missed or added. */
export interface BufCaseOutcome {
  name: string;
  breaking: boolean;
  expectedBreaking: boolean;
  missingRules: string[];
  ruleMultisetEqual: boolean;
  strictEqual: boolean;
  /** Expected annotations matched by (rule, path, line, column), and ours that match none. */
  strictMatched: number;
  extra: string[];
  missing: string[];
  changes: ProtoChange[];
  error?: string;
}

/** Agreement with buf over the corpus (percentages 0–100). */
export interface BufCorpusAgreement {
  cases: number;
  verdictAgreement: number;
  expectedRuleIds: number;
  foundRuleIds: number;
  ruleIdRecall: number;
  ruleMultisetCases: number;
  annotations: number;
  ruleAnnotationsMatched: number;
  strictCases: number;
  strictAnnotationsMatched: number;
  outcomes: BufCaseOutcome[];
}

function protoFiles(dir: string, root: string): ProtoSource[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return protoFiles(path, root);
      return entry.name.endsWith('.proto') ? [{ path: relative(root, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }] : [];
    });
}

function readSide(dir: string, roots: string[]): ProtoSource[] {
  return roots.flatMap((root) => protoFiles(join(dir, root), join(dir, root)));
}

const key = (rule: string, path: string | null | undefined, line: number | null | undefined, column: number | null | undefined) =>
  `${rule} ${path ?? '-'}:${line ?? '-'}:${column ?? '-'}`;

/** How many of `expected` (a multiset) `actual` holds, and what each side has the other lacks. */
function matchMultiset(expected: string[], actual: string[]): { matched: number; missing: string[]; extra: string[] } {
  const left = new Map<string, number>();
  for (const item of actual) left.set(item, (left.get(item) ?? 0) + 1);
  const missing: string[] = [];
  let matched = 0;
  for (const item of expected) {
    const n = left.get(item) ?? 0;
    if (n > 0) {
      matched++;
      left.set(item, n - 1);
    } else missing.push(item);
  }
  const extra = [...left].flatMap(([item, n]) => Array<string>(n).fill(item));
  return { matched, missing, extra };
}

/** Runs the diff over every case of the buf corpus at `dir` with each case's roots and config. */
export function measureBufCorpus(dir: string): BufCorpusAgreement {
  const corpus = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: BufCase[] };
  const outcomes = corpus.cases.map((c): BufCaseOutcome => {
    const config: BufConfig = {
      version: c.config.version,
      use: c.config.use,
      except: c.config.except,
      ignore: c.config.ignore,
      ignoreUnstablePackages: c.config.ignore_unstable_packages,
    };
    let changes: ProtoChange[] = [];
    let error: string | undefined;
    try {
      // As the CLI reads them: files the current side shares with the previous one are parsed once.
      const sources = readSide(join(dir, c.previous), c.roots.previous);
      const previous = { sources, tree: readProtoTree(sources) };
      changes = diffProtobuf(previous.tree, readProtoTree(readSide(join(dir, c.current), c.roots.current), previous), config);
    } catch (caught) {
      error = String(caught);
    }
    const rules = matchMultiset(
      c.expected.map((e) => e.rule),
      changes.map((ch) => ch.rule),
    );
    const strict = matchMultiset(
      c.expected.map((e) => key(e.rule, e.path, e.line, e.column)),
      changes.map((ch) => key(ch.rule, ch.path, ch.span?.line, ch.span?.column)),
    );
    return {
      name: c.name,
      breaking: changes.length > 0,
      expectedBreaking: c.breaking,
      missingRules: c.expected_rules.filter((id) => !changes.some((ch) => ch.rule === id)),
      ruleMultisetEqual: rules.missing.length === 0 && rules.extra.length === 0,
      strictEqual: strict.missing.length === 0 && strict.extra.length === 0,
      strictMatched: strict.matched,
      extra: strict.extra,
      missing: strict.missing,
      changes,
      ...(error !== undefined ? { error } : {}),
      ruleMatched: rules.matched,
    } as BufCaseOutcome & { ruleMatched: number };
  });
  const expectedRuleIds = corpus.cases.reduce((n, c) => n + c.expected_rules.length, 0);
  const foundRuleIds = expectedRuleIds - outcomes.reduce((n, o) => n + o.missingRules.length, 0);
  const percent = (part: number, whole: number) => (whole === 0 ? 100 : (100 * part) / whole);
  return {
    cases: outcomes.length,
    verdictAgreement: percent(outcomes.filter((o) => o.breaking === o.expectedBreaking).length, outcomes.length),
    expectedRuleIds,
    foundRuleIds,
    ruleIdRecall: percent(foundRuleIds, expectedRuleIds),
    ruleMultisetCases: outcomes.filter((o) => o.ruleMultisetEqual).length,
    annotations: corpus.cases.reduce((n, c) => n + c.expected.length, 0),
    ruleAnnotationsMatched: outcomes.reduce((n, o) => n + (o as BufCaseOutcome & { ruleMatched: number }).ruleMatched, 0),
    strictCases: outcomes.filter((o) => o.strictEqual).length,
    strictAnnotationsMatched: outcomes.reduce((n, o) => n + o.strictMatched, 0),
    outcomes,
  };
}

/** The two sides of every case of the buf corpus at `dir`, as sources. */
export function bufCorpusSides(dir: string): { name: string; previous: ProtoSource[]; current: ProtoSource[] }[] {
  const corpus = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: BufCase[] };
  return corpus.cases.map((c) => ({
    name: c.name,
    previous: readSide(join(dir, c.previous), c.roots.previous),
    current: readSide(join(dir, c.current), c.roots.current),
  }));
}
