import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './paths.js';

// Real open-source fleets at two upstream versions (../shared/corpora/fleets, beside the clone as
// CI lays it out, or TRANCHE_FLEETS_CORPUS).
const CORPUS = process.env.TRANCHE_FLEETS_CORPUS ?? resolve(REPO_ROOT, '../shared/corpora/fleets');

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

/**
 * The corpus fleet as a git repository in a new temp dir (its versions, oldest first, each a
 * tagged commit), with `manifest` committed on top. `dirs` gets the temp dir, for the caller to remove.
 */
export function buildCorpusFleet(name: string, manifest: string, dirs: string[]): string {
  assert.ok(existsSync(join(CORPUS, 'build.sh')), `the fleets corpus is missing at ${CORPUS} (set TRANCHE_FLEETS_CORPUS)`);
  const dir = join(mkdtempSync(join(tmpdir(), `tranche-${name}-`)), 'fleet');
  dirs.push(resolve(dir, '..'));
  execFileSync('bash', [join(CORPUS, 'build.sh'), name, dir], { stdio: 'ignore' });
  writeFileSync(join(dir, 'tranche.yaml'), manifest);
  commitAll(dir, 'describe the fleet');
  return dir;
}

/** Commits every change of the working tree of `dir` (none is fine); returns the commit id. */
export function commitAll(dir: string, message: string): string {
  execFileSync('git', ['add', '-A'], { cwd: dir, env: GIT_ENV });
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: dir, env: GIT_ENV });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
}
