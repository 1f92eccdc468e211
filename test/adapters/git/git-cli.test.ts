import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitCli } from '../../../src/adapters/git/git-cli.js';
import type { FileTree } from '../../../src/ports/file-tree.js';
import { AmbiguousRefError, RefNotFoundError } from '../../../src/ports/git.js';
import { GitRepo } from '../../support/git-repo.js';

const repos: GitRepo[] = [];
const clients: GitCli[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  repos.forEach((r) => r.dispose());
});
/** What a tree reads, as UTF-8 text. */
async function texts(tree: FileTree, paths: string[]): Promise<Map<string, string>> {
  return new Map([...(await tree.read(paths))].map(([path, bytes]) => [path, Buffer.from(bytes).toString('utf8')]));
}

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
    assert.deepEqual(await texts(atFirst, ['a/b.txt']), new Map([['a/b.txt', 'one\n']]));
    const head = git.commitTree(await git.resolveCommit('HEAD'), 'HEAD');
    assert.equal((await texts(head, ['a/b.txt'])).get('a/b.txt'), 'two\n');
    assert.equal((await texts(git.workingTree(), ['a/b.txt'])).get('a/b.txt'), 'three (uncommitted)\n');
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
    const { repo, git } = setup({ '.gitignore': '*.env\n', keep: '' });
    const commit = repo.commit();
    repo.write({ 'deploy/prod.env': 'TOKEN=x\n' });
    const tree = git.commitTree(commit, 'c');
    assert.deepEqual((await tree.lookup(['deploy/prod.env'])).get('deploy/prod.env'), { kind: 'file', tracked: false });
    assert.equal((await texts(tree, ['deploy/prod.env'])).get('deploy/prod.env'), 'TOKEN=x\n');
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

  test('does not read a tracked file from disk at a commit that lacks it', async () => {
    const { repo, git } = setup({ keep: '' });
    const before = repo.commit();
    repo.write({ 'added.yaml': 'A: 1\n' }).commit();
    const tree = git.commitTree(before, 'before');
    assert.equal((await tree.lookup(['added.yaml'])).has('added.yaml'), false);
  });

  test('lists the files below a directory at any depth, at a commit and in the working tree', async () => {
    const { repo, git } = setup({
      '.gitignore': '*.secret.yaml\n',
      'k8s/base/app.yaml': 'a',
      'k8s/prod/app.yaml': 'b',
      'k8s/prod/old.yaml': 'c',
      'k8sx/other.yaml': 'd',
    });
    const commit = repo.commit();
    repo.write({ 'k8s/prod/db.secret.yaml': 'ignored, on disk', 'k8s/prod/new.yaml': 'not added yet' }).remove('k8s/prod/old.yaml');
    const atCommit = git.commitTree(commit, 'c');
    // At a commit: its files, and a git-ignored file on disk (as read does); not a file merely not added yet.
    assert.deepEqual(await atCommit.list('k8s'), ['k8s/base/app.yaml', 'k8s/prod/app.yaml', 'k8s/prod/db.secret.yaml', 'k8s/prod/old.yaml']);
    assert.deepEqual(await atCommit.list('k8s/prod'), ['k8s/prod/app.yaml', 'k8s/prod/db.secret.yaml', 'k8s/prod/old.yaml']);
    assert.deepEqual(await atCommit.list('nope'), []);
    // In the working tree: what is on disk, tracked or not; a deleted file is gone.
    assert.deepEqual(await git.workingTree().list('k8s/prod'), ['k8s/prod/app.yaml', 'k8s/prod/db.secret.yaml', 'k8s/prod/new.yaml']);
    assert.deepEqual(await git.workingTree().list('nope'), []);
    assert.ok((await git.workingTree().list('.')).includes('k8sx/other.yaml'));
  });

  test('copies a commit to disk with the git-ignored files (not ignored directories), once, and removes it on close', async () => {
    const repo = new GitRepo({ '.gitignore': 'secret.env\nbuild/\n', 'fleet/tranche.yaml': 'v1\n', 'fleet/a.txt': 'one\n', 'lib/base.yaml': 'base\n' });
    repos.push(repo);
    const first = repo.commit();
    repo.write({ 'fleet/a.txt': 'two\n', 'fleet/secret.env': 'TOKEN=x\n', 'fleet/build/out.bin': 'big\n' }).commit();
    const git = new GitCli(join(repo.dir, 'fleet'), process.env);
    const dir = await git.commitTree(first, 'first').materialize();
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'one\n', "the commit's content, not the working tree's");
    assert.equal(readFileSync(join(dir, '..', 'lib', 'base.yaml'), 'utf8'), 'base\n', 'the whole repository: bases outside the fleet are there');
    assert.equal(readFileSync(join(dir, 'secret.env'), 'utf8'), 'TOKEN=x\n', 'a git-ignored file, as read sees it');
    assert.equal(existsSync(join(dir, 'build')), false, 'not an ignored directory');
    assert.equal(await git.commitTree(first, 'again').materialize(), dir, 'made once');
    assert.equal(await git.workingTree().materialize(), join(repo.dir, 'fleet').replace(/\/$/, ''));
    await git.close();
    assert.equal(existsSync(dir), false, 'removed on close');
  });

  test('reads a thousand blobs through one cat-file process, including identical ones', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) files[`f/${i}.txt`] = `content ${i % 500}\n`;
    const { repo, git } = setup(files);
    const tree = git.commitTree(repo.commit(), 'c');
    const read = await texts(tree, Object.keys(files));
    assert.equal(read.size, 1000);
    for (const [path, text] of Object.entries(files)) assert.equal(read.get(path), text);
  });

  test('a ref that names no commit is a RefNotFoundError, including option-like refs', async () => {
    const { repo, git } = setup({ keep: '' });
    repo.commit();
    await assert.rejects(git.resolveCommit('nope'), RefNotFoundError);
    await assert.rejects(git.resolveCommit('--all'), RefNotFoundError);
    assert.match(await git.resolveCommit('HEAD'), /^[0-9a-f]{40}$/);
  });

  test('a full id a ref was resolved to is not asked of git again; a ref is, every time', async () => {
    const { repo } = setup({ 'a.txt': 'one\n' });
    repo.commit('one');
    // A git that logs each command before running it: the commands this client starts.
    const shim = mkdtempSync(join(tmpdir(), 'tranche-git-shim-'));
    const log = join(shim, 'log');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const git = new GitCli(repo.dir, { ...process.env, PATH: `${shim}:${process.env.PATH}` });
    clients.push(git);
    const head = await git.resolveCommit('HEAD');
    assert.equal(await git.resolveCommit(head), head);
    const asked = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('rev-parse --verify'));
    assert.equal(asked().length, 1, readFileSync(log, 'utf8'));
    const second = repo.write({ 'a.txt': 'two\n' }).commit('two');
    assert.equal(await git.resolveCommit('HEAD'), second, 'a ref moved is seen moved');
    assert.equal(asked().length, 2);
    await assert.rejects(git.resolveCommit('0'.repeat(40)), RefNotFoundError, 'an id never resolved to is asked of git');
    rmSync(shim, { recursive: true, force: true });
  });

  test('a name that is a branch and a tag of different commits is refused, both named', async () => {
    const { repo, git } = setup({ a: '1' });
    const first = repo.commit('one');
    repo.write({ a: '2' });
    const second = repo.commit('two');
    repo.git('tag', 'release', first);
    repo.git('branch', 'release', second);
    await assert.rejects(git.resolveCommit('release'), (error: unknown) => {
      assert.ok(error instanceof AmbiguousRefError);
      assert.match(error.message, /refs\/heads\/release \([0-9a-f]{7}\) and refs\/tags\/release|refs\/tags\/release \([0-9a-f]{7}\) and refs\/heads\/release/);
      assert.match(error.message, /say which: (heads|tags)\/release or (heads|tags)\/release/);
      return true;
    });
    await assert.rejects(git.resolveCommit('release~1'), AmbiguousRefError);
    assert.equal(await git.resolveCommit('tags/release'), first);
    assert.equal(await git.resolveCommit('heads/release'), second);
    // A name may hold '@'; a tag of a tag peels to its commit.
    repo.git('tag', 'x@1', first);
    repo.git('branch', 'x@1', second);
    await assert.rejects(git.resolveCommit('x@1'), /revision "x@1" is ambiguous/);
    repo.git('tag', '-a', '-m', 'inner', 'inner', second);
    repo.git('tag', '-a', '-m', 'outer', 'nested', 'inner');
    repo.git('branch', 'nested', second);
    assert.equal(await git.resolveCommit('nested'), second, 'a nested tag and a branch of the same commit are not ambiguous');
    // A tag and a branch on the same commit are not ambiguous in effect.
    repo.git('tag', 'same', second);
    repo.git('branch', 'same', second);
    assert.equal(await git.resolveCommit('same'), second);
  });

  test('a ref missing from a shallow clone says the clone is shallow and how much history it needs', async () => {
    const { repo } = setup({ a: '1' });
    for (let i = 2; i <= 4; i++) repo.write({ a: String(i) }).commit(`c${i}`);
    const dir = mkdtempSync(join(tmpdir(), 'tranche-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '2', `file://${repo.dir}`, dir]);
    const git = new GitCli(dir, process.env);
    clients.push(git);
    assert.equal(await git.isShallow(), true);
    await assert.rejects(git.resolveCommit('HEAD~3'), (error: unknown) => {
      assert.ok(error instanceof RefNotFoundError);
      assert.match(error.message, /this clone is shallow: HEAD has 2 commits of history here and HEAD~3 needs 4; run git fetch --deepen=2/);
      return true;
    });
    const first = repo.git('rev-list', '--max-parents=0', 'HEAD');
    await assert.rejects(git.resolveCommit(first), /shallow .*git fetch --unshallow/);
    assert.match(await git.resolveCommit('HEAD~1'), /^[0-9a-f]{40}$/);
    const full = new GitCli(repo.dir, process.env);
    clients.push(full);
    assert.equal(await full.isShallow(), false);
  });

  test('reports renames as one change, and a merge commit with the files it changed itself', async () => {
    const { repo, git } = setup({ 'svc/a.yaml': 'A: 1\nB: 2\nC: 3\nD: 4\n', 'svc/b.txt': 'b\n', 'other/c.txt': 'c\n' });
    const base = repo.commit('base');
    repo.git('mv', 'svc/a.yaml', 'svc/renamed.yaml');
    repo.commit('rename');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write({ 'svc/b.txt': 'b2\n' }).commit('feature change');
    repo.git('checkout', '-q', 'main');
    repo.write({ 'other/c.txt': 'c2\n' }).commit('main change');
    repo.git('merge', '-q', '--no-ff', '--no-commit', 'feature');
    repo.write({ 'other/c.txt': 'edited while merging\n' });
    const merge = repo.commit('merge feature');
    const files = await git.changedFiles(base, merge);
    assert.deepEqual(
      files.find((f) => f.path === 'svc/renamed.yaml'),
      { status: 'R', from: 'svc/a.yaml', path: 'svc/renamed.yaml' },
    );
    assert.equal(
      files.some((f) => f.path === 'svc/a.yaml'),
      false,
    );
    const commits = await git.commits(base, merge);
    assert.deepEqual(
      commits.map((c) => c.subject),
      ['merge feature', 'main change', 'feature change', 'rename'],
    );
    assert.deepEqual(commits[0]!.files, ['other/c.txt']);
    // A merge that discards a side's change (-s ours) changed that file itself.
    repo.git('checkout', '-q', '-b', 'discarded');
    repo.write({ 'svc/b.txt': 'b3\n' }).commit('a change main will not take');
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '-s', 'ours', '-m', 'merge, keeping ours', 'discarded');
    const [ours] = await git.commits(merge, repo.git('rev-parse', 'HEAD'));
    assert.deepEqual([ours!.subject, ours!.files], ['merge, keeping ours', ['svc/b.txt']]);
    assert.deepEqual(commits[3]!.files.sort(), ['svc/a.yaml', 'svc/renamed.yaml']);
    assert.equal(await git.isAncestor(base, merge), true);
    assert.equal(await git.isAncestor(merge, base), false);
  });

  test('sees a fleet in a subdirectory of a repository with paths relative to it', async () => {
    const { repo } = setup({ 'fleet/tranche.yaml': 'x\n', 'fleet/svc/a.txt': '1\n', 'elsewhere/b.txt': '1\n', '.gitignore': '*.env\n' });
    const base = repo.commit('base');
    repo.write({ 'fleet/svc/a.txt': '2\n', 'elsewhere/b.txt': '2\n' });
    const next = repo.commit('both');
    const git = new GitCli(join(repo.dir, 'fleet'), process.env);
    clients.push(git);
    const tree = git.commitTree(next, 'next');
    const nodes = await tree.lookup(['tranche.yaml', 'svc', 'svc/a.txt', 'fleet', '.']);
    assert.deepEqual([...nodes.keys()].sort(), ['.', 'svc', 'svc/a.txt', 'tranche.yaml']);
    assert.equal((nodes.get('.') as { id: string }).id, repo.git('rev-parse', `${next}:fleet`));
    assert.equal((await texts(tree, ['svc/a.txt'])).get('svc/a.txt'), '2\n');
    assert.deepEqual(await git.changedFiles(base, next), [{ status: 'M', path: 'svc/a.txt' }]);
    assert.deepEqual(
      (await git.commits(base, next)).map((c) => c.files),
      [['svc/a.txt']],
    );
    repo.write({ 'fleet/svc/a.txt': '3\n', 'elsewhere/b.txt': '3\n', 'fleet/local.env': 'X=1\n' });
    assert.deepEqual(await git.uncommittedFiles(), ['svc/a.txt']);
    assert.deepEqual((await git.workingTree().lookup(['local.env'])).get('local.env'), { kind: 'file', tracked: false });
    assert.equal((await texts(git.commitTree(next, 'next'), ['local.env'])).get('local.env'), 'X=1\n');
  });

  test('tells a submodule (and any path inside it) apart, at a commit and in the working tree', async () => {
    const { repo: inner } = setup({ 'config/dev.yaml': 'A: 1\n' });
    inner.commit('inner');
    const { repo, git } = setup({ 'svc/keep.txt': '1\n' });
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner.dir, 'vendored');
    const commit = repo.commit('add a submodule');
    const pinned = inner.git('rev-parse', 'HEAD');
    for (const tree of [git.commitTree(commit, 'c'), git.workingTree()]) {
      const nodes = await tree.lookup(['vendored', 'vendored/config/dev.yaml', 'svc/keep.txt']);
      assert.deepEqual(nodes.get('vendored'), { kind: 'submodule', submodule: 'vendored', id: pinned });
      assert.deepEqual(nodes.get('vendored/config/dev.yaml'), { kind: 'submodule', submodule: 'vendored', id: pinned });
      assert.equal(nodes.get('svc/keep.txt')?.kind, 'file');
      assert.equal((await tree.read(['vendored/config/dev.yaml'])).size, 0);
    }
  });
});
