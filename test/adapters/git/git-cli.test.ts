import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitCli } from '../../../src/adapters/git/git-cli.js';
import { RefNotFoundError } from '../../../src/ports/git.js';
import { GitRepo } from '../../support/git-repo.js';

const repos: GitRepo[] = [];
const clients: GitCli[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  repos.forEach((r) => r.dispose());
});
function setup(files: Record<string, string>) {
  const repo = new GitRepo(files);
  repos.push(repo);
  const git = new GitCli(repo.dir, process.env);
  clients.push(git);
  return { repo, git };
}

describe('GitCli', () => {
  test('reads files at any commit without a checkout', async () => {
    const { repo, git } = setup({ 'a/b.txt': 'one\n', '.gitignore': 'secret.env\n' });
    const first = repo.commit('one');
    repo.write({ 'a/b.txt': 'two\n' }).commit('two');
    repo.write({ 'a/b.txt': 'three (uncommitted)\n' });
    const atFirst = git.commitTree(first, 'first');
    assert.deepEqual(await atFirst.read(['a/b.txt']), new Map([['a/b.txt', 'one\n']]));
    const head = git.commitTree(await git.resolveCommit('HEAD'), 'HEAD');
    assert.equal((await head.read(['a/b.txt'])).get('a/b.txt'), 'two\n');
    assert.equal((await git.workingTree().read(['a/b.txt'])).get('a/b.txt'), 'three (uncommitted)\n');
  });

  test('tells files from directories and absent paths', async () => {
    const { repo, git } = setup({ 'a/b.txt': 'x' });
    const tree = git.commitTree(repo.commit(), 'c');
    const nodes = await tree.lookup(['a', 'a/b.txt', 'nope', '.']);
    assert.equal(nodes.get('a')?.kind, 'dir');
    assert.equal(nodes.get('a/b.txt')?.kind, 'file');
    assert.equal(nodes.has('nope'), false);
    assert.equal(nodes.get('.')?.kind, 'dir');
    // Tree ids tell whether what is below a path changed between commits.
    assert.match((nodes.get('a') as { id: string }).id, /^[0-9a-f]{40}$/);
    repo.write({ 'other.txt': 'y' });
    const next = git.commitTree(repo.commit(), 'next');
    const after = await next.lookup(['a', '.']);
    assert.equal((after.get('a') as { id: string }).id, (nodes.get('a') as { id: string }).id);
    assert.notEqual((after.get('.') as { id: string }).id, (nodes.get('.') as { id: string }).id);
  });

  test('reads an untracked, git-ignored file from disk at any revision, and says it is untracked', async () => {
    const { repo, git } = setup({ '.gitignore': '*.env\n', 'keep': '' });
    const commit = repo.commit();
    repo.write({ 'deploy/prod.env': 'TOKEN=x\n' });
    const tree = git.commitTree(commit, 'c');
    assert.deepEqual((await tree.lookup(['deploy/prod.env'])).get('deploy/prod.env'), { kind: 'file', tracked: false });
    assert.equal((await tree.read(['deploy/prod.env'])).get('deploy/prod.env'), 'TOKEN=x\n');
  });

  test('does not read a file that is merely not added yet, at a commit', async () => {
    const { repo, git } = setup({ keep: '' });
    const commit = repo.commit();
    repo.write({ 'config/dev.yaml': 'A: 1\n' });
    const tree = git.commitTree(commit, 'c');
    assert.equal((await tree.lookup(['config/dev.yaml'])).has('config/dev.yaml'), false);
    assert.equal((await tree.read(['config/dev.yaml'])).has('config/dev.yaml'), false);
    // In the working tree it is there, and counts as tracked: it is on its way into git.
    assert.deepEqual((await git.workingTree().lookup(['config/dev.yaml'])).get('config/dev.yaml'), { kind: 'file', tracked: true });
  });

  test('follows a symbolic link inside the repository, at a commit and in the working tree', async () => {
    const { repo, git } = setup({ 'shared/base.yaml': 'A: 1\n' });
    symlinkSync('../shared/base.yaml', join(repo.dir, 'svc-link.yaml'));
    mkdirSync(join(repo.dir, 'svc'));
    symlinkSync('../shared/base.yaml', join(repo.dir, 'svc/base.yaml'));
    const tree = git.commitTree(repo.commit(), 'c');
    assert.equal((await tree.read(['svc/base.yaml'])).get('svc/base.yaml'), 'A: 1\n');
    assert.equal((await tree.lookup(['svc/base.yaml'])).get('svc/base.yaml')?.kind, 'file');
    assert.equal((await git.workingTree().read(['svc/base.yaml'])).get('svc/base.yaml'), 'A: 1\n');
  });

  test('does not read a tracked file from disk at a commit that lacks it', async () => {
    const { repo, git } = setup({ keep: '' });
    const before = repo.commit();
    repo.write({ 'added.yaml': 'A: 1\n' }).commit();
    const tree = git.commitTree(before, 'before');
    assert.equal((await tree.lookup(['added.yaml'])).has('added.yaml'), false);
  });

  test('reads a thousand blobs through one cat-file process, including identical ones', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) files[`f/${i}.txt`] = `content ${i % 500}\n`;
    const { repo, git } = setup(files);
    const tree = git.commitTree(repo.commit(), 'c');
    const texts = await tree.read(Object.keys(files));
    assert.equal(texts.size, 1000);
    for (const [path, text] of Object.entries(files)) assert.equal(texts.get(path), text);
  });

  test('a ref that names no commit is a RefNotFoundError, including option-like refs', async () => {
    const { repo, git } = setup({ keep: '' });
    repo.commit();
    await assert.rejects(git.resolveCommit('nope'), RefNotFoundError);
    await assert.rejects(git.resolveCommit('--all'), RefNotFoundError);
    assert.match(await git.resolveCommit('HEAD'), /^[0-9a-f]{40}$/);
  });
});
