import assert from 'node:assert/strict';
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
