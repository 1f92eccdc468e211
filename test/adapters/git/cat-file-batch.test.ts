import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CatFileBatch } from '../../../src/adapters/git/cat-file-batch.js';
import { GitRepo } from '../../support/git-repo.js';

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function blobs(files: Record<string, string>): { batch: CatFileBatch; ids: Record<string, string> } {
  const repo = new GitRepo(files);
  repos.push(repo);
  repo.commit();
  const ids = Object.fromEntries(Object.keys(files).map((path) => [path, repo.git('rev-parse', `HEAD:${path}`)]));
  return { batch: new CatFileBatch(repo.dir, process.env), ids };
}

/** Keeps this thread busy, as parsing does, without giving the event loop a turn. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

test('answers in order large blobs, empty ones and missing objects, while this thread is busy', async () => {
  // Larger than a pipe holds, so that git has to keep writing while nothing here reads.
  const large = `${'x'.repeat(3_000_000)}\n`;
  const { batch, ids } = blobs({ large, empty: '', small: 'small\n' });
  const missing = '0'.repeat(40);
  const answers = batch.readMany([ids.large!, missing, ids.empty!, ids.small!, ids.large!]);
  busy(300);
  const contents = await answers;
  assert.equal(contents.get(ids.large!)?.toString('utf8'), large);
  assert.equal(contents.get(ids.empty!)?.length, 0);
  assert.equal(contents.get(ids.small!)?.toString('utf8'), 'small\n');
  assert.equal(contents.has(missing), false);
  assert.equal(await batch.read(missing), undefined);
  await batch.close();
  await assert.rejects(batch.read(ids.small!), /closed/);
});

test('a repository git cannot read fails every request, and close still ends', async () => {
  const batch = new CatFileBatch('/nonexistent-tranche-dir', process.env);
  await assert.rejects(batch.read('0'.repeat(40)));
  // However long after git is gone.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await assert.rejects(batch.read('0'.repeat(40)));
  await batch.close();
});
