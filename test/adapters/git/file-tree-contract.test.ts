import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitCli } from '../../../src/adapters/git/git-cli.js';
import type { FileTree, TreeNode } from '../../../src/ports/file-tree.js';
import { GitRepo } from '../../support/git-repo.js';

/**
 * The `FileTree` contract, held by both trees `GitCli` gives: the working tree (files as they are
 * on disk, not committed) and a commit (files as git stores them: a symbolic link is a blob of mode
 * 120000 holding its target; the working tree is emptied after the commit, so nothing can come
 * from disk). Every case is built the same way for both and must give the same answer.
 */
const repos: GitRepo[] = [];
const clients: GitCli[] = [];
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'tranche-outside-')));
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  repos.forEach((r) => r.dispose());
  rmSync(outside, { recursive: true, force: true });
});

/** A file outside every repository, whose content must never be read. */
const OUTSIDE_TEXT = 'OUTSIDE=never-read-6f1c\n';
writeFileSync(join(outside, 'secret.env'), OUTSIDE_TEXT);
mkdirSync(join(outside, 'dir'));
writeFileSync(join(outside, 'dir', 'app.yaml'), OUTSIDE_TEXT);

type Layout = { files?: Record<string, string>; links?: Record<string, string> };
type Mode = 'working tree' | 'commit';

/** A repository with `layout` (the fleet in `fleet` when given), read as `mode`. */
function treeOf(mode: Mode, layout: Layout, fleet = '.'): { tree: FileTree; repo: GitRepo } {
  const repo = new GitRepo({ keep: '' });
  repos.push(repo);
  repo.commit('before the layout');
  repo.write(layout.files ?? {});
  for (const [path, target] of Object.entries(layout.links ?? {})) {
    mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
    symlinkSync(target, join(repo.dir, path));
  }
  const git = new GitCli(join(repo.dir, fleet), process.env);
  clients.push(git);
  // Untracked, as written: on its way into git.
  if (mode === 'working tree') return { tree: git.workingTree(), repo };
  const commit = repo.commit('the layout');
  // Nothing of the commit is left on disk: every answer comes from git.
  for (const entry of repo.git('ls-files').split('\n')) if (entry) rmSync(join(repo.dir, entry), { recursive: true, force: true });
  return { tree: git.commitTree(commit, 'c'), repo };
}

async function textOf(tree: FileTree, path: string): Promise<string | undefined> {
  const bytes = (await tree.read([path])).get(path);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
}

async function nodeOf(tree: FileTree, path: string): Promise<TreeNode | undefined> {
  return (await tree.lookup([path])).get(path);
}

for (const mode of ['working tree', 'commit'] as const) {
  describe(`FileTree contract: ${mode}`, () => {
    test('a link to a file inside is followed: the same text, the file it resolves to named', async () => {
      const { tree } = treeOf(mode, { files: { 'shared/base.yaml': 'A: 1\n' }, links: { 'svc/base.yaml': '../shared/base.yaml' } });
      const node = await nodeOf(tree, 'svc/base.yaml');
      assert.equal(node?.kind, 'file');
      assert.equal((node as TreeNode & { kind: 'file' }).real, 'shared/base.yaml');
      assert.equal(await textOf(tree, 'svc/base.yaml'), 'A: 1\n');
      if (mode === 'commit')
        assert.equal((node as { id?: string }).id, ((await nodeOf(tree, 'shared/base.yaml')) as { id?: string }).id, "the target's content id: parsed once");
    });

    test('a link to a directory inside is followed for the paths below it, and listed below the name asked', async () => {
      const { tree } = treeOf(mode, {
        files: { 'shared/conf/dev.env': 'A=1\n', 'shared/conf/sub/prod.env': 'A=2\n' },
        links: { 'svc/conf': '../shared/conf' },
      });
      assert.equal((await nodeOf(tree, 'svc/conf'))?.kind, 'dir');
      assert.equal(((await nodeOf(tree, 'svc/conf')) as { real?: string }).real, 'shared/conf');
      assert.equal(await textOf(tree, 'svc/conf/sub/prod.env'), 'A=2\n');
      assert.deepEqual(await tree.list('svc/conf'), ['svc/conf/dev.env', 'svc/conf/sub/prod.env']);
    });

    test('a chain of links inside is followed to its end', async () => {
      const { tree } = treeOf(mode, { files: { 'shared/x.env': 'X=1\n' }, links: { 'a.env': 'b.env', 'b.env': 'shared/x.env' } });
      assert.equal(((await nodeOf(tree, 'a.env')) as { real?: string }).real, 'shared/x.env');
      assert.equal(await textOf(tree, 'a.env'), 'X=1\n');
    });

    test('a link out of the repository, absolute or climbing, is refused with the link and its target, and never read', async () => {
      const { tree } = treeOf(mode, {
        files: { 'svc/keep': '' },
        links: { 'svc/abs.env': join(outside, 'secret.env'), 'svc/up.env': `../${'../'.repeat(12)}${outside.slice(1)}/secret.env` },
      });
      assert.deepEqual(await nodeOf(tree, 'svc/abs.env'), { kind: 'refused-link', link: 'svc/abs.env', target: join(outside, 'secret.env'), why: 'outside' });
      assert.deepEqual(await nodeOf(tree, 'svc/up.env'), {
        kind: 'refused-link',
        link: 'svc/up.env',
        target: `../${'../'.repeat(12)}${outside.slice(1)}/secret.env`,
        why: 'outside',
      });
      const read = await tree.read(['svc/abs.env', 'svc/up.env']);
      assert.equal(read.size, 0);
    });

    test('a directory link out of the repository refuses every path below it, and lists nothing of it', async () => {
      const { tree } = treeOf(mode, { files: { 'k8s/app.yaml': 'kind: x\n' }, links: { 'k8s/ext': join(outside, 'dir'), conf: outside } });
      assert.deepEqual(await nodeOf(tree, 'conf/secret.env'), { kind: 'refused-link', link: 'conf', target: outside, why: 'outside' });
      assert.equal((await tree.read(['conf/secret.env', 'k8s/ext/app.yaml'])).size, 0);
      assert.deepEqual(await tree.list('conf'), []);
      // Listed (so that a reader can say why it does not read it), refused when looked up.
      assert.deepEqual(await tree.list('k8s'), ['k8s/app.yaml', 'k8s/ext']);
      assert.equal((await nodeOf(tree, 'k8s/ext'))?.kind, 'refused-link');
    });

    test('a chain that leaves on its second link is refused at that link', async () => {
      const { tree } = treeOf(mode, { files: { keep2: '' }, links: { 'a.env': 'b.env', 'b.env': join(outside, 'secret.env') } });
      assert.deepEqual(await nodeOf(tree, 'a.env'), { kind: 'refused-link', link: 'b.env', target: join(outside, 'secret.env'), why: 'outside' });
    });

    test('a loop is refused, not followed forever', async () => {
      const { tree } = treeOf(mode, { links: { 'l1.env': 'l2.env', 'l2.env': 'l1.env' } });
      const node = await nodeOf(tree, 'l1.env');
      assert.equal(node?.kind, 'refused-link');
      assert.equal((node as { why: string }).why, 'loop');
    });

    test("the fleet's directory is the boundary: a link from it into the rest of the repository is refused", async () => {
      const { tree } = treeOf(mode, { files: { 'lib/base.env': 'A=1\n', 'fleet/tranche.yaml': '' }, links: { 'fleet/base.env': '../lib/base.env' } }, 'fleet');
      assert.deepEqual(await nodeOf(tree, 'base.env'), { kind: 'refused-link', link: 'base.env', target: '../lib/base.env', why: 'outside' });
      assert.equal(await textOf(tree, 'base.env'), undefined);
    });

    test('a path that climbs out, or goes below a file, names nothing', async () => {
      const { tree } = treeOf(mode, { files: { 'a/b.env': 'B=1\n' } });
      assert.equal(await nodeOf(tree, '../a/b.env'), undefined);
      assert.equal(await nodeOf(tree, 'a/b.env/c'), undefined);
      assert.equal(await nodeOf(tree, '.git/config'), undefined);
    });
  });
}

describe('FileTree contract: the working tree only', () => {
  test('a FIFO is not a file: looking it up or reading it neither blocks nor answers', async () => {
    const { tree, repo } = treeOf('working tree', { files: { keep3: '' } });
    execFileSync('mkfifo', [join(repo.dir, 'pipe.env')]);
    assert.equal(await nodeOf(tree, 'pipe.env'), undefined);
    assert.equal((await tree.read(['pipe.env'])).size, 0);
    assert.deepEqual(await tree.list('.'), ['keep', 'keep3']);
  });

  test('whether a file is tracked is asked of the file a link leads to, with no git error for a path beyond a link', async () => {
    const { tree } = treeOf('working tree', {
      files: { '.gitignore': 'secrets/\n', 'secrets/dev.env': 'S=1\n', 'shared/conf/a.env': 'A=1\n' },
      links: { 'svc/secret.env': '../secrets/dev.env', 'svc/conf': '../shared/conf' },
    });
    assert.equal(((await nodeOf(tree, 'svc/secret.env')) as { tracked: boolean }).tracked, false);
    assert.equal(((await nodeOf(tree, 'svc/conf/a.env')) as { tracked: boolean }).tracked, true);
  });
});
