import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { buildCorpusFleet } from '../support/corpus-fleet.js';
import { runCli, runJson } from '../support/run-cli.js';

// The facts asserted are those the corpus README lists, checked by hand on the files.

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const build = (name: string, manifest: string) => buildCorpusFleet(name, manifest, dirs);

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
