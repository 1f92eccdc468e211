import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, type CliResult } from '../support/run-cli.js';

// Files stay inside the repository: a symbolic link that leads out of it is a located error, in the
// working tree and at a commit alike, and nothing behind it is ever read; one that stays inside is
// followed, with the same result in both.

const MARK = 'outside-secret-5b2e';
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'tranche-outside-')));
for (const [path, text] of Object.entries({
  'secret.env': `NAME=${MARK}\n`,
  'dir/config/dev.env': `NAME=${MARK}\n`,
  'dir/app.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: k8s-config }\ndata: { NAME: ${MARK} }\n`,
  'dir/values.yaml': `name: ${MARK}\n`,
  'dir/index.js': `// ${MARK}\n`,
})) {
  mkdirSync(dirname(join(outside, path)), { recursive: true });
  writeFileSync(join(outside, path), text);
}

const repos: GitRepo[] = [];
after(() => {
  repos.forEach((r) => r.dispose());
  rmSync(outside, { recursive: true, force: true });
});

const schema = `      schema:
        NAME: { type: string, required: true }
`;
const MANIFEST = `version: 1
name: links
environments:
  dev: { driver: exec }
services:
  dot:
    path: services/dot
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - dotenv: config/dev.env
  cmp:
    path: services/cmp
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - compose: ../../compose.yaml
  k8s:
    path: services/k8s
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - kubernetes: ../../k8s/dev
          workload: k8s
  helm:
    path: services/helm
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - helm-values: ../../values.yaml
          keys: { NAME: name }
`;

const FILES = {
  'tranche.yaml': MANIFEST,
  '.gitignore': '.tranche/\n',
  'services/dot/index.js': 'dot\n',
  'services/dot/config/dev.env': 'NAME=dot-inside\n',
  'services/cmp/index.js': 'cmp\n',
  'services/k8s/index.js': 'k8s\n',
  'services/helm/index.js': 'helm\n',
  'shared/dev.env': 'NAME=shared-inside\n',
  'compose.yaml': 'services:\n  cmp:\n    image: cmp\n    env_file: cmp.env\n',
  'cmp.env': 'NAME=cmp-inside\n',
  'k8s/dev/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: k8s }
spec:
  template:
    spec:
      containers:
        - name: k8s
          image: k8s:1
          envFrom:
            - configMapRef: { name: k8s-config }
`,
  'k8s/dev/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: k8s-config }\ndata: { NAME: k8s-inside }\n',
  'values.yaml': 'name: helm-inside\n',
};

/** A fleet at v1, everything inside; `links` (path → target, given the repository's directory) then made on disk, left uncommitted or committed. */
function fleet(links: (dir: string) => Record<string, string>, state: 'uncommitted' | 'committed'): GitRepo {
  const repo = new GitRepo(FILES);
  repos.push(repo);
  repo.commit('v1');
  for (const [path, target] of Object.entries(links(repo.dir))) {
    rmSync(join(repo.dir, path), { recursive: true, force: true });
    mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
    symlinkSync(target, join(repo.dir, path));
  }
  if (state === 'committed') repo.commit('links');
  return repo;
}

/** The commands that read the fleet in a state: the working tree (validate, config), or the commit (--ref, check, changes). */
function commands(state: 'uncommitted' | 'committed'): string[][] {
  return state === 'uncommitted'
    ? [['validate'], ['config', 'dot', '--env', 'dev']]
    : [['validate', '--ref', 'HEAD', '--json'], ['check', '--env', 'dev', '--intent', 'links'], ['changes', '--env', 'dev']];
}

function assertRefused(result: CliResult, command: string[], expected: RegExp): void {
  const shown = `tranche ${command.join(' ')}:\n${result.stdout}\n${result.stderr}`;
  assert.equal(result.code, 2, shown);
  assert.ok(!(result.stdout + result.stderr).includes(MARK), `nothing of the outside file is shown: ${shown}`);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at .+:\d+:\d+/, shown);
  if (command.includes('--json')) {
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; message: string; location: { file: string; line: number; column: number } }[] }).findings;
    const line = findings.map((f) => `${f.location.file}:${f.location.line}:${f.location.column}: ${f.message}`).join('\n');
    assert.match(line, expected, shown);
  } else assert.match(result.stderr, expected, shown);
}

const CASES: { name: string; links: (repo: string) => Record<string, string>; expected: RegExp }[] = [
  {
    name: 'a dotenv source linked to a file outside (absolute)',
    links: () => ({ 'services/dot/config/dev.env': join(outside, 'secret.env') }),
    expected: new RegExp(`tranche\\.yaml:13:11: config source services/dot/config/dev\\.env is a symbolic link to ${outside}/secret\\.env, outside the repository`),
  },
  {
    name: 'a directory of a dotenv source linked outside',
    links: () => ({ 'services/dot/config': join(outside, 'dir', 'config') }),
    expected: new RegExp(`tranche\\.yaml:13:11: config source services/dot/config/dev\\.env leads out of the repository: services/dot/config is a symbolic link to ${outside}/dir/config`),
  },
  {
    name: 'a compose env_file linked outside (a relative link that climbs out)',
    links: (repo) => ({ 'cmp.env': relative(repo, join(outside, 'secret.env')) }),
    expected: /compose\.yaml:4:15: compose env_file cmp\.env is a symbolic link to (\.\.\/)+.*\/secret\.env, outside the repository/,
  },
  {
    name: 'a file linked outside in a kubernetes manifests directory',
    links: () => ({ 'k8s/dev/leak.yaml': join(outside, 'dir', 'app.yaml') }),
    expected: new RegExp(`tranche\\.yaml:\\d+:11: kubernetes manifests k8s/dev/leak\\.yaml is a symbolic link to ${outside}/dir/app\\.yaml, outside the repository`),
  },
  {
    name: 'a helm values file linked outside',
    links: () => ({ 'values.yaml': join(outside, 'dir', 'values.yaml') }),
    expected: new RegExp(`tranche\\.yaml:\\d+:11: values file values\\.yaml is a symbolic link to ${outside}/dir/values\\.yaml, outside the repository`),
  },
  {
    name: "a service's path linked outside",
    links: () => ({ 'services/dot': join(outside, 'dir') }),
    expected: new RegExp(`tranche\\.yaml:7:11: the path of service dot, services/dot is a symbolic link to ${outside}/dir, outside the repository`),
  },
  {
    name: "a service's path linked inside: refused, with the path to write",
    links: () => ({ 'services/dot': '../shared' }),
    expected: /tranche\.yaml:7:11: the path of service dot, services\/dot goes through a symbolic link \(it resolves to shared\): it must name the directory itself/,
  },
];

describe('symbolic links leading out of the repository', () => {
  for (const state of ['uncommitted', 'committed'] as const) {
    for (const { name, links, expected } of CASES) {
      test(`${name} (${state}): exit 2, located, nothing behind it read`, () => {
        const repo = fleet(links, state);
        for (const command of commands(state)) assertRefused(runCli(command, repo.dir), command, expected);
      });
    }
  }
});

describe('symbolic links inside the repository', () => {
  for (const state of ['uncommitted', 'committed'] as const) {
    test(`a config source linked to a file inside is read through the link, and a change to that file is the service's (${state})`, () => {
      const repo = fleet(() => ({ 'services/dot/config/dev.env': '../../../shared/dev.env', 'services/dot/config/extra': '../../../shared' }), state);
      const refs = state === 'committed' ? [[], ['--ref', 'HEAD']] : [[]];
      for (const ref of refs) {
        const config = runCli(['config', 'dot', '--env', 'dev', ...ref], repo.dir);
        assert.equal(config.code, 0, config.stderr);
        assert.match(config.stdout, /^NAME\s+shared-inside\s+services\/dot\/config\/dev\.env:1$/m);
      }
      if (state === 'uncommitted') return;
      repo.write({ 'shared/dev.env': 'NAME=shared-changed\n' }).commit('shared changes');
      const changes = runCli(['changes', '--env', 'dev', '--from', 'HEAD~1'], repo.dir);
      assert.equal(changes.code, 0, changes.stderr);
      assert.match(changes.stdout, /dot — config\n(.*\n)*?\s+M shared\/dev\.env \[config\]\n\s+NAME: shared-inside → shared-changed/);
    });
  }
});
