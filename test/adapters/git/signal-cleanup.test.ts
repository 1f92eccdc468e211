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
