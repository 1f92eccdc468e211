import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { GitRepo } from '../support/git-repo.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli, runJson } from '../support/run-cli.js';

// tranche init on repositories as they are: a small compose fleet made here, and the real fleets
// of the corpus (../shared/corpora/fleets), whose facts were checked by hand (see its README).

const CORPUS = process.env.TRANCHE_FLEETS_CORPUS ?? resolve(REPO_ROOT, '../shared/corpora/fleets');
const repos: GitRepo[] = [];
const dirs: string[] = [];
after(() => {
  repos.forEach((r) => r.dispose());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

/** The corpus fleet as a git repository (its two versions, tagged). */
function corpusFleet(name: string): string {
  assert.ok(existsSync(join(CORPUS, 'build.sh')), `the fleets corpus is missing at ${CORPUS} (set TRANCHE_FLEETS_CORPUS)`);
  const dir = join(mkdtempSync(join(tmpdir(), `tranche-init-${name}-`)), 'fleet');
  dirs.push(resolve(dir, '..'));
  execFileSync('bash', [join(CORPUS, 'build.sh'), name, dir], { stdio: 'ignore' });
  return dir;
}

function commitAll(dir: string, message: string): void {
  execFileSync('git', ['add', '-A'], { cwd: dir, env: GIT_ENV });
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env: GIT_ENV });
}

interface Init {
  env: string;
  services: { name: string; path: string; keys: number; dependsOn: string[] }[];
  gitignore: string;
  notes: string[];
}

describe('tranche init', () => {
  test('a compose fleet: services that build, keys typed by their values, secrets by name, depends_on from compose and from hosts', () => {
    const repo = new GitRepo({
      'docker-compose.yml': `services:
  web:
    build: ./web
    depends_on: [cache]
    environment:
      CART_URL: http://cart:7070/api
      WEB_PORT: "8080"
      DEBUG: "false"
      TIMEOUT: 30s
      API_TOKEN: \${API_TOKEN:-dev-token}
  cart:
    build: { context: services/cart }
    env_file: services/cart/cart.env
  cache:
    image: redis:7
`,
      'services/cart/cart.env': 'MAX_ITEMS=50\nREDIS_ADDR=cache:6379\n',
      'web/package.json': '{"name":"web"}\n',
      'services/cart/go.mod': 'module cart\n',
      '.gitignore': 'node_modules/\n',
    });
    repos.push(repo);
    repo.commit('as it was');
    const init = runJson<Init>(['init'], repo.dir);
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(
      init.json.services.map((s) => [s.name, s.path, s.dependsOn]),
      [
        ['web', 'web', ['cart']],
        ['cart', 'services/cart', []],
      ],
    );
    assert.equal(init.json.env, 'dev');
    assert.equal(init.json.gitignore, 'added');
    assert.ok(
      init.json.notes.some((n) => /compose service cache \(image redis:7\): it has no build: in this repository/.test(n)),
      init.json.notes.join('\n'),
    );
    const text = readFileSync(join(repo.dir, 'tranche.yaml'), 'utf8');
    assert.match(text, /^# yaml-language-server: \$schema=\S+schema\/tranche\.schema\.json$/m);
    const schemaPath = /\$schema=(\S+)/.exec(text)![1]!;
    assert.ok(existsSync(resolve(repo.dir, schemaPath)), 'the modeline names the schema file');
    const manifest = parse(text) as { services: Record<string, { config: { schema: Record<string, { type: string; secret?: boolean }> } }> };
    assert.deepEqual(manifest.services.web!.config.schema, {
      API_TOKEN: { type: 'string', secret: true },
      CART_URL: { type: 'url' },
      DEBUG: { type: 'boolean' },
      TIMEOUT: { type: 'duration' },
      WEB_PORT: { type: 'port' },
    });
    assert.deepEqual(manifest.services.cart!.config.schema, { MAX_ITEMS: { type: 'int' }, REDIS_ADDR: { type: 'string' } });
    assert.equal(readFileSync(join(repo.dir, '.gitignore'), 'utf8'), 'node_modules/\n.tranche/\n');

    const validate = runCli(['validate'], repo.dir);
    assert.equal(validate.code, 0, validate.stdout + validate.stderr);
    const uncommitted = runCli(['check', '--env', 'dev'], repo.dir);
    assert.equal(uncommitted.code, 2);
    assert.match(
      uncommitted.stderr,
      /there is no tranche\.yaml at the root of the fleet in HEAD \([0-9a-f]{7}\) \(one written since is read once it is committed: commands read the fleet from git\)/,
    );
    repo.commit('describe the fleet');
    const check = runJson<{ findings: { rule: string }[] }>(['check', '--env', 'dev', '--intent', 'first look'], repo.dir);
    assert.ok(check.code === 0 || check.code === 1, check.stderr);
    assert.deepEqual(
      check.json.findings.filter((f) => f.rule === 'config/unknown-key' || f.rule === 'config/invalid'),
      [],
      'every key declared, every value fits its type',
    );

    // Never replaces a tranche.yaml unless asked; .tranche/ is added once.
    const again = runCli(['init'], repo.dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /tranche\.yaml exists; pass --force to replace it/);
    assert.equal(runCli(['init', '--force', '--json'], repo.dir).code, 0);
    assert.equal(readFileSync(join(repo.dir, '.gitignore'), 'utf8'), 'node_modules/\n.tranche/\n');
  });

  test('outside a git repository: exit 2, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tranche-init-nogit-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'docker-compose.yml'), 'services: {}\n');
    const result = runCli(['init'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /is not in a git repository/);
    assert.equal(existsSync(join(dir, 'tranche.yaml')), false);
  });

  test('online-boutique: the workloads of kubernetes-manifests built from src/, what is left out said; validate, config, drift, changes on what it writes', () => {
    const dir = corpusFleet('online-boutique');
    const init = runJson<Init>(['init'], dir);
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(init.json.services.map((s) => s.name).sort(), [
      'adservice',
      'cartservice',
      'checkoutservice',
      'currencyservice',
      'emailservice',
      'frontend',
      'loadgenerator',
      'paymentservice',
      'productcatalogservice',
      'recommendationservice',
      'shippingservice',
    ]);
    const notes = init.json.notes.join('\n');
    assert.match(
      notes,
      /Deployment redis-cart \(kubernetes-manifests\/cartservice\.yaml\): no directory of this repository builds it \(image redis:alpine\)/,
      'fact 4: redis-cart is a backing service',
    );
    assert.match(
      notes,
      /frontend: a value names the host shoppingassistantservice, which nothing in this repository deploys alongside it/,
      'fact 2: the dangling host',
    );
    assert.match(
      notes,
      /src\/shoppingassistantservice has build files .* nothing this draft reads deploys it/,
      'fact 17: built, deployed only through the kustomize component',
    );
    const frontend = init.json.services.find((s) => s.name === 'frontend')!;
    assert.deepEqual(frontend.dependsOn, [
      'adservice',
      'cartservice',
      'checkoutservice',
      'currencyservice',
      'productcatalogservice',
      'recommendationservice',
      'shippingservice',
    ]);
    commitAll(dir, 'describe the fleet');

    assert.equal(runCli(['validate'], dir).code, 0);
    const explain = runCli(['config', 'frontend', '--env', 'prod', '--explain', 'SHOPPING_ASSISTANT_SERVICE_ADDR'], dir);
    assert.match(explain.stdout, /wins +shoppingassistantservice:80 +kubernetes +kubernetes-manifests\/frontend\.yaml:83:\d+/, 'fact 1');
    const drift = runCli(['drift'], dir);
    assert.equal(drift.code, 0, drift.stderr);
    const changes = runJson<{ services: { service: string; configKeys: { key: string; from: string | null; to: string | null }[] }[]; notes: string[] }>(
      ['changes', '--env', 'prod', '--from', 'v0.9.0'],
      dir,
    ).json;
    const keys = Object.fromEntries(changes.services.map((s) => [s.service, s.configKeys.map((k) => `${k.key}: ${k.from} → ${k.to}`)]));
    assert.deepEqual(keys.frontend, ['SHOPPING_ASSISTANT_SERVICE_ADDR: null → shoppingassistantservice:80'], 'fact 1');
    assert.deepEqual(keys.cartservice ?? [], [], 'fact 5: REDIS_ADDR moved, unchanged');
    assert.deepEqual(Object.values(keys).flat().length, 1, 'no other env value changes');
    assert.deepEqual(changes.notes, [`v0.9.0 (1fcb687) has no tranche.yaml: it is read with the target's`]);
  });

  test('voting-app: vote, result and worker from the Kubernetes specifications; redis and db are backing services', () => {
    const dir = corpusFleet('voting-app');
    const init = runJson<Init>(['init'], dir);
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(
      init.json.services.map((s) => [s.name, s.path]),
      [
        ['result', 'result'],
        ['vote', 'vote'],
        ['worker', 'worker'],
      ],
    );
    const notes = init.json.notes.join('\n');
    assert.match(notes, /Deployment db .* \(image postgres:15-alpine\)/);
    assert.match(notes, /Deployment redis .* \(image redis:alpine\)/);
    assert.match(notes, /docker-compose\.yml: docker compose too/);
    commitAll(dir, 'describe the fleet');
    assert.equal(runCli(['validate'], dir).code, 0);
    const check = runJson<{ findings: { rule: string; service?: string; key?: string; message: string }[] }>(
      ['check', '--env', 'prod', '--from', 'main-2022-12-16', '--intent', 'ports 8080/8081'],
      dir,
    );
    assert.equal(check.code, 0, check.stderr);
    // Fact 15: socket.io ^2.5.0 → ^4.7.2, a major bump of a direct dependency of result.
    assert.ok(
      check.json.findings.some(
        (f) => f.rule === 'deps/major-change' && f.service === 'result' && /^socket\.io moves to a new major version, 2\.5\.0 → 4\.7\.2/.test(f.message),
      ),
      JSON.stringify(check.json.findings.map((f) => f.message)),
    );
    assert.deepEqual(
      check.json.findings.filter((f) => f.rule.startsWith('config/')),
      [],
      "the draft's config holds",
    );
  });
});
