import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GitCli } from '../../src/adapters/git/git-cli.js';
import { ParseMemo } from '../../src/engine/gather.js';
import { readReleaseRevisions } from '../../src/engine/read-release.js';
import { releaseContent } from '../../src/engine/release-content.js';
import { resolveFleet } from '../../src/core/config/resolve-fleet.js';
import { testFingerprints } from '../support/fingerprints.js';
import { GitRepo } from '../support/git-repo.js';

const manifest = `version: 1
name: shop
environments:
  dev: { driver: local }
services:
  api:
    path: services/api
`;

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** A git that logs each command before running it: the commands a client starts, in order. */
function loggedGit(dir: string): { git: GitCli; commands: () => string[] } {
  const shim = mkdtempSync(join(tmpdir(), 'tranche-git-shim-'));
  const log = join(shim, 'log');
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  const git = new GitCli(dir, { ...process.env, PATH: `${shim}:${process.env.PATH}` });
  cleanups.push(
    () => git.close(),
    () => rmSync(shim, { recursive: true, force: true }),
  );
  return { git, commands: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

test('the range between --from and the target is asked of git before either fleet is read, once, and each ref resolved once', async () => {
  const repo = new GitRepo({ 'tranche.yaml': manifest, 'services/api/main.js': '1\n' });
  cleanups.push(() => repo.dispose());
  const v1 = repo.commit('v1');
  const v2 = repo.write({ 'services/api/main.js': '2\n' }).commit('v2: api changes');
  const { git, commands } = loggedGit(repo.dir);
  const revisions = await readReleaseRevisions(git, new ParseMemo(), {
    env: 'dev',
    toRef: 'HEAD',
    fromRef: 'HEAD~1',
    fingerprints: async () => testFingerprints,
  });
  assert.equal(revisions.to.commit, v2);
  assert.equal(revisions.to.label, `HEAD (${v2.slice(0, 7)})`, 'labelled by the ref given');
  assert.deepEqual([...revisions.bases.keys()], [v1]);
  const content = await releaseContent(git, revisions, resolveFleet(revisions.to), { dependencies: false });
  assert.deepEqual(
    content.changes.services.find((s) => s.service === 'api')?.commits.map((c) => c.subject),
    ['v2: api changes'],
  );
  const ran = commands();
  const log = ran.findIndex((c) => c.startsWith('log '));
  const firstRead = ran.findIndex((c) => c.startsWith('cat-file') || c.startsWith('ls-tree'));
  assert.ok(log !== -1 && firstRead !== -1 && log < firstRead, ran.join('\n'));
  assert.equal(ran.filter((c) => c.startsWith('log ')).length, 1, 'the range is read once');
  for (const ref of ['HEAD~1', 'HEAD'])
    assert.equal(ran.filter((c) => c.startsWith('rev-parse --verify') && c.endsWith(` ${ref}^{commit}`)).length, 1, `${ref} resolved once`);
});

test('a --from that names nothing is the same error as before: nothing is read for it', async () => {
  const repo = new GitRepo({ 'tranche.yaml': manifest, 'services/api/main.js': '1\n' });
  cleanups.push(() => repo.dispose());
  repo.commit('v1');
  const { git, commands } = loggedGit(repo.dir);
  await assert.rejects(
    readReleaseRevisions(git, new ParseMemo(), { env: 'dev', toRef: 'HEAD', fromRef: 'no-such-ref', fingerprints: async () => testFingerprints }),
    /no-such-ref/,
  );
  assert.equal(commands().filter((c) => c.startsWith('log ')).length, 0);
});
