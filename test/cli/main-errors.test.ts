import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

// What a bug in tranche looks like to its user: main run in-process, with an output that fails
// in a way no command expects (the real one fails only on a closed pipe, which the entry point handles).

function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: Omit<CliIO, 'secrets'> = {
    env: {},
    cwd: '/',
    stdout: {
      write: () => {
        throw new TypeError('the output is broken');
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    confirm: async () => false,
  };
  return main(argv, io).then((code) => ({ code, stderr }));
}

describe('an internal error', () => {
  test('is one line saying it is a bug, and what to do, with no stack trace; exit 70', async () => {
    const { code, stderr } = await run(['version']);
    assert.equal(code, 70);
    assert.equal(stderr, 'internal error: the output is broken\nthis is a bug in tranche: rerun with --debug and report it with what that prints\n');
  });

  test('with --debug, the stack trace follows', async () => {
    const { code, stderr } = await run(['version', '--debug']);
    assert.equal(code, 70);
    const [first, second, ...stack] = stderr.split('\n');
    assert.deepEqual([first, second], ['internal error: the output is broken', 'this is a bug in tranche: please report it with the text below']);
    assert.match(stack.join('\n'), /^TypeError: the output is broken\n\s+at /);
  });

  test('--debug is taken by every command, and shows nothing more when nothing fails', async () => {
    let stdout = '';
    const code = await main(['version', '--debug'], {
      env: {},
      cwd: '/',
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => assert.fail('nothing on stderr') },
      confirm: async () => false,
    });
    assert.equal(code, 0);
    assert.match(stdout, /^tranche \d+\.\d+\.\d+/);
  });
});
