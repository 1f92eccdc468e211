import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LOCAL_KEY_FILE, localKey, readLocalKey } from '../../src/cli/fingerprint-key.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function fleetRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-key-'));
  dirs.push(dir);
  return dir;
}

/** `localKey` in `count` processes at once, once each is ready; what each got. */
async function racing(root: string, count: number): Promise<string[]> {
  const moduleUrl = new URL('../../src/cli/fingerprint-key.js', import.meta.url).href;
  const script = `
    const { localKey } = await import(process.argv[1]);
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    process.stdout.write(localKey(process.argv[2]) + '\\n');
  `;
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, moduleUrl, root], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.startsWith('ready\n') && resolve()));
    const done = new Promise<string>((resolve, reject) =>
      child.on('close', (code) => (code === 0 ? resolve(out.slice(6).trim()) : reject(new Error(`exit ${code}`)))),
    );
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin.end('go\n');
  return Promise.all(children.map((c) => c.done));
}

describe('the local fingerprint key', () => {
  test('is made once, 0600, in a .tranche folder git ignores, and read back as it is', () => {
    const root = fleetRoot();
    assert.equal(readLocalKey(root), undefined);
    const key = localKey(root);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(statSync(join(root, LOCAL_KEY_FILE)).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(root, '.tranche', '.gitignore'), 'utf8'), '*\n');
    assert.equal(localKey(root), key);
    assert.equal(readLocalKey(root), key);
  });

  test('processes that make it at the same moment all end up with one key, and leave no temp file', async () => {
    const root = fleetRoot();
    const keys = await racing(root, 4);
    assert.equal(new Set(keys).size, 1, `the processes got different keys: ${keys.join(', ')}`);
    assert.equal(keys[0], readLocalKey(root));
    const left = readdirSync(join(root, '.tranche')).sort();
    assert.deepEqual(left, ['.gitignore', 'fingerprint.key']);
  });
});
