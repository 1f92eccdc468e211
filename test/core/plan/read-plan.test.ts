import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { jsonOffset } from '../../../src/core/json-locator.js';
import { comparePlans } from '../../../src/core/plan/compare-plans.js';
import type { Plan } from '../../../src/core/plan/plan.js';
import { checkPlan, MAX_PROBLEMS, planProblemLines, planToRecord, readPlan, type PlanReading } from '../../../src/core/plan/read-plan.js';
import { copy, fixturePlan } from './plan-fixture.js';

const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const problems = (read: PlanReading) => {
  assert.ok(read.problems, `expected problems, read a plan`);
  return read.problems.map((p) => `${p.line}:${p.column} ${p.pointer} ${p.message}`);
};

/** The plan file with `edit` applied to it. */
function edited(edit: (plan: any) => void): string {
  const plan = copy(fixturePlan()) as any;
  edit(plan);
  return text(plan);
}

describe('readPlan', () => {
  test('reads back every plan tranche writes, as written', () => {
    for (const plan of [
      fixturePlan(),
      fixturePlan({
        findings: [
          {
            rule: 'config/missing',
            severity: 'error',
            service: 'api',
            key: 'X',
            message: 'm',
            hint: 'h',
            location: { file: 'tranche.yaml', line: 3, column: 5 },
          },
        ],
      }),
    ]) {
      assert.deepEqual(readPlan(text(plan)), { plan });
    }
  });

  test('a wrong type deep inside names the JSON pointer and the line and column of the value', () => {
    const source = edited((p) => (p.batches[2].steps[0].to.commit = 5));
    const at = jsonOffset(source, ['batches', 2, 'steps', 0, 'to', 'commit']);
    assert.equal(source.slice(at, at + 2), '5,');
    const before = source.slice(0, at).split('\n');
    assert.deepEqual(problems(readPlan(source)), [
      `${before.length}:${before.at(-1)!.length + 1} /batches/2/steps/0/to/commit batches.2.steps.0.to.commit must be a string, found the integer 5`,
    ]);
  });

  test('malformed values at several depths are each reported, located, and nothing is taken for a plan', () => {
    const source = edited((p) => {
      p.format = '1';
      p.policy.on_failure = 'retry';
      p.findings = [{ rule: 'config/missing', severity: 'fatal', message: 'm' }];
      p.batches[0].steps[0].rollback = { action: 'redeploy' };
      p.batches[1].gates.bakeMs = -1;
      p.basis.deployed.api.commit = 'HEAD; rm -rf /';
      p.unchanged = 'none';
      p.approvedBy = 'me';
    });
    const lines = problems(readPlan(source)).map((l) => l.replace(/^\d+:\d+ /, ''));
    assert.deepEqual(lines.sort(), [
      '/approvedBy unknown key approvedBy in the plan (expected one of format, fleet, env, createdAt, intent, scope, to, basis, policy, findings, changes, batches, unchanged)',
      '/basis/deployed/api/commit basis.deployed.api.commit: "HEAD; rm -rf /" is not a git commit id (40 or 64 hex digits)',
      '/batches/0/steps/0/rollback batches.0.steps.0.rollback is missing the required key to',
      '/batches/1/gates/bakeMs batches.1.gates.bakeMs must be at least 0, found -1',
      '/findings/0/severity findings.0.severity: "fatal" is not one of error, warn, info',
      '/format format must be 1, found "1"',
      '/policy/on_failure policy.on_failure: "retry" is not one of rollback-batch, rollback-release, pause',
      '/unchanged unchanged must be a list, found the string "none"',
    ]);
    for (const line of problems(readPlan(source))) assert.match(line, /^\d+:\d+ /);
  });

  test('a rollback that stops cannot also name a version to redeploy', () => {
    const source = edited((p) => (p.batches[3].steps[0].rollback = { action: 'stop', to: p.batches[2].steps[0].to }));
    assert.deepEqual(
      problems(readPlan(source)).map((l) => l.replace(/^\d+:\d+ /, '')),
      ['/batches/3/steps/0/rollback/to batches.3.steps.0.rollback.to is not allowed here'],
    );
  });

  test('text that is not JSON is located where the parser stopped', () => {
    assert.deepEqual(
      problems(readPlan('{\n  "format": 1,\n  "env": "dev",\n')).map((l) => l.replace(/ not JSON: .*/, '')),
      ['4:1 '],
    );
    assert.match(problems(readPlan('{\n  "format": 1 x\n}'))[0]!, /^2:15 {2}not JSON: /);
  });

  test('what is no plan at all, and a plan of a format this tranche does not read, are said as such', () => {
    assert.deepEqual(problems(readPlan('{"hello": "world"}')), ['1:1  not a tranche plan (tranche plan -o writes one): it has no format field']);
    assert.deepEqual(problems(readPlan('[1]')), ['1:1  not a tranche plan (tranche plan -o writes one): it holds a list, not a map']);
    assert.deepEqual(problems(readPlan('null')), ['1:1  not a tranche plan (tranche plan -o writes one): it holds null, not a map']);
    assert.match(problems(readPlan(edited((p) => (p.format = 2))))[0]!, /^2:13 \/format plan format 2 is newer than this tranche reads \(format 1\)/);
    assert.deepEqual(problems(readPlan(edited((p) => (p.format = 0)))), [
      '2:13 /format plan format 0 is not one tranche has written (this tranche reads format 1): make the plan again',
    ]);
    assert.deepEqual(
      checkPlan({ ...fixturePlan(), format: 7 }).problems?.map((p) => p.message),
      ['plan format 7 is newer than this tranche reads (format 1): apply it with the tranche that made it, or make the plan again with this one'],
    );
  });

  test('a plan broken everywhere reports its first problems, located, and how many more there are', () => {
    const source = edited((p) => (p.unchanged = Array.from({ length: 1000 }, (_, i) => i)));
    const read = readPlan(source);
    if (!read.problems) return assert.fail('read a plan');
    assert.equal(read.problems.length, MAX_PROBLEMS);
    assert.equal(read.omitted, 1000 - MAX_PROBLEMS);
    assert.equal(read.problems[0]!.pointer, '/unchanged/0');
    const lines = planProblemLines(read, 'plan.json');
    assert.match(lines[0]!, /^plan\.json:\d+:\d+: unchanged\.0 must be a string, found the integer 0 \(at \/unchanged\/0\)$/);
    assert.equal(lines.at(-1), `and ${1000 - MAX_PROBLEMS} more problems`);
  });
});

describe('planToRecord', () => {
  test('passes a plan tranche made, as the store will give it back; one that breaks the schema is a bug (an internal error), never recorded', () => {
    const plan = fixturePlan();
    assert.equal(planToRecord({ id: 'r1', plan }), plan);
    const broken = copy(plan) as any;
    broken.policy.bake = 1.5;
    assert.throws(
      () => planToRecord({ id: 'r2', plan: broken }),
      /^Error: internal error: the plan of release r2 does not match the plan schema: plan: policy\.bake must be an integer/,
    );
  });
});

/** Every path into a JSON value, the value's own included. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...prefix, key]));
  return out;
}

function at(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, segment) => (node as Record<string | number, unknown>)[segment], value);
}

/** A valid plan with one arbitrary edit: a value replaced by any JSON, a key removed, or an item added. */
const mutatedPlan = fc
  .tuple(fc.constantFrom(...paths(fixturePlan()).filter((p) => p.length > 0)), fc.oneof(fc.jsonValue(), fc.constant(undefined)), fc.boolean())
  .map(([path, replacement, append]) => {
    const plan = copy(fixturePlan()) as unknown;
    const parent = at(plan, path.slice(0, -1)) as Record<string | number, unknown>;
    const last = path.at(-1)!;
    if (append && Array.isArray(parent)) parent.push(replacement ?? null);
    else if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
    else parent[last] = replacement ?? null;
    return plan;
  });

describe('the plan reader, on any input', () => {
  test('any JSON text gives a plan or located problems, never a throw', () => {
    fc.assert(
      fc.property(fc.json(), fc.integer({ min: 0, max: 4 }), (json, indent) => {
        const source = JSON.stringify(JSON.parse(json), null, indent);
        assertReading(readPlan(source), source);
      }),
      { numRuns: 500 },
    );
  });

  test('any text at all (broken JSON included) gives located problems, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (source) => assertReading(readPlan(source), source)),
      { numRuns: 500 },
    );
  });

  test('any edit of a valid plan gives a plan that compares without a throw, or problems that point into the edited file', () => {
    fc.assert(
      fc.property(mutatedPlan, (plan) => {
        const source = text(plan);
        const read = readPlan(source);
        assertReading(read, source);
        if (read.plan) {
          const { differences, newErrors } = comparePlans(read.plan, fixturePlan());
          assert.ok(Array.isArray(differences) && Array.isArray(newErrors));
        } else {
          // A stored plan (no text) gives the same problems, without lines and columns.
          assert.deepEqual(
            checkPlan(plan).problems,
            read.problems.map(({ pointer, message }) => ({ pointer, message })),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('the locator finds the very text of any value of any JSON document', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), (json, pick) => {
        const value = JSON.parse(json) as unknown;
        const compact = JSON.stringify(value);
        const all = paths(value);
        const path = all[pick % all.length]!;
        assert.ok(compact.startsWith(JSON.stringify(at(value, path)), jsonOffset(compact, path)), `path ${JSON.stringify(path)} in ${compact}`);
      }),
      { numRuns: 500 },
    );
  });
});

/** A plan, or at least one problem, each with a JSON pointer, a message, and a line and column inside `source`. */
function assertReading(read: PlanReading, source: string): void {
  if (read.plan) {
    assert.equal(read.problems, undefined);
    assert.equal((read.plan as Plan).format, 1);
    return;
  }
  assert.ok(read.problems.length > 0, 'neither a plan nor a problem');
  const lines = source.split('\n');
  for (const problem of read.problems) {
    assert.equal(typeof problem.pointer, 'string');
    assert.ok(problem.pointer === '' || problem.pointer.startsWith('/'), problem.pointer);
    assert.ok(problem.message.length > 0);
    assert.ok(problem.line! >= 1 && problem.line! <= lines.length, `line ${problem.line} of ${lines.length}`);
    assert.ok(problem.column! >= 1 && problem.column! <= lines[problem.line! - 1]!.length + 1, `column ${problem.column} on line ${problem.line}`);
  }
}
