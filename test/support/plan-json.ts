import { after } from 'node:test';
import { GitRepo } from './git-repo.js';

/** A finding as `--json` prints it. */
export interface JsonFinding {
  rule: string;
  severity: string;
  service?: string;
  message: string;
  hint?: string;
  location?: { file: string; line?: number; column?: number };
}

/** `tranche plan --json`, as far as the contract tests read it. */
export interface PlanJson {
  findings: JsonFinding[];
  batches: { services: string[]; kind: string; reasons: string[] }[];
}

/** The index of the batch `name` is in, or -1. */
export const batchOf = (plan: PlanJson, name: string): number => plan.batches.findIndex((b) => b.services.includes(name));

/** `RULE SERVICE` of every contract finding, sorted. */
export const contractFindings = (findings: readonly JsonFinding[]): string[] =>
  findings
    .filter((f) => f.rule.startsWith('contract/'))
    .map((f) => `${f.rule} ${f.service}`)
    .sort();

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

/** A repository of `files` committed as v1, removed when the test file ends. */
export function fleetAtV1(files: Record<string, string>): { repo: GitRepo; v1: string } {
  const repo = new GitRepo(files);
  repos.push(repo);
  return { repo, v1: repo.commit('v1') };
}
