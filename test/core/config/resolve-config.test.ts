import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveConfig } from '../../../src/core/config/resolve-config.js';
import { showValue } from '../../../src/core/config/show-value.js';
import { testFingerprints } from '../../support/fingerprints.js';
import { baseFleet, clone, revision } from '../../support/fleet-builder.js';

const ordersIn = (rev: ReturnType<typeof revision>, env: string) =>
  resolveConfig(rev.manifest, rev.manifest.services.get('orders')!, env, rev.files, rev.manifestTracked);

describe('config resolution', () => {
  test('takes each key from the highest layer: default < bind < sources in order < env', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.env = { prod: { LOG_LEVEL: 'warn' } };
    const rev = revision(fleet, {
      'services/orders/config/defaults.yaml': 'PORT: 8080\nLOG_LEVEL: debug\n',
      'services/orders/config/prod.yaml': 'PORT: 8081\n',
      'services/orders/deploy/prod.env': 'DB_PORT=6543\n',
    });
    const prod = ordersIn(rev, 'prod');
    const winner = (key: string) => prod.keys.get(key)!.layers[0]!;
    assert.equal(winner('PORT').raw, 8081);
    assert.equal(winner('PORT').source, 'services/orders/config/prod.yaml');
    assert.equal(winner('DB_HOST').kind, 'bind');
    assert.equal(winner('DB_HOST').source, 'orders-db.host');
    assert.equal(winner('DB_PORT').kind, 'dotenv');
    assert.equal(winner('LOG_LEVEL').kind, 'env');
    assert.deepEqual(
      prod.keys.get('LOG_LEVEL')!.layers.map((l) => l.kind),
      ['env', 'file', 'default'],
    );
    assert.deepEqual(
      prod.keys.get('DB_PORT')!.layers.map((l) => l.kind),
      ['dotenv', 'bind'],
    );

    const dev = ordersIn(rev, 'dev');
    assert.equal(dev.keys.get('PORT')!.layers[0]!.raw, 8080);
    assert.equal(dev.keys.get('LOG_LEVEL')!.layers[0]!.raw, 'debug');
  });

  test('keeps the file, line and column of every layer, winner and overridden', () => {
    const rev = revision(baseFleet(), {
      'services/orders/config/defaults.yaml': '# defaults\nPORT: 8080\n',
      'services/orders/deploy/dev.env': '\n\nexport PORT=9000\n',
    });
    const layers = ordersIn(rev, 'dev').keys.get('PORT')!.layers;
    assert.deepEqual(layers[0]!.location, { file: 'services/orders/deploy/dev.env', line: 3, column: 8 });
    assert.deepEqual(layers[1]!.location, { file: 'services/orders/config/defaults.yaml', line: 2, column: 1 });
    const bind = ordersIn(rev, 'dev').keys.get('DB_PORT')!.layers[0]!;
    assert.equal(bind.location.file, 'tranche.yaml');
    assert.ok(bind.location.line! > 1);
  });

  test('expands {env} in source paths and skips optional sources that do not exist', () => {
    const rev = revision(baseFleet(), {
      'services/orders/config/defaults.yaml': 'PORT: 1\n',
      'services/orders/config/dev.yaml': 'PORT: 2\n',
    });
    assert.equal(ordersIn(rev, 'dev').keys.get('PORT')!.layers[0]!.raw, 2);
    assert.equal(ordersIn(rev, 'prod').keys.get('PORT')!.layers[0]!.raw, 1);
  });

  test('coerces dotenv and deployment text by the key type, and keeps YAML types', () => {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.env = { dev: { PORT: '70000' } };
    const rev = revision(fleet, { 'services/orders/config/defaults.yaml': 'PORT: 8080\n' });
    const port = ordersIn(rev, 'dev').keys.get('PORT')!;
    assert.equal(port.value?.ok, false);
    assert.equal(ordersIn(rev, 'prod').keys.get('PORT')!.value?.ok, true);
    assert.deepEqual(ordersIn(rev, 'prod').keys.get('PORT')!.value, { ok: true, value: 8080, text: '8080' });
  });

  test('reports keys that sources set but the schema does not declare', () => {
    const rev = revision(baseFleet(), { 'services/orders/config/defaults.yaml': 'PORT: 1\nLOG_LEVL: debug\n' });
    const unknown = ordersIn(rev, 'dev').unknown;
    assert.deepEqual(
      unknown.map((u) => [u.key, u.layer.location.line]),
      [['LOG_LEVL', 2]],
    );
  });

  test('marks values from untracked files as not in git', () => {
    const rev = revision(baseFleet(), { 'services/orders/config/defaults.yaml': 'PORT: 1\n', 'services/orders/deploy/prod.env': 'PORT=2\n' }, [
      'services/orders/deploy/prod.env',
    ]);
    const layers = ordersIn(rev, 'prod').keys.get('PORT')!.layers;
    assert.deepEqual(
      layers.map((l) => l.tracked),
      [false, true],
    );
  });
});

describe('secret display', () => {
  test('a secret shows as hmac: and 16 hex digits of its keyed hash, never its value', () => {
    const shown = showValue(testFingerprints, { secret: true }, 'hunter2');
    assert.match(shown, /^hmac:[0-9a-f]{16}$/);
    assert.equal(shown, testFingerprints.secret('hunter2'));
    assert.notEqual(shown, testFingerprints.secret('hunter3'));
    assert.equal(showValue(testFingerprints, { secret: false }, 'hunter2'), 'hunter2');
  });
});

describe('references in dotenv sources', () => {
  /** orders with a dotenv source that reads `.env` at the fleet's root as its variables. */
  function fleetWith(files: Record<string, string>, change: (fleet: Record<string, any>) => void = () => undefined, untracked: string[] = []) {
    const fleet = clone(baseFleet());
    fleet.services.orders.config.schema.ADDR = { type: 'string' };
    fleet.services.orders.config.schema.URL = { type: 'string' };
    fleet.services.orders.config.schema.TOKEN = { type: 'string', secret: true };
    fleet.services.orders.config.sources = [{ file: 'config/defaults.yaml' }, { dotenv: 'deploy/{env}.env', variables: ['../../.env'] }];
    change(fleet);
    return revision(fleet, { 'services/orders/config/defaults.yaml': 'PORT: 8080\n', ...files }, untracked);
  }
  const winner = (rev: ReturnType<typeof revision>, key: string, env = 'dev') => ordersIn(rev, env).keys.get(key)!.layers[0]!;

  test('a reference sees the lines above it, then the lower layers, then the variables files', () => {
    const rev = fleetWith({
      '.env': 'CART_PORT=7070\nPORT=1\nHOST=from-variables\n',
      'services/orders/deploy/dev.env': 'HOST=above\nADDR=${HOST}:${CART_PORT}/${PORT}\nURL=http://${DB_HOST}:${DB_PORT}\n',
    });
    assert.equal(winner(rev, 'ADDR').raw, 'above:7070/8080', 'the line above, the variables file, the lower layer (defaults.yaml)');
    assert.equal(winner(rev, 'URL').raw, 'http://127.0.0.1:5432', 'bound resource values are lower layers too');
    const built = winner(rev, 'ADDR').interpolated!;
    assert.equal(built.written, '${HOST}:${CART_PORT}/${PORT}');
    assert.deepEqual(
      built.refs.map((r) => [r.name, r.from && `${r.from.location.file}:${r.from.location.line}`]),
      [
        ['HOST', 'services/orders/deploy/dev.env:1'],
        ['CART_PORT', '.env:1'],
        ['PORT', 'services/orders/config/defaults.yaml:1'],
      ],
    );
  });

  test('single quotes and interpolate: false take "$" literally; $$ is a literal "$"', () => {
    const files = { 'services/orders/deploy/dev.env': "ADDR='${CART_PORT}'\nURL=pa$$word$\n", '.env': 'CART_PORT=7070\n' };
    assert.equal(winner(fleetWith(files), 'ADDR').raw, '${CART_PORT}');
    assert.equal(winner(fleetWith(files), 'URL').raw, 'pa$word$');
    const literal = fleetWith(
      { ...files, 'services/orders/deploy/dev.env': 'ADDR=${CART_PORT}\n' },
      (f) => (f.services.orders.config.sources[1].interpolate = false),
    );
    assert.equal(winner(literal, 'ADDR').raw, '${CART_PORT}');
  });

  test('a value built from a secret is a secret: fingerprinted, and not a plaintext secret of its own file', () => {
    const rev = fleetWith({ 'services/orders/deploy/dev.env': 'TOKEN=hunter2\nURL=postgres://u:${TOKEN}@db/x\n' }, undefined, [
      'services/orders/deploy/dev.env',
    ]);
    const config = ordersIn(rev, 'dev');
    const url = config.keys.get('URL')!;
    assert.equal(url.spec.secret, true);
    assert.equal(showValue(testFingerprints, url.spec, url.layers[0]!.raw), testFingerprints.secret('postgres://u:hunter2@db/x'));
    assert.equal(url.layers[0]!.tracked, false);
    const tracked = fleetWith({ 'services/orders/deploy/dev.env': 'URL=postgres://u:${TOKEN}@db/x\n', '.env': 'TOKEN=hunter2\n' });
    assert.equal(ordersIn(tracked, 'dev').keys.get('URL')!.spec.secret, true, 'a variables file value of a declared secret key is a secret too');
  });

  test('a reference to nothing, with no default, is unresolved; ${VAR:?message} fires', () => {
    const rev = fleetWith({ 'services/orders/deploy/dev.env': 'ADDR=cart:${NOBODY}\nURL=${ALSO:?set ALSO first}\n' });
    assert.equal(winner(rev, 'ADDR').raw, 'cart:');
    assert.deepEqual(winner(rev, 'ADDR').interpolated!.unresolved, [{ name: 'NOBODY' }]);
    assert.deepEqual(winner(rev, 'URL').interpolated!.unresolved, [{ name: 'ALSO', message: 'set ALSO first' }]);
  });
});
