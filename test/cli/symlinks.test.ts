import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { MARKET_FILES } from './contract-fleet.js';
import { formatsFleet, links } from './formats-fleet.js';

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

/** The commands that read the fleet in a state: the working tree (validate, config), or the commit (--ref, check, changes). */
function commands(state: 'uncommitted' | 'committed'): string[][] {
  return state === 'uncommitted'
    ? [['validate'], ['config', 'dot', '--env', 'dev']]
    : [
        ['validate', '--ref', 'HEAD', '--json'],
        ['check', '--env', 'dev', '--intent', 'links'],
        ['changes', '--env', 'dev'],
      ];
}

function assertRefused(result: CliResult, command: string[], expected: RegExp): void {
  const shown = `tranche ${command.join(' ')}:\n${result.stdout}\n${result.stderr}`;
  assert.equal(result.code, 2, shown);
  assert.ok(!(result.stdout + result.stderr).includes(MARK), `nothing of the outside file is shown: ${shown}`);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at .+:\d+:\d+/, shown);
  if (command.includes('--json')) {
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; message: string; location: { file: string; line: number; column: number } }[] })
      .findings;
    const line = findings.map((f) => `${f.location.file}:${f.location.line}:${f.location.column}: ${f.message}`).join('\n');
    assert.match(line, expected, shown);
  } else assert.match(result.stderr, expected, shown);
}

const CASES: { name: string; targets: (repo: string) => Record<string, string>; expected: RegExp }[] = [
  {
    name: 'a dotenv source linked to a file outside (absolute)',
    targets: () => ({ 'services/dot/config/dev.env': join(outside, 'secret.env') }),
    expected: new RegExp(
      `tranche\\.yaml:14:11: config source services/dot/config/dev\\.env is a symbolic link to ${outside}/secret\\.env, outside the repository`,
    ),
  },
  {
    name: 'a directory of a dotenv source linked outside',
    targets: () => ({ 'services/dot/config': join(outside, 'dir', 'config') }),
    expected: new RegExp(
      `tranche\\.yaml:14:11: config source services/dot/config/dev\\.env leads out of the repository: services/dot/config is a symbolic link to ${outside}/dir/config`,
    ),
  },
  {
    name: 'a compose env_file linked outside (a relative link that climbs out)',
    targets: (repo) => ({ 'cmp.env': relative(repo, join(outside, 'secret.env')) }),
    expected: /compose\.yaml:4:15: compose env_file cmp\.env is a symbolic link to (\.\.\/)+.*\/secret\.env, outside the repository/,
  },
  {
    name: 'a file linked outside in a kubernetes manifests directory',
    targets: () => ({ 'k8s/dev/leak.yaml': join(outside, 'dir', 'app.yaml') }),
    expected: new RegExp(
      `tranche\\.yaml:\\d+:11: kubernetes manifests k8s/dev/leak\\.yaml is a symbolic link to ${outside}/dir/app\\.yaml, outside the repository`,
    ),
  },
  {
    name: 'a helm values file linked outside',
    targets: () => ({ 'values.yaml': join(outside, 'dir', 'values.yaml') }),
    expected: new RegExp(`tranche\\.yaml:\\d+:11: values file values\\.yaml is a symbolic link to ${outside}/dir/values\\.yaml, outside the repository`),
  },
  {
    name: "a service's path linked outside",
    targets: () => ({ 'services/dot': join(outside, 'dir') }),
    expected: new RegExp(`tranche\\.yaml:7:11: the path of service dot, services/dot is a symbolic link to ${outside}/dir, outside the repository`),
  },
  {
    name: "a service's path linked inside: refused, with the path to write",
    targets: () => ({ 'services/dot': '../shared' }),
    expected:
      /tranche\.yaml:7:11: the path of service dot, services\/dot goes through a symbolic link \(it resolves to shared\): it must name the directory itself/,
  },
];

describe('symbolic links leading out of the repository', () => {
  for (const state of ['uncommitted', 'committed'] as const) {
    for (const { name, targets, expected } of CASES) {
      test(`${name} (${state}): exit 2, located, nothing behind it read`, () => {
        const repo = formatsFleet(repos, links(targets), state);
        for (const command of commands(state)) assertRefused(runCli(command, repo.dir), command, expected);
      });
    }
  }
});

describe('symbolic links inside the repository', () => {
  for (const state of ['uncommitted', 'committed'] as const) {
    test(`a config source linked to a file inside is read through the link, and a change to that file is the service's (${state})`, () => {
      const repo = formatsFleet(
        repos,
        links(() => ({ 'services/dot/config/dev.env': '../../../shared/dev.env', 'services/dot/config/extra': '../../../shared' })),
        state,
      );
      const refs = state === 'committed' ? [[], ['--ref', 'HEAD']] : [[]];
      for (const ref of refs) {
        const config = runCli(['config', 'dot', '--env', 'dev', ...ref], repo.dir);
        assert.equal(config.code, 0, config.stderr);
        assert.match(config.stdout, /^NAME\s+shared-inside\s+services\/dot\/config\/dev\.env:1\s+dot-base from services\/dot\/config\/base\.yaml:1$/m);
      }
      if (state === 'uncommitted') return;
      repo.write({ 'shared/dev.env': 'NAME=shared-changed\n' }).commit('shared changes');
      const changes = runCli(['changes', '--env', 'dev', '--from', 'HEAD~1'], repo.dir);
      assert.equal(changes.code, 0, changes.stderr);
      assert.match(changes.stdout, /dot — config\n(.*\n)*?\s+M shared\/dev\.env \[config\]\n\s+NAME: shared-inside → shared-changed/);
    });
  }
});

describe('symbolic links out of the repository, for the other readers', () => {
  const outsideFile = (name: string, text: string) => {
    writeFileSync(join(outside, name), text);
    return join(outside, name);
  };

  test("a contract's $ref linked outside: located at the spec's entry, nothing of it read", () => {
    const repo = new GitRepo(MARKET_FILES);
    repos.push(repo);
    repo.commit('v1');
    const target = outsideFile('schemas.yaml', `Charge: { type: object, description: ${MARK} }\nReceipt: { type: object }\n`);
    links(() => ({ 'services/payments/api/schemas.yaml': target }))(repo.dir);
    repo.commit('schemas linked out');
    const result = runCli(['check', '--env', 'prod', '--from', 'HEAD~1', '--intent', 'x'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.ok(
      result.stderr.includes(
        `contract services/payments/api/openapi.yaml refers to services/payments/api/schemas.yaml: services/payments/api/schemas.yaml is a symbolic link to ${target}, outside the repository`,
      ),
      result.stderr,
    );
    assert.match(result.stderr, /^tranche\.yaml:12:15: contract/m);
    assert.ok(!(result.stdout + result.stderr).includes(MARK));
  });

  test('a lockfile linked outside: located at the service, nothing of it read', () => {
    const target = outsideFile('package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: { [MARK]: '1.0.0' } } } }));
    const repo = formatsFleet(
      repos,
      links(() => ({ 'services/dot/package-lock.json': target })),
      'committed',
    );
    const result = runCli(['deps'], repo.dir);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.ok(
      result.stderr.includes(`tranche.yaml:7:11: the lockfile services/dot/package-lock.json is a symbolic link to ${target}, outside the repository`),
      result.stderr,
    );
    assert.ok(!(result.stdout + result.stderr).includes(MARK));
  });

  test('tranche init reads no file through a link out of the repository', () => {
    const repo = new GitRepo({ 'docker-compose.yml': 'services:\n  web:\n    build: ./web\n', 'web/index.js': '\n' });
    repos.push(repo);
    const target = outsideFile('compose.yml', `services:\n  leaky:\n    build: .\n    environment:\n      LEAK: ${MARK}\n`);
    links(() => ({ 'compose.override.yml': target, '.env': join(outside, 'secret.env') }))(repo.dir);
    repo.commit('v1');
    const result = runCli(['init'], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    const draft = readFileSync(join(repo.dir, 'tranche.yaml'), 'utf8');
    assert.match(draft, /^ {2}web:$/m, "the repository's own compose file is read");
    assert.ok(!(draft + result.stdout + result.stderr).includes(MARK));
    assert.doesNotMatch(draft, /leaky/);
  });
});
