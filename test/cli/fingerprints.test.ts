import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Fingerprinter } from '../../src/core/config/fingerprint.js';
import type { Plan } from '../../src/core/plan/plan.js';
import type { GitRepo } from '../support/git-repo.js';
import { storeFingerprints } from '../support/fingerprints.js';
import { execFleet, type ExecFleet } from './exec-fleet.js';

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

/** Two services deployed by the exec driver, each with a secret TOKEN from a git-ignored dotenv file. */
const MANIFEST = `version: 1
name: keyed
environments:
  dev: { driver: exec }
policy: { batch_size: 1, bake: 0s }
services:
${['a', 'b']
  .map(
    (name, i) => `  ${name}:
    path: services/${name}
    exec:
      deploy: [node, -e, "process.exit(0)"]
    config:
      schema:
        PORT: { type: port, default: ${7101 + i} }
        TOKEN: { type: string, secret: true, required: true }
      sources:
        - dotenv: deploy/{env}.env
`,
  )
  .join('')}`;

const SECRETS = { a: 'p@ss:w/rd+"a"', b: 'hunter2-b-token' };

function keyedFleet(): ExecFleet {
  const fleet = execFleet(repos, { '.gitignore': '.tranche/\nservices/*/deploy/\n' }, MANIFEST);
  fleet.repo.write({ 'services/a/deploy/dev.env': `TOKEN='${SECRETS.a}'\n`, 'services/b/deploy/dev.env': `TOKEN=${SECRETS.b}\n` });
  return fleet;
}

interface ConfigJson {
  keys: { key: string; value?: string }[];
}
const tokenOf = (fleet: ExecFleet, service: string, env: NodeJS.ProcessEnv = {}) => {
  const result = fleet.json<ConfigJson>(['config', service, '--env', 'dev'], env);
  assert.equal(result.code, 0, result.stderr);
  return result.json.keys.find((k) => k.key === 'TOKEN')!.value!;
};
const stateDb = (fleet: ExecFleet) => join(fleet.repo.dir, '.tranche', 'state.db');
const localKeyFile = (fleet: ExecFleet) => join(fleet.repo.dir, '.tranche', 'fingerprint.key');

describe('fingerprint keys', () => {
  test('a fleet with no state store keys fingerprints with .tranche/fingerprint.key (0600), made once and kept, and makes no store', () => {
    const fleet = keyedFleet();
    const shown = tokenOf(fleet, 'a');
    assert.ok(existsSync(localKeyFile(fleet)), 'the local key was made');
    assert.equal(statSync(localKeyFile(fleet)).mode & 0o777, 0o600);
    assert.equal(existsSync(stateDb(fleet)), false, 'config made a state store');
    const key = readFileSync(localKeyFile(fleet), 'utf8').trim();
    assert.equal(shown, new Fingerprinter(key).secret(SECRETS.a));
    assert.equal(tokenOf(fleet, 'a'), shown, 'the same key the next time');
    assert.notEqual(tokenOf(keyedFleet(), 'a'), shown, 'another fleet has another key');
    assert.equal(fleet.repo.git('status', '--porcelain', '--ignored=no'), '', 'the key is not something git would commit');
  });

  test('the first state store takes the local key: what config showed before is what apply records', () => {
    const fleet = keyedFleet();
    const before = tokenOf(fleet, 'a');
    const applied = fleet.run(['apply', '--env', 'dev', '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    const status = fleet.json<{ services: { service: string; config: Record<string, string> }[] }>(['status', '--env', 'dev']);
    assert.equal(status.json.services.find((s) => s.service === 'a')!.config.TOKEN, before);
    assert.equal(storeFingerprints(stateDb(fleet)).secret(SECRETS.a), before);
  });

  test('with a state store, config and drift use its key, read without making a local one', () => {
    const fleet = keyedFleet();
    const applied = fleet.run(['apply', '--env', 'dev', '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(existsSync(localKeyFile(fleet)), false, 'apply made a local key beside its store');
    const store = storeFingerprints(stateDb(fleet));
    assert.equal(tokenOf(fleet, 'b'), store.secret(SECRETS.b));
    const drift = fleet.run(['drift', '--values']);
    assert.equal(drift.code, 0, drift.stderr);
    assert.ok(drift.stdout.includes(store.secret(SECRETS.b)), drift.stdout);
    assert.equal(existsSync(localKeyFile(fleet)), false, 'config made a local key though the store has one');
  });

  test('a configured store that cannot be read is said, and the local key is used; nothing is made where it points', () => {
    const fleet = keyedFleet();
    const missing = join(fleet.repo.dir, 'elsewhere', 'state.db');
    const result = fleet.json<ConfigJson>(['config', 'a', '--env', 'dev'], { TRANCHE_STATE: missing });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /fingerprints are keyed by \.tranche\/fingerprint\.key, not by the state store/);
    assert.equal(existsSync(missing), false);
    const key = readFileSync(localKeyFile(fleet), 'utf8').trim();
    assert.equal(result.json.keys.find((k) => k.key === 'TOKEN')!.value, new Fingerprinter(key).secret(SECRETS.a));
  });

  test('a local key file that is no key, or a symbolic link, is exit 2 naming it', () => {
    const fleet = keyedFleet();
    tokenOf(fleet, 'a');
    writeFileSync(localKeyFile(fleet), 'not a key\n');
    const garbage = fleet.run(['config', 'a', '--env', 'dev']);
    assert.equal(garbage.code, 2, garbage.stderr);
    assert.match(garbage.stderr, /\.tranche\/fingerprint\.key is not a tranche fingerprint key \(64 hex digits\): remove it/);
    const other = keyedFleet();
    mkdirSync(join(other.repo.dir, '.tranche'));
    symlinkSync(localKeyFile(fleet), join(other.repo.dir, '.tranche', 'fingerprint.key'), 'file');
    const linked = other.run(['config', 'a', '--env', 'dev']);
    assert.equal(linked.code, 2, linked.stderr);
    assert.match(linked.stderr, /fingerprint\.key is a symbolic link/);
  });
});

describe('a state store written before fingerprints were keyed', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  /** What tranche wrote before: a secret as `sha256:` and 8 hex digits, a config hash as `sha256:` and 16. */
  const previousSecret = (text: string) => `sha256:${sha256(text).slice(0, 8)}`;
  const previousConfig = (config: Record<string, string>) =>
    `sha256:${sha256(
      Object.keys(config)
        .sort()
        .map((k) => `${k}=${JSON.stringify(config[k])}\n`)
        .join(''),
    ).slice(0, 16)}`;

  /**
   * Turns the fleet's store into one as the previous tranche left it (schema 2, no key; deployed
   * rows with unkeyed fingerprints and config hashes, as it computed them from each service's config).
   */
  function writtenBefore(fleet: ExecFleet): void {
    const db = new Database(stateDb(fleet));
    try {
      db.exec('DROP TABLE fingerprint_key; DELETE FROM schema_migrations WHERE version = 3;');
      const environments: Record<string, Record<string, string>> = { a: { PORT: '7101', TOKEN: SECRETS.a }, b: { PORT: '7102', TOKEN: SECRETS.b } };
      for (const [service, environment] of Object.entries(environments)) {
        const config = { PORT: environment.PORT!, TOKEN: previousSecret(environment.TOKEN!) };
        db.prepare('UPDATE deployed SET config_hash = ?, config = ? WHERE service = ?').run(previousConfig(environment), JSON.stringify(config), service);
      }
      const rows = db.prepare('SELECT config_hash, config FROM deployed').all() as { config_hash: string; config: string }[];
      assert.ok(
        rows.length === 2 && rows.every((r) => r.config_hash.startsWith('sha256:') && r.config.includes('"sha256:')),
        'the store is in the earlier form',
      );
    } finally {
      db.close();
    }
  }

  test('the first release after the upgrade changes no secret and no service that did not change', () => {
    const fleet = keyedFleet();
    assert.equal(fleet.run(['apply', '--env', 'dev', '--yes']).code, 0);
    writtenBefore(fleet);

    const plan = fleet.json<Plan>(['plan', '--env', 'dev']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual(plan.json.batches, [], `the plan deploys what did not change: ${JSON.stringify(plan.json.batches)}`);
    const apply = fleet.run(['apply', '--env', 'dev', '--yes']);
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /nothing to deploy in dev/);

    // A secret that does change is still a change, and only that service's.
    fleet.repo.write({ 'services/b/deploy/dev.env': 'TOKEN=hunter3-b-token\n' });
    const changed = fleet.json<Plan>(['plan', '--env', 'dev']);
    const steps = changed.json.batches.flatMap((b) => b.steps);
    assert.deepEqual(
      steps.map((s) => s.service),
      ['b'],
    );
    assert.deepEqual(steps[0]!.configChanges, { TOKEN: [previousSecret(SECRETS.b), storeFingerprints(stateDb(fleet)).secret('hunter3-b-token')] });
  });
});
