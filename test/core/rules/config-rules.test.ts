import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveFleet } from '../../../src/core/config/resolve-fleet.js';
import type { Finding } from '../../../src/core/finding.js';
import type { FleetRevision } from '../../../src/core/fleet-revision.js';
import { checkConfig } from '../../../src/core/rules/check-config.js';
import { baseFleet, clone, revision } from '../../support/fleet-builder.js';
import { testFingerprints } from '../../support/fingerprints.js';

function check(env: string, to: FleetRevision, from?: FleetRevision) {
  return checkConfig({
    env,
    to,
    toConfigs: resolveFleet(to),
    deployed: from ? [{ revision: from, configs: resolveFleet(from), services: new Set(to.manifest.services.keys()) }] : [],
    fingerprints: testFingerprints,
  });
}
const only = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);
const brief = (f: Finding) => ({ rule: f.rule, service: f.service, key: f.key, file: f.location?.file, line: f.location?.line });

const CLEAN_FILES = {
  'services/orders/config/defaults.yaml': 'PORT: 8080\n',
};

describe('a clean release', () => {
  test('has no findings at all, comparing or not', () => {
    const from = revision(baseFleet(), CLEAN_FILES);
    const fleet = clone(baseFleet());
    fleet.resources['orders-db'].values.prod.port = 6432;
    const to = revision(fleet, { 'services/orders/config/defaults.yaml': 'PORT: 8081\n' });
    assert.deepEqual(check('prod', to, from).findings, []);
    assert.deepEqual(check('prod', to).findings, []);
    assert.deepEqual(check('prod', to).skipped, ['config/shadowed-change', 'config/stale-value']);
    assert.deepEqual(check('prod', to, from).skipped, []);
  });
});

describe('config/missing', () => {
  test('fires on a required key nothing sets, located at its schema entry', () => {
    const to = revision(baseFleet(), {});
    const [finding, ...rest] = only(check('dev', to).findings, 'config/missing');
    assert.deepEqual(rest, []);
    assert.deepEqual(brief(finding!), { rule: 'config/missing', service: 'orders', key: 'PORT', file: 'tranche.yaml', line: finding!.location!.line });
    assert.equal(finding!.severity, 'error');
    assert.match(finding!.hint!, /services\/orders\/config\/defaults.yaml/);
  });

  test('says which resource lacks the bound field in that environment', () => {
    const fleet = clone(baseFleet());
    delete fleet.resources['orders-db'].values.prod.port;
    const findings = only(check('prod', revision(fleet, CLEAN_FILES)).findings, 'config/missing');
    assert.deepEqual(
      findings.map((f) => f.key),
      ['DB_PORT'],
    );
    assert.match(findings[0]!.message, /orders-db has no port in prod/);
    assert.deepEqual(only(check('dev', revision(fleet, CLEAN_FILES)).findings, 'config/missing'), []);
  });

  test('does not fire for an optional key or a key with a default', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.EXTRA = { type: 'string' };
    assert.deepEqual(only(check('dev', revision(fleet, CLEAN_FILES)).findings, 'config/missing'), []);
  });
});

describe('config/invalid', () => {
  test('fires at the winning value, with the type problem', () => {
    const to = revision(baseFleet(), { ...CLEAN_FILES, 'services/orders/deploy/prod.env': 'A=1\nLOG_LEVEL=verbose\n' });
    const findings = only(check('prod', to).findings, 'config/invalid');
    assert.deepEqual(findings.map(brief), [{ rule: 'config/invalid', service: 'orders', key: 'LOG_LEVEL', file: 'services/orders/deploy/prod.env', line: 2 }]);
    assert.match(findings[0]!.message, /verbose/);
  });

  test('ignores an invalid value that a valid one overrides', () => {
    const to = revision(baseFleet(), { 'services/orders/config/defaults.yaml': 'PORT: 99999\n', 'services/orders/config/dev.yaml': 'PORT: 8080\n' });
    assert.deepEqual(only(check('dev', to).findings, 'config/invalid'), []);
    assert.equal(only(check('prod', to).findings, 'config/invalid').length, 1);
  });

  test('never quotes a secret value', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.TOKEN = { type: 'int', secret: true };
    const to = revision(fleet, { ...CLEAN_FILES, 'services/orders/deploy/dev.env': 'TOKEN=s3cr3t-value\n' }, ['services/orders/deploy/dev.env']);
    const [finding] = only(check('dev', to).findings, 'config/invalid');
    assert.ok(finding);
    assert.doesNotMatch(JSON.stringify(finding), /s3cr3t-value/);
    assert.match(finding.message, /hmac:[0-9a-f]{16}/);
  });
});

describe('config/unknown-key', () => {
  test('fires on a key no schema declares, with a did-you-mean', () => {
    const to = revision(baseFleet(), { 'services/orders/config/defaults.yaml': 'PORT: 8080\nLOG_LEVL: warn\n' });
    const findings = only(check('dev', to).findings, 'config/unknown-key');
    assert.deepEqual(findings.map(brief), [
      { rule: 'config/unknown-key', service: 'orders', key: 'LOG_LEVL', file: 'services/orders/config/defaults.yaml', line: 2 },
    ]);
    assert.match(findings[0]!.message, /did you mean LOG_LEVEL/);
    assert.equal(findings[0]!.severity, 'warn');
  });
});

describe('config/shadowed-change', () => {
  test('fires when a resource value changes but an old variable still wins', () => {
    const files = { ...CLEAN_FILES, 'services/orders/deploy/prod.env': '# pinned during the incident\nDB_PORT=5432\n' };
    const from = revision(baseFleet(), files);
    const fleet = clone(baseFleet());
    fleet.resources['orders-db'].values.prod.port = 6432;
    fleet.resources['orders-db'].values.dev.port = 6432;
    const to = revision(fleet, files);
    const findings = only(check('prod', to, from).findings, 'config/shadowed-change');
    assert.deepEqual(findings.map(brief), [
      { rule: 'config/shadowed-change', service: 'orders', key: 'DB_PORT', file: 'services/orders/deploy/prod.env', line: 2 },
    ]);
    assert.match(findings[0]!.message, /5432 → 6432/);
    assert.equal(findings[0]!.env, 'prod');
    // In dev nothing overrides the binding: the change takes effect.
    assert.deepEqual(only(check('dev', to, from).findings, 'config/shadowed-change'), []);
    // The stale literal is one mistake, reported once.
    assert.deepEqual(only(check('prod', to, from).findings, 'config/stale-value'), []);
  });

  test('fires when a per-environment file changes but a deployment variable wins', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.env = { prod: { PORT: '8080' } };
    const from = revision(fleet, { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'PORT: 8080\n' });
    const to = revision(fleet, { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'PORT: 9090\n' });
    const findings = only(check('prod', to, from).findings, 'config/shadowed-change');
    assert.deepEqual(
      findings.map((f) => [f.key, f.location?.file]),
      [['PORT', 'tranche.yaml']],
    );
    assert.match(findings[0]!.hint!, /services.orders.config.env.prod/);
  });

  test('does not fire when the winning layer changes too', () => {
    const from = revision(baseFleet(), { ...CLEAN_FILES, 'services/orders/deploy/prod.env': 'DB_PORT=5432\n' });
    const fleet = clone(baseFleet());
    fleet.resources['orders-db'].values.prod.port = 6432;
    const to = revision(fleet, { ...CLEAN_FILES, 'services/orders/deploy/prod.env': 'DB_PORT=6432\n' });
    assert.deepEqual(only(check('prod', to, from).findings, 'config/shadowed-change'), []);
  });

  test('does not fire for a shared default change that takes effect in another environment', () => {
    const from = revision(baseFleet(), { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'LOG_LEVEL: warn\n' });
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.LOG_LEVEL.default = 'debug';
    const to = revision(fleet, { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'LOG_LEVEL: warn\n' });
    assert.deepEqual(only(check('prod', to, from).findings, 'config/shadowed-change'), []);
  });

  test('fires for a shared change that takes effect nowhere', () => {
    const files = { 'services/orders/config/dev.yaml': 'PORT: 1\n', 'services/orders/config/prod.yaml': 'PORT: 2\n' };
    const from = revision(baseFleet(), { ...files, 'services/orders/config/defaults.yaml': 'PORT: 8080\n' });
    const to = revision(baseFleet(), { ...files, 'services/orders/config/defaults.yaml': 'PORT: 9090\n' });
    const findings = only(check('prod', to, from).findings, 'config/shadowed-change');
    assert.deepEqual(
      findings.map((f) => [f.key, f.location?.file]),
      [['PORT', 'services/orders/config/prod.yaml']],
    );
  });
});

describe('config/stale-value', () => {
  test('fires on a literal holding the old value of a changed resource field', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.DB_PORT = { type: 'port', required: true };
    const files = { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'DB_PORT: 5432\n', 'services/orders/config/dev.yaml': 'DB_PORT: 5432\n' };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources['orders-db'].values.prod.port = 6432;
    const to = revision(next, files);
    const findings = only(check('prod', to, from).findings, 'config/stale-value');
    assert.deepEqual(findings.map(brief), [
      { rule: 'config/stale-value', service: 'orders', key: 'DB_PORT', file: 'services/orders/config/prod.yaml', line: 1 },
    ]);
    assert.match(findings[0]!.message, /old value of orders-db.port \(now 6432\)/);
    assert.deepEqual(only(check('dev', to, from).findings, 'config/stale-value'), []);
  });

  test('fires on a URL that still holds the old host:port', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.DATABASE_URL = { type: 'url', required: true };
    const files = { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'DATABASE_URL: postgres://127.0.0.1:5432/orders\n' };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources['orders-db'].values.prod.port = 6432;
    const findings = only(check('prod', revision(next, files), from).findings, 'config/stale-value');
    assert.deepEqual(
      findings.map((f) => f.key),
      ['DATABASE_URL'],
    );
    assert.match(findings[0]!.message, /127.0.0.1:5432, now 127.0.0.1:6432/);
  });

  test('does not fire for a service that does not use the resource', () => {
    const fleet = clone(baseFleet());
    fleet.services.other = { path: 'services/other', config: { schema: { PORT: { type: 'port', default: 5432 } } } };
    const from = revision(fleet, CLEAN_FILES);
    const next = clone(fleet);
    next.resources['orders-db'].values.prod.port = 6432;
    assert.deepEqual(only(check('prod', revision(next, CLEAN_FILES), from).findings, 'config/stale-value'), []);
  });
});

describe('config/drift', () => {
  test('fires when a key is bound in one environment and a literal in another', () => {
    const to = revision(baseFleet(), { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'DB_HOST: db.internal\n' });
    const findings = only(check('prod', to).findings, 'config/drift');
    assert.deepEqual(findings.map(brief), [{ rule: 'config/drift', service: 'orders', key: 'DB_HOST', file: 'services/orders/config/prod.yaml', line: 1 }]);
    assert.match(findings[0]!.message, /resource orders-db.host in dev; services\/orders\/config\/prod.yaml in prod/);
  });

  test('fires when a key is set in one environment only', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.FEATURE = { type: 'boolean' };
    const to = revision(fleet, { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'FEATURE: true\n' });
    assert.deepEqual(
      only(check('dev', to).findings, 'config/drift').map((f) => f.key),
      ['FEATURE'],
    );
  });

  test('does not count a default as a different kind of source', () => {
    const to = revision(baseFleet(), { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'LOG_LEVEL: warn\n' });
    assert.deepEqual(only(check('prod', to).findings, 'config/drift'), []);
  });
});

describe('config/plaintext-secret', () => {
  const secretFleet = () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.API_TOKEN = { type: 'string', secret: true, required: true };
    return fleet;
  };

  test('fires on a secret in a file git tracks, even when overridden', () => {
    const to = revision(
      secretFleet(),
      { 'services/orders/config/defaults.yaml': 'PORT: 1\nAPI_TOKEN: hunter2\n', 'services/orders/deploy/prod.env': 'API_TOKEN=real\n' },
      ['services/orders/deploy/prod.env'],
    );
    const findings = only(check('prod', to).findings, 'config/plaintext-secret');
    assert.deepEqual(findings.map(brief), [
      { rule: 'config/plaintext-secret', service: 'orders', key: 'API_TOKEN', file: 'services/orders/config/defaults.yaml', line: 2 },
    ]);
    assert.doesNotMatch(JSON.stringify(findings), /hunter2|real/);
  });

  test('does not fire on a secret from an untracked file', () => {
    const to = revision(
      secretFleet(),
      { ...CLEAN_FILES, 'services/orders/deploy/prod.env': 'API_TOKEN=real\n', 'services/orders/deploy/dev.env': 'API_TOKEN=dev\n' },
      ['services/orders/deploy/prod.env', 'services/orders/deploy/dev.env'],
    );
    assert.deepEqual(check('prod', to).findings, []);
  });
});

describe('policy.rules', () => {
  test('turns a rule off or changes its severity', () => {
    const fleet = clone(baseFleet());
    fleet.policy = { rules: { 'config/unknown-key': 'error', 'config/missing': 'off' } };
    const to = revision(fleet, { 'services/orders/config/dev.yaml': 'PRT: 1\n' });
    const findings = check('dev', to).findings;
    assert.deepEqual(only(findings, 'config/missing'), []);
    assert.equal(only(findings, 'config/unknown-key')[0]?.severity, 'error');
  });
});

describe('config/stale-value on unrelated keys', () => {
  test('does not fire on a key that only happens to hold the old value', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.BIND_HOST = { type: 'host', required: true };
    fleet.services.orders.config.schema.METRICS_PORT = { type: 'port', required: true };
    const files = {
      ...CLEAN_FILES,
      'services/orders/config/prod.yaml': 'BIND_HOST: 127.0.0.1\nMETRICS_PORT: 5432\n',
      'services/orders/config/dev.yaml': 'BIND_HOST: 127.0.0.1\nMETRICS_PORT: 5432\n',
    };
    const from = revision(fleet, files);
    const next = clone(fleet);
    next.resources['orders-db'].values.prod = { host: '10.0.0.5', port: 6432, database: 'orders' };
    const findings = check('prod', revision(next, files), from).findings;
    assert.deepEqual(only(findings, 'config/stale-value'), []);
  });
});

describe('config/stale-value with several resources', () => {
  const twoDbs = () => {
    const fleet = clone(baseFleet());
    fleet.resources['audit-db'] = { kind: 'postgres', values: { dev: { host: '127.0.0.1', port: 5432 }, prod: { host: '127.0.0.1', port: 5432 } } };
    fleet.services.orders.uses = ['orders-db', 'audit-db'];
    fleet.services.orders.config.schema.AUDIT_DB_PORT = { type: 'port', required: true };
    fleet.services.orders.config.schema.REPLICA_DB_PORT = { type: 'port', required: true };
    return fleet;
  };
  const files = { ...CLEAN_FILES, 'services/orders/config/defaults.yaml': 'PORT: 8080\nAUDIT_DB_PORT: 5432\nREPLICA_DB_PORT: 5432\n' };

  test('does not blame a key that belongs to another resource the service uses', () => {
    const from = revision(twoDbs(), files);
    const next = twoDbs();
    next.resources['orders-db'].values.prod.port = 6432;
    assert.deepEqual(only(check('prod', revision(next, files), from).findings, 'config/stale-value'), []);
  });

  test('fires on a key named after the resource in a service that forgot to declare it', () => {
    const fleet = clone(baseFleet());
    fleet.services.reports = {
      path: 'services/reports',
      config: { schema: { ORDERS_DB_PORT: { type: 'port', required: true } }, sources: [{ file: 'config.yaml' }] },
    };
    const reportFiles = { ...CLEAN_FILES, 'services/reports/config.yaml': 'ORDERS_DB_PORT: 5432\n' };
    const from = revision(fleet, reportFiles);
    const next = clone(fleet);
    next.resources['orders-db'].values.prod.port = 6432;
    const findings = only(check('prod', revision(next, reportFiles), from).findings, 'config/stale-value');
    assert.deepEqual(
      findings.map((f) => [f.service, f.key]),
      [['reports', 'ORDERS_DB_PORT']],
    );
  });

  test('matches the old host:port only as a whole port', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.OTHER_URL = { type: 'url', required: true };
    const urlFiles = { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'OTHER_URL: http://127.0.0.1:54321/x\n' };
    const from = revision(fleet, urlFiles);
    const next = clone(fleet);
    next.resources['orders-db'].values.prod.port = 6432;
    assert.deepEqual(only(check('prod', revision(next, urlFiles), from).findings, 'config/stale-value'), []);
  });
});

describe('config/shadowed-change when the winner already has the new value', () => {
  test('does not fire', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.DB_PORT = { type: 'port', required: true };
    const files = { ...CLEAN_FILES, 'services/orders/config/prod.yaml': 'DB_PORT: 5432\n', 'services/orders/config/dev.yaml': 'DB_PORT: 5432\n' };
    const from = revision(fleet, files);
    const next = clone(baseFleet());
    next.services.orders.config.schema.DB_PORT = { type: 'port', required: true, bind: 'orders-db.port' };
    assert.deepEqual(only(check('prod', revision(next, files), from).findings, 'config/shadowed-change'), []);
  });
});
