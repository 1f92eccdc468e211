import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { REPO_ROOT } from '../support/paths.js';
import { runCli, runJson } from '../support/run-cli.js';

// Real open-source fleets at two upstream versions (../shared/corpora/fleets, beside the clone as
// CI lays it out, or TRANCHE_FLEETS_CORPUS): the facts asserted are those its README lists, checked
// by hand on the files.

const CORPUS = process.env.TRANCHE_FLEETS_CORPUS ?? resolve(REPO_ROOT, '../shared/corpora/fleets');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The corpus fleet as a git repository (v0.9.0 then v0.10.0), with `manifest` committed on top. */
function build(name: string, manifest: string): string {
  assert.ok(existsSync(join(CORPUS, 'build.sh')), `the fleets corpus is missing at ${CORPUS} (set TRANCHE_FLEETS_CORPUS)`);
  const dir = join(mkdtempSync(join(tmpdir(), `tranche-${name}-`)), 'fleet');
  dirs.push(resolve(dir, '..'));
  execFileSync('bash', [join(CORPUS, 'build.sh'), name, dir], { stdio: 'ignore' });
  writeFileSync(join(dir, 'tranche.yaml'), manifest);
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  execFileSync('git', ['add', 'tranche.yaml'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '-m', 'describe the fleet'], { cwd: dir, env });
  return dir;
}

const BOUTIQUE = `version: 1
name: online-boutique
environments:
  prod: { driver: exec }
services:
${['frontend', 'cartservice', 'checkoutservice']
  .map(
    (name) => `  ${name}:
    path: src/${name}
    config:
      schema:
        PORT: { type: port }
        REDIS_ADDR: { type: string }
        CART_SERVICE_ADDR: { type: string }
        SHOPPING_ASSISTANT_SERVICE_ADDR: { type: string }
      sources:
        - kubernetes: ../../kubernetes-manifests
          container: server
`,
  )
  .join('')}`;

interface Changes {
  services: {
    service: string;
    kinds: string[];
    configKeys: { key: string; from: string | null; to: string | null }[];
    files: { path: string; kind: string; noEffectHere?: true }[];
  }[];
  notes?: string[];
}

describe('online-boutique (Kubernetes manifests)', () => {
  test("the env of each Deployment's container, located; between v0.9.0 and v0.10.0 only the frontend gets a new key", () => {
    const dir = build('online-boutique', BOUTIQUE);
    const explain = runCli(['config', 'frontend', '--env', 'prod', '--explain', 'SHOPPING_ASSISTANT_SERVICE_ADDR'], dir);
    assert.equal(explain.code, 0, explain.stderr);
    // Fact 1: kubernetes-manifests/frontend.yaml:83 (value :84).
    assert.match(explain.stdout, /wins +shoppingassistantservice:80 +kubernetes +kubernetes-manifests\/frontend\.yaml:83:\d+/);
    // Fact 5: REDIS_ADDR, unchanged redis-cart:6379, at cartservice.yaml:50.
    const cart = runJson<{ keys: { key: string; value?: string; source?: { location: { file: string; line: number } } }[] }>(
      ['config', 'cartservice', '--env', 'prod'],
      dir,
    ).json;
    const redis = cart.keys.find((k) => k.key === 'REDIS_ADDR')!;
    assert.deepEqual([redis.value, redis.source?.location.file, redis.source?.location.line], ['redis-cart:6379', 'kubernetes-manifests/cartservice.yaml', 50]);

    const changes = runJson<Changes>(['changes', '--env', 'prod', '--from', 'v0.9.0'], dir).json;
    const keys = Object.fromEntries(changes.services.map((s) => [s.service, s.configKeys.map((k) => `${k.key}: ${k.from} → ${k.to}`)]));
    assert.deepEqual(keys.frontend, ['SHOPPING_ASSISTANT_SERVICE_ADDR: null → shoppingassistantservice:80']);
    assert.deepEqual(keys.cartservice, [], 'REDIS_ADDR moved two lines down: not a change');
    const cartFiles = changes.services.find((s) => s.service === 'cartservice')!.files.filter((f) => f.path.startsWith('kubernetes-manifests/'));
    assert.deepEqual(
      cartFiles.map((f) => [f.path, f.kind, f.noEffectHere]),
      [['kubernetes-manifests/cartservice.yaml', 'config', true]],
    );
    assert.deepEqual(changes.notes, ["v0.9.0 (1fcb687) has no tranche.yaml: it is read with the target's"]);
  });
});
