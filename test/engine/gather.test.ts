import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitCli } from '../../src/adapters/git/git-cli.js';
import { gatherRevision } from '../../src/engine/gather.js';
import { GitRepo } from '../support/git-repo.js';

const manifest = (command: string) => `version: 1
name: shop
environments:
  dev: { driver: local }
services:
  api:
    path: services/api
    run: { command: [node, ${command}] }
  web:
    path: services/web
`;

const repos: GitRepo[] = [];
const clients: GitCli[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  repos.forEach((r) => r.dispose());
});

describe('gatherRevision content ids', () => {
  test('change when a service file or its start command changes, and only then', async () => {
    const repo = new GitRepo({ 'tranche.yaml': manifest('server.js'), 'services/api/server.js': '1', 'services/web/index.js': '1' });
    repos.push(repo);
    const git = new GitCli(repo.dir, process.env);
    clients.push(git);
    const read = async (commit: string) => (await gatherRevision(git.commitTree(commit, commit))).revision!.contents!;
    const v1 = await read(repo.commit('v1'));
    const command = await read(repo.write({ 'tranche.yaml': manifest('main.js') }).commit('new start command'));
    const file = await read(repo.write({ 'services/web/index.js': '2' }).commit('web changes'));
    assert.notEqual(command.get('api'), v1.get('api'));
    assert.equal(command.get('web'), v1.get('web'));
    assert.equal(file.get('api'), command.get('api'));
    assert.notEqual(file.get('web'), command.get('web'));
  });
});

describe('gatherRevision and symbolic links', () => {
  test('a watched path through a link is refused with the path to write, in the working tree and at a commit', async () => {
    const repo = new GitRepo({
      'tranche.yaml': `${manifest('server.js')}    watch: [libs/common]\n`,
      'services/api/server.js': '1',
      'services/web/index.js': '1',
      'shared/common/x.js': '1',
    });
    repos.push(repo);
    mkdirSync(join(repo.dir, 'libs'));
    symlinkSync('../shared/common', join(repo.dir, 'libs/common'));
    const git = new GitCli(repo.dir, process.env);
    clients.push(git);
    const commit = repo.commit('v1');
    for (const tree of [git.workingTree(), git.commitTree(commit, 'v1')]) {
      const { findings } = await gatherRevision(tree);
      assert.deepEqual(
        findings.map((f) => `${f.location?.line}:${f.location?.column} ${f.message} (${f.hint})`),
        [
          "11:13 the watched path libs/common goes through a symbolic link (it resolves to shared/common): it must name the directory itself, so that its changes are the service's (write shared/common)",
        ],
        tree.label,
      );
    }
  });
});
