import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';

// ${VAR} in dotenv sources, on a real git repository: the seed's incident — CART_PORT moves, and
// the services that build an address from it must be seen to change (or to be stuck).

const MANIFEST = `version: 1
name: shop
environments:
  dev: { driver: local }
  prod: { driver: local }
services:
  front:
    path: services/front
    config:
      schema:
        CART_ADDR: { type: string, required: true }
      sources:
        - dotenv: deploy/{env}.env
          variables: [../../.env]
  checkout:
    path: services/checkout
    config:
      schema:
        CART_ADDR: { type: string, required: true }
      sources:
        - dotenv: deploy/{env}.env
          variables: [../../.env]
      env:
        prod: { CART_ADDR: "cart:7070" }
  mailer:
    path: services/mailer
    config:
      schema:
        FROM: { type: string, default: shop }
`;

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fleet() {
  const repo = new GitRepo({
    'tranche.yaml': MANIFEST,
    '.env': 'CART_HOST=cart\nCART_PORT=7070\n',
    'services/front/deploy/dev.env': 'CART_ADDR=${CART_HOST}:${CART_PORT}\n',
    'services/front/deploy/prod.env': 'CART_ADDR=${CART_HOST}:${CART_PORT}\n',
    'services/checkout/deploy/prod.env': 'CART_ADDR=${CART_HOST}:${CART_PORT}\n',
    'services/checkout/deploy/dev.env': 'CART_ADDR=${CART_HOST}:${CART_PORT}\n',
    'services/mailer/index.js': '\n',
  });
  repos.push(repo);
  return { repo, v1: repo.commit('v1') };
}

interface Changes {
  services: {
    service: string;
    kinds: string[];
    files: { path: string; kind: string }[];
    configKeys: { key: string; from: string | null; to: string | null }[];
  }[];
  unowned: string[];
}
interface Finding {
  rule: string;
  service?: string;
  key?: string;
  message: string;
  location?: { file: string; line?: number };
}

describe('references in dotenv sources', () => {
  test('config --explain shows the line that set a key and every variable it was built from', () => {
    const { repo } = fleet();
    const explain = runCli(['config', 'front', '--env', 'prod', '--explain', 'CART_ADDR'], repo.dir);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /wins +cart:7070 +dotenv +services\/front\/deploy\/prod\.env:1:1/);
    assert.match(explain.stdout, /written \$\{CART_HOST\}:\$\{CART_PORT\}/);
    assert.match(explain.stdout, /↳ CART_HOST from \.env \(\.env:1:1\)/);
    assert.match(explain.stdout, /↳ CART_PORT from \.env \(\.env:2:1\)/);
    const json = runJson<{ keys: { source: { written: string; refs: { name: string; location?: { file: string; line: number } }[] } }[] }>(
      ['config', 'front', '--env', 'prod', '--explain', 'CART_ADDR'],
      repo.dir,
    ).json;
    assert.deepEqual(
      json.keys[0]!.source.refs.map((r) => [r.name, r.location?.line]),
      [
        ['CART_HOST', 1],
        ['CART_PORT', 2],
      ],
    );
  });

  test('a changed variable changes every key built from it, in every service that reads it; one still overridden is a shadowed change', () => {
    const { repo, v1 } = fleet();
    repo.write({ '.env': 'CART_HOST=cart\nCART_PORT=8080\n' }).commit('cart moves to 8080');
    const changes = runJson<Changes>(['changes', '--env', 'prod', '--from', v1], repo.dir).json;
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.kinds, s.configKeys.map((k) => `${k.key}: ${k.from} → ${k.to}`), s.files.map((f) => `${f.path} ${f.kind}`)]),
      [
        ['front', ['config'], ['CART_ADDR: cart:7070 → cart:8080'], ['.env config']],
        // checkout's CART_ADDR is still overridden in prod: the change has no effect there (see the shadowed change below).
        ['checkout', [], [], ['.env config']],
      ],
    );
    assert.deepEqual(changes.unowned, []);

    const check = runJson<{ findings: Finding[] }>(['check', '--env', 'prod', '--from', v1, '--intent', 'cart moves'], repo.dir);
    assert.equal(check.code, 1);
    const shadowed = check.json.findings.filter((f) => f.rule === 'config/shadowed-change');
    assert.deepEqual(
      shadowed.map((f) => [f.service, f.key, f.location?.file]),
      [['checkout', 'CART_ADDR', 'tranche.yaml']],
    );
    assert.match(shadowed[0]!.message, /changed CART_ADDR cart:7070 → cart:8080 .* but env\.prod still sets cart:7070/);
    const plan = runJson<{ batches: { steps: { service: string; change: string }[] }[] }>(
      ['plan', '--env', 'prod', '--from', v1, '--intent', 'x'],
      repo.dir,
    ).json;
    assert.deepEqual(
      plan.batches.flatMap((b) => b.steps.map((s) => `${s.service} ${s.change}`)),
      ['front config'],
    );
  });

  test('a reference to a variable nothing sets is config/undefined-ref, located; single quotes keep "$" literal', () => {
    const { repo } = fleet();
    repo.write({ 'services/front/deploy/dev.env': "CART_ADDR=${CART_HOST}:${CART_PROT}\nLITERAL='${NOT_A_REF}'\n" }).commit('typo');
    const check = runJson<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'x'], repo.dir);
    const undefinedRefs = check.json.findings.filter((f) => f.rule === 'config/undefined-ref');
    assert.deepEqual(
      undefinedRefs.map((f) => [f.service, f.key, f.location?.file, f.location?.line]),
      [['front', 'CART_ADDR', 'services/front/deploy/dev.env', 1]],
    );
    assert.match(undefinedRefs[0]!.message, /builds CART_ADDR from \$\{CART_PROT\}, which nothing sets in dev/);
    assert.equal(check.code, 1);
  });
});
