import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ProcessRenderer } from '../../../src/adapters/render/process-renderer.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function fleetDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-render-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('ProcessRenderer', () => {
  test('kubectl kustomize with origin annotations, the overlay untouched, origins as fleet paths', async () => {
    const dir = fleetDir({
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { A: "1" }\n',
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod-\n',
    });
    const before = readdirSync(join(dir, 'overlays/prod'));
    // A temporary directory of the test's own: other test files running beside it make theirs elsewhere.
    const ownTmp = mkdtempSync(join(tmpdir(), 'tranche-render-tmp-'));
    dirs.push(ownTmp);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    let result: Awaited<ReturnType<ProcessRenderer['render']>>;
    try {
      result = await new ProcessRenderer(process.env).render({ kustomize: 'overlays/prod' }, dir);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    assert.ok(result.ok, !result.ok ? result.problem : '');
    assert.match(result.output, /name: prod-c/);
    const annotated = /config\.kubernetes\.io\/origin: \|\n\s+path: (\S+)/.exec(result.output)?.[1];
    assert.ok(annotated);
    assert.equal(result.origin!(annotated), 'base/cm.yaml');
    assert.equal(result.origin!('../../../../etc/passwd'), undefined, 'outside the fleet: no path');
    assert.deepEqual(readdirSync(join(dir, 'overlays/prod')), before, 'the overlay is never written to');
    assert.deepEqual(readdirSync(ownTmp), [], 'its own kustomization is removed');
  });

  test("a command gets its arguments as they are (no shell) and the operator's PATH and HOME, not the rest of the environment", async () => {
    const dir = fleetDir({ 'print.mjs': 'process.stdout.write(JSON.stringify({ args: process.argv.slice(2), env: Object.keys(process.env).sort() }));\n' });
    const renderer = new ProcessRenderer({ PATH: process.env.PATH, HOME: '/home/op', DB_PASSWORD: 'hunter2', HELM_CACHE_HOME: '/c' });
    const result = await renderer.render({ argv: [process.execPath, 'print.mjs', '$(whoami)', 'a; rm -rf /', '`id`'] }, dir);
    assert.ok(result.ok);
    const printed = JSON.parse(result.output) as { args: string[]; env: string[] };
    assert.deepEqual(printed.args, ['$(whoami)', 'a; rm -rf /', '`id`']);
    assert.ok(!printed.env.includes('DB_PASSWORD'));
    assert.ok(printed.env.includes('HELM_CACHE_HOME') && printed.env.includes('HOME') && printed.env.includes('PATH'));
  });

  test('a failing command, a missing one: a problem that quotes none of their output', async () => {
    const dir = fleetDir({ 'fail.mjs': 'console.error("value hunter2 is wrong"); process.exit(3);\n' });
    const renderer = new ProcessRenderer(process.env);
    const failed = await renderer.render({ argv: [process.execPath, 'fail.mjs'] }, dir);
    assert.deepEqual(failed, { ok: false, problem: `${process.execPath} fail.mjs failed (exit 3); run it in the fleet's directory to see why` });
    const missing = await renderer.render({ argv: ['helm-not-here', 'template'] }, dir);
    assert.deepEqual(missing, { ok: false, problem: 'helm-not-here is not installed (or not on PATH): the render command of this source runs it' });
  });
});
