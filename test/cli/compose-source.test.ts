import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';

// A fleet whose config lives in docker compose: one compose file, its project .env, env files.

const MANIFEST = `version: 1
name: shop
environments:
  dev: { driver: local }
services:
  cart:
    path: services/cart
    config:
      schema:
        PORT: { type: port, required: true }
        REDIS_ADDR: { type: string }
        LOG_LEVEL: { type: string }
      sources:
        - compose: ../../docker-compose.yml
  front:
    path: services/front
    config:
      schema:
        CART_ADDR: { type: string, required: true }
        PORT: { type: port }
      sources:
        - compose: ../../docker-compose.yml
          service: web
`;

const COMPOSE = `services:
  cart:
    image: shop/cart
    env_file: cart.env
    environment:
      PORT: \${CART_PORT}
      REDIS_ADDR: redis:6379
  web:
    image: shop/front
    environment:
      - CART_ADDR=cart:\${CART_PORT}
      - PORT=8080
`;

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fleet() {
  const repo = new GitRepo({
    'tranche.yaml': MANIFEST,
    'docker-compose.yml': COMPOSE,
    '.env': 'CART_PORT=7070\n',
    'cart.env': 'LOG_LEVEL=info\n',
    'services/cart/src.js': '\n',
    'services/front/src.js': '\n',
  });
  repos.push(repo);
  return { repo, v1: repo.commit('v1') };
}

interface Changes {
  services: {
    service: string;
    kinds: string[];
    files: { path: string; kind: string; noEffectHere?: true }[];
    configKeys: { key: string; from: string | null; to: string | null }[];
  }[];
}

describe('compose sources', () => {
  test('a service gets what its compose service gets, each value located in the compose file or the env file', () => {
    const { repo } = fleet();
    const config = runCli(['config', 'cart', '--env', 'dev'], repo.dir);
    assert.equal(config.code, 0, config.stderr);
    assert.match(config.stdout, /PORT +7070 +docker-compose\.yml:6/);
    assert.match(config.stdout, /REDIS_ADDR +redis:6379 +docker-compose\.yml:7/);
    assert.match(config.stdout, /LOG_LEVEL +info +cart\.env:1/);
    const explain = runCli(['config', 'front', '--env', 'dev', '--explain', 'CART_ADDR'], repo.dir);
    assert.match(explain.stdout, /wins +cart:7070 +compose +docker-compose\.yml:11:\d+/);
    assert.match(explain.stdout, /↳ CART_PORT from \.env \(\.env:1:1\)/);
    assert.equal(runCli(['validate'], repo.dir).code, 0);
  });

  test('a variable of the project .env changes every service built from it; an edit of another compose service changes nothing here', () => {
    const { repo, v1 } = fleet();
    const v2 = repo.write({ '.env': 'CART_PORT=8080\n' }).commit('cart on 8080');
    const changes = runJson<Changes>(['changes', '--env', 'dev', '--from', v1], repo.dir).json;
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.kinds, s.configKeys.map((k) => `${k.key} ${k.from} → ${k.to}`)]),
      [
        ['cart', ['config'], ['PORT 7070 → 8080']],
        ['front', ['config'], ['CART_ADDR cart:7070 → cart:8080']],
      ],
    );
    const v3 = repo
      .write({ 'docker-compose.yml': COMPOSE.replace('REDIS_ADDR: redis:6379', 'REDIS_ADDR: redis:6380'), 'cart.env': 'LOG_LEVEL=debug\n' })
      .commit('cart only');
    const cartOnly = runJson<Changes>(['changes', '--env', 'dev', '--from', v2, '--to', v3], repo.dir).json;
    const front = cartOnly.services.find((s) => s.service === 'front')!;
    assert.deepEqual([front.kinds, front.files.map((f) => [f.path, f.kind, f.noEffectHere])], [[], [['docker-compose.yml', 'config', true]]]);
    const cart = cartOnly.services.find((s) => s.service === 'cart')!;
    assert.deepEqual(cart.files.map((f) => `${f.path} ${f.kind}`).sort(), ['cart.env config', 'docker-compose.yml config']);
    assert.deepEqual(cart.configKeys.map((k) => k.key).sort(), ['LOG_LEVEL', 'REDIS_ADDR']);
    const plan = runJson<{ batches: { steps: { service: string; change: string }[] }[] }>(['plan', '--env', 'dev', '--from', v2, '--to', v3], repo.dir).json;
    assert.deepEqual(
      plan.batches.flatMap((b) => b.steps.map((s) => `${s.service} ${s.change}`)),
      ['cart config'],
    );
  });

  test('a compose file that is missing, malformed, or lacks the service is a located problem: exit 2', () => {
    const { repo } = fleet();
    repo.write({ 'tranche.yaml': MANIFEST.replace('service: web', 'service: webb') }).commit('typo');
    const missing = runCli(['check', '--env', 'dev'], repo.dir);
    assert.equal(missing.code, 2, missing.stdout + missing.stderr);
    assert.match(missing.stderr, /docker-compose\.yml: the compose service webb is in none of docker-compose\.yml/);
    repo.write({ 'tranche.yaml': MANIFEST, 'docker-compose.yml': COMPOSE.replace('PORT: ${CART_PORT}', 'PORT: $1') }).commit('bad reference');
    const bad = runCli(['validate'], repo.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /docker-compose\.yml:6:\d+: compose: a "\$" must start a variable/);
  });
});
