import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../support/paths.js';

test('on SIGINT or SIGTERM the cleanup runs, then the process ends as the signal says', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'tranche-signal-'));
    const marker = join(dir, 'copy');
    const script = `
      import { mkdirSync, rmSync } from 'node:fs';
      import { signalCleanup } from ${JSON.stringify(join(REPO_ROOT, 'dist/src/adapters/git/materialize-commit.js'))};
      mkdirSync(${JSON.stringify(marker)});
      signalCleanup(() => rmSync(${JSON.stringify(marker)}, { recursive: true })).install();
      process.stdout.write('ready');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      child.stdout.once('data', resolve);
      child.once('exit', (code) => reject(new Error(`the child ended (${code}) before it was ready`)));
    });
    assert.ok(existsSync(marker));
    child.kill(signal);
    const [code, got] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    assert.deepEqual([code, got], [null, signal], 'ended by the signal');
    assert.equal(existsSync(marker), false, 'cleaned up first');
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a signal the process handles itself is left to it: the cleanup runs when it exits, and the exit code is the handler's", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-signal-'));
  const marker = join(dir, 'copy');
  // As bin/tranche does: its own handler, installed first, which decides how the process ends.
  const script = `
    import { existsSync, mkdirSync, rmSync } from 'node:fs';
    import { signalCleanup } from ${JSON.stringify(join(REPO_ROOT, 'dist/src/adapters/git/materialize-commit.js'))};
    let stops = 0;
    process.on('SIGINT', () => {
      stops++;
      process.stdout.write(existsSync(${JSON.stringify(marker)}) ? 'kept ' : 'removed ');
      if (stops === 2) process.exit(130);
    });
    mkdirSync(${JSON.stringify(marker)});
    signalCleanup(() => rmSync(${JSON.stringify(marker)}, { recursive: true })).install();
    process.stdout.write('ready ');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const until = async (text: string) => {
    while (!out.includes(text)) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  await until('ready');
  child.kill('SIGINT');
  await until('kept');
  child.kill('SIGINT');
  const [code, got] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  assert.deepEqual([code, got], [130, null], "ended by its own handler's exit");
  assert.equal(out, 'ready kept kept ', 'the copy was kept while the process lived on');
  assert.equal(existsSync(marker), false, 'removed on exit');
  rmSync(dir, { recursive: true, force: true });
});
