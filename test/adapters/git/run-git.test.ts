import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GitError, runGit } from '../../../src/adapters/git/run-git.js';
import { GitRepo } from '../../support/git-repo.js';

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function repo(): GitRepo {
  const made = new GitRepo({ 'a.txt': 'a\n' });
  repos.push(made);
  made.commit();
  return made;
}

/** Output files of this process's git runs left in the temporary directory. */
function leftovers(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`tranche-git-${process.pid}-`));
}

/**
 * A git alias (a test's own shell command, run by git) that marks its start, writes `bytes` bytes
 * of output, then marks its end.
 */
function writer(dir: string, bytes: number): string[] {
  const started = join(dir, 'STARTED');
  const ended = join(dir, 'ENDED');
  return ['-c', `alias.big=!touch '${started}'; head -c ${bytes} /dev/zero | tr '\\0' x; touch '${ended}'`, 'big'];
}

test("git writes all of its output while this thread is busy, not a pipe's worth", async () => {
  const { dir } = repo();
  // Far more than a pipe holds: through a pipe, git would wait for this thread to read.
  const running = runGit(dir, process.env, writer(dir, 3_000_000));
  for (let i = 0; i < 1000 && !existsSync(join(dir, 'STARTED')); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(existsSync(join(dir, 'STARTED')), 'git started');
  // Busy, as parsing is: no turn of the event loop, so nothing reads a pipe.
  const until = Date.now() + 20_000;
  while (!existsSync(join(dir, 'ENDED')) && Date.now() < until);
  assert.ok(existsSync(join(dir, 'ENDED')), 'git finished writing while nothing read');
  const out = await running;
  assert.equal(out.length, 3_000_000);
  assert.ok(out.every((byte) => byte === 0x78));
  assert.deepEqual(leftovers(), [], 'no output file left behind');
});

test('output, exit codes and errors as through a pipe; a pipe where no output file can be made', async () => {
  const made = repo();
  const { dir } = made;
  const head = await runGit(dir, process.env, ['rev-parse', 'HEAD']);
  assert.match(head.toString('utf8'), /^[0-9a-f]{40}\n$/);
  assert.equal((await runGit(dir, process.env, ['diff', '--quiet', 'HEAD'], { okCodes: [0, 1] })).length, 0);
  assert.equal((await runGit(dir, process.env, ['hash-object', '--stdin'], { input: 'a\n' })).toString('utf8').trim(), made.git('rev-parse', 'HEAD:a.txt'));
  await assert.rejects(
    runGit(dir, process.env, ['rev-parse', '--verify', 'no-such-ref']),
    (error: unknown) => error instanceof GitError && /no-such-ref|Needed a single revision/.test(error.message),
  );
  const before = process.env.TMPDIR;
  process.env.TMPDIR = join(dir, 'not-there');
  try {
    assert.equal((await runGit(dir, process.env, writer(dir, 200_000))).length, 200_000);
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  assert.deepEqual(leftovers(), []);
});
