import type { ErrorObject } from 'ajv';
import { describeSchemaError, pathToPointer, shown, type SchemaWords } from '../describe-schema-error.js';
import { jsonLocation, jsonSyntaxErrorOffset, lineColumn } from '../json-locator.js';
import type { Release } from '../state/records.js';
import { PLAN_FORMAT } from './plan.js';
import type { Plan } from './plan.js';
import { validatePlan } from './plan-validator.js';

/** Why a plan cannot be read, at a JSON pointer into it and, in a file, at its line and column. */
export interface PlanProblem {
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * A plan read against the plan schema: the plan, or the problems found — the first
 * `MAX_PROBLEMS` of them, located, and how many more there are (`omitted`).
 */
export type PlanReading = { plan: Plan; problems?: undefined } | { plan?: undefined; problems: PlanProblem[]; omitted?: number };

/** Problems reported at most: a file broken everywhere is not located everywhere (each location is a pass over the text). */
export const MAX_PROBLEMS = 20;

/**
 * Reads the text of a plan file (`tranche plan -o`): JSON, then the plan schema (format 1). Any
 * text gives a plan or located problems; nothing it holds makes this throw.
 */
export function readPlan(text: string): PlanReading {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problems: [syntaxProblem(text, error)] };
  }
  return checkPlan(data, (path, part) => jsonLocation(text, path, part));
}

/**
 * Checks a value read as JSON against the plan schema: `locate` gives the line and column of a
 * path when the value came from a text (a plan recorded in the state store has none).
 */
export function checkPlan(data: unknown, locate?: (path: (string | number)[], part: 'key' | 'value') => { line: number; column: number }): PlanReading {
  const at = (path: (string | number)[], part: 'key' | 'value', message: string): PlanProblem => ({
    pointer: pathToPointer(path),
    message,
    ...locate?.(path, part),
  });
  const notPlan = notAPlan(data);
  if (notPlan) return { problems: [at(notPlan.path, 'value', notPlan.message)] };
  if (validatePlan(data)) return { plan: data };
  const problems: PlanProblem[] = [];
  const seen = new Set<string>();
  for (const error of validatePlan.errors ?? []) {
    const described = describeSchemaError(error, PLAN_WORDS);
    if (!described) continue;
    const id = `${pathToPointer(described.path)} ${described.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (seen.size <= MAX_PROBLEMS) problems.push(at(described.path, described.part, described.message));
  }
  return seen.size > MAX_PROBLEMS ? { problems, omitted: seen.size - MAX_PROBLEMS } : { problems };
}

/** The problems of a reading as lines: `file:line:column: message (at /json/pointer)`. */
export function planProblemLines(read: { problems: readonly PlanProblem[]; omitted?: number }, file: string): string[] {
  const lines = read.problems.map(
    (p) => `${p.line === undefined ? file : `${file}:${p.line}:${p.column}`}: ${p.message}${p.pointer ? ` (at ${p.pointer})` : ''}`,
  );
  if (read.omitted) lines.push(`and ${read.omitted} more problem${read.omitted === 1 ? '' : 's'}`);
  return lines;
}

/** What is plainly no plan at all, or a plan of another format, said as such rather than as schema errors. */
function notAPlan(data: unknown): { path: (string | number)[]; message: string } | undefined {
  const written = 'not a tranche plan (tranche plan -o writes one)';
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { path: [], message: `${written}: it holds ${Array.isArray(data) ? 'a list' : shown(data)}, not a map` };
  if (!Object.hasOwn(data, 'format')) return { path: [], message: `${written}: it has no format field` };
  const format = (data as { format: unknown }).format;
  if (typeof format === 'number' && Number.isInteger(format) && format > PLAN_FORMAT) {
    return {
      path: ['format'],
      message: `plan format ${format} is newer than this tranche reads (format ${PLAN_FORMAT}): apply it with the tranche that made it, or make the plan again with this one`,
    };
  }
  if (typeof format === 'number' && Number.isInteger(format) && format < PLAN_FORMAT) {
    return {
      path: ['format'],
      message: `plan format ${format} is not one tranche has written (this tranche reads format ${PLAN_FORMAT}): make the plan again`,
    };
  }
  return undefined;
}

const PLAN_WORDS: SchemaWords = {
  whole: 'the plan',
  pattern: (where: string, error: ErrorObject) =>
    where === 'toCommit' || where.endsWith('.commit') || where.endsWith('.toCommit')
      ? `${where}: ${shown(error.data)} is not a git commit id (40 or 64 hex digits)`
      : `${where}: ${shown(error.data)} does not match ${String((error.params as { pattern?: string }).pattern)}`,
};

/**
 * A JSON syntax error, where the parser says it is (V8 gives an offset for most errors), or where
 * the text stops being JSON.
 */
function syntaxProblem(text: string, error: unknown): PlanProblem {
  const message = error instanceof Error ? error.message : String(error);
  const said = /at position (\d+)/.exec(message)?.[1];
  const offset = said === undefined ? (jsonSyntaxErrorOffset(text) ?? text.length) : Number(said);
  const what = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
  return { pointer: '', message: `not JSON: ${what}`, ...lineColumn(text, Math.min(offset, text.length)) };
}

/**
 * A plan about to be recorded for a release, checked as the store will give it back (its JSON):
 * a plan tranche would not read back is never recorded — that would be a bug in tranche — and
 * every later read of it holds.
 */
export function planToRecord(release: Pick<Release, 'id' | 'plan'>): Plan {
  const read = checkPlan(JSON.parse(JSON.stringify(release.plan)) as unknown);
  if (read.problems)
    throw new Error(`internal error: the plan of release ${release.id} does not match the plan schema: ${planProblemLines(read, 'plan').join('; ')}`);
  return release.plan;
}
