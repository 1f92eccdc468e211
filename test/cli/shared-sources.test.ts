import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { runCli, runJson } from '../support/run-cli.js';

// A fleet-wide .env read by several services, as real fleets have: it belongs to every service
// that reads it.

const MANIFEST = (rules = '') => `version: 1
name: shop
environments:
  dev: { driver: local }
policy:
  rules: {${rules}}
services:
  cart:
    path: services/cart
    config:
      schema:
        CART_PORT: { type: port, required: true }
        LOG_LEVEL: { type: string }
      sources:
        - dotenv: ../../.env
        - dotenv: local.env
          optional: true
  front:
    path: services/front
    config:
      schema:
        FRONT_PORT: { type: port, required: true }
        LOG_LEVEL: { type: string }
      sources:
        - dotenv: ../../.env
`;

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function fleet(rules = '') {
  const repo = new GitRepo({
    'tranche.yaml': MANIFEST(rules),
    '.env': 'CART_PORT=7070\nFRONT_PORT=8080\nLOG_LEVL=debug\nREDIS_PORT=6379\n',
    'services/cart/index.js': '\n',
    'services/front/index.js': '\n',
  });
  repos.push(repo);
  return { repo, v1: repo.commit('v1') };
}

interface Finding {
  rule: string;
  service?: string;
  key?: string;
  location?: { file: string };
}

describe('shared sources', () => {
  test('a key a service does not declare in a shared source is not unknown there, unless it looks like a typo', () => {
    const { repo } = fleet();
    const check = runJson<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'x'], repo.dir).json;
    const unknown = check.findings.filter((f) => f.rule === 'config/unknown-key').map((f) => `${f.service} ${f.key}`);
    assert.deepEqual(unknown.sort(), ['cart LOG_LEVL', 'front LOG_LEVL'], "CART_PORT in front, FRONT_PORT in cart, REDIS_PORT anywhere: other services' keys");
    // A service's own file is not shared: any key it does not declare is unknown.
    repo.write({ 'services/cart/local.env': 'REDIS_PORT=6379\n' }).commit('cart local');
    const own = runJson<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'x'], repo.dir).json;
    assert.ok(
      own.findings.some(
        (f) => f.rule === 'config/unknown-key' && f.service === 'cart' && f.key === 'REDIS_PORT' && f.location?.file === 'services/cart/local.env',
      ),
    );
  });

  test('its commits and its uncommitted edits count for every service that reads it', () => {
    const { repo, v1 } = fleet();
    repo.write({ '.env': 'CART_PORT=7071\nFRONT_PORT=8080\nLOG_LEVL=debug\nREDIS_PORT=6379\n' }).commit('cart moves');
    const changes = runJson<{ services: { service: string; kinds: string[]; commits: { subject: string }[] }[] }>(
      ['changes', '--env', 'dev', '--from', v1],
      repo.dir,
    ).json;
    assert.deepEqual(
      changes.services.map((s) => [s.service, s.kinds, s.commits.map((c) => c.subject)]),
      [
        ['cart', ['config'], ['cart moves']],
        ['front', [], ['cart moves']],
      ],
    );
    repo.write({ '.env': 'CART_PORT=7072\nFRONT_PORT=8080\n' });
    const dirty = runJson<{ findings: Finding[] }>(['check', '--env', 'dev', '--intent', 'x'], repo.dir).json;
    assert.deepEqual(
      dirty.findings
        .filter((f) => f.rule === 'change/uncommitted')
        .map((f) => `${f.service} ${f.location?.file}`)
        .sort(),
      ['cart .env', 'front .env'],
    );
  });

  test("tranche config shows the findings of the config rules with the fleet's policy", () => {
    const loud = runCli(['config', 'cart', '--env', 'dev'], fleet().repo.dir);
    assert.match(loud.stdout, /warn +config\/unknown-key +LOG_LEVL/);
    const quiet = runCli(['config', 'cart', '--env', 'dev'], fleet('config/unknown-key: off').repo.dir);
    assert.equal(quiet.code, 0);
    assert.doesNotMatch(quiet.stdout, /unknown-key|LOG_LEVL/);
  });
});
