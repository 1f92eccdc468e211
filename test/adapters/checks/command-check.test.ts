import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { RunnableCheck } from '../../../src/ports/check-runner.js';

const runner = new RealCheckRunner({ commandEnv: { PATH: process.env.PATH ?? '' } });
const command = (argv: string[], timeoutMs = 5000, cwd?: string): RunnableCheck => ({
  kind: 'command',
  name: 'smoke test',
  spec: argv,
  timeoutMs,
  ...(cwd !== undefined ? { cwd } : {}),
});
const node = (script: string): string[] => ['node', '-e', script];

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tranche-command-check-')));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Gone, or a zombie waiting to be reaped: either way it runs no more. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('command check', () => {
  test('passes on exit 0 and shows the output', async () => {
    const result = await runner.run(command(node('console.log("all good")')));
    assert.deepEqual([result.ok, result.message], [true, 'node ended with exit 0; last output:\nall good']);
  });

  test('fails on exit 1 with the code and the last 5 lines of stdout and stderr', async () => {
    const script = 'for (let i = 1; i <= 8; i++) console.log("line " + i); console.error("boom"); process.exit(1)';
    const result = await runner.run(command(node(script)));
    assert.deepEqual([result.ok, result.message], [false, 'node ended with exit 1; last output:\nline 5\nline 6\nline 7\nline 8\nboom']);
  });

  test('runs in the given directory, without a shell', async () => {
    const result = await runner.run(command(node('console.log(process.cwd(), process.argv[1])').concat('$HOME; echo hi'), 5000, dir));
    assert.deepEqual([result.ok, result.message], [true, `node ended with exit 0; last output:\n${dir} $HOME; echo hi`]);
  });

  test('gives the command exactly the configured environment', async () => {
    const script = 'console.log(Object.keys(process.env).sort().join(","))';
    assert.equal((await runner.run(command(node(script)))).message, 'node ended with exit 0; last output:\nPATH');
    const configured = new RealCheckRunner({ commandEnv: { PATH: process.env.PATH ?? '', ORDERS_URL: 'http://x' } });
    assert.equal((await configured.run(command(node(script)))).message, 'node ended with exit 0; last output:\nORDERS_URL,PATH');
  });

  test('kills the command and everything it started when the timeout passes', async () => {
    const script = [
      'const { spawn } = require("node:child_process");',
      'const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });',
      'console.log("grandchild " + child.pid);',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const result = await runner.run(command(node(script), 500));
    assert.equal(result.ok, false);
    const match = /^node did not finish within 500ms and was killed; last output:\ngrandchild (\d+)$/.exec(result.message);
    assert.ok(match, result.message);
    assert.ok(result.durationMs >= 490 && result.durationMs < 2000, `durationMs ${result.durationMs}`);
    const grandchild = Number(match[1]);
    const deadline = Date.now() + 2000;
    while (isRunning(grandchild) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(isRunning(grandchild), false, `grandchild ${grandchild} still runs`);
  });

  test('kills the command when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runner.run(command(node('setInterval(() => {}, 1000)'), 10_000), controller.signal);
    assert.deepEqual([result.ok, result.message], [false, 'node was cancelled and killed']);
    assert.ok(result.durationMs < 1000, `durationMs ${result.durationMs}`);
  });

  test('fails when the program cannot be found', async () => {
    const result = await runner.run(command(['no-such-program-for-checks', '--version']));
    assert.deepEqual([result.ok, result.message], [false, 'could not run no-such-program-for-checks: spawn no-such-program-for-checks ENOENT']);
  });

  test('fails on an empty argv', async () => {
    const result = await runner.run(command([]));
    assert.deepEqual([result.ok, result.message], [false, 'a command check needs an argv with at least the program']);
  });
});
