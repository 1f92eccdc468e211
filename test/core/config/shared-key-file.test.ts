import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { resolveConfig } from '../../../src/core/config/resolve-config.js';
import type { ResolvedConfig } from '../../../src/core/config/resolved-config.js';
import { baseFleet, clone, revision } from '../../support/fleet-builder.js';

const NAMES = ['A', 'B', 'PORT', 'TOKEN', 'ADDR'] as const;
const name = fc.constantFrom(...NAMES);
const part = fc.oneof(
  fc.constantFrom('x', '-', ':'),
  name.map((n) => `\${${n}}`),
  name.map((n) => `\${${n}:-d}`),
  fc.tuple(name, name).map(([n, m]) => `\${${n}:-\${${m}}}`),
);
const line = fc.tuple(name, fc.array(part, { maxLength: 3 })).map(([key, parts]) => `${key}=${parts.join('')}`);
const lower = fc.subarray(['A: lower-a', 'PORT: 8080', 'TOKEN: lower-token']);

/**
 * orders and payments both read the fleet's `.env` after a file of their own; orders declares
 * TOKEN a secret, payments declares A and B. Whether the `.env` is read as shared or as each
 * service's own, orders must get exactly the same layers.
 */
function resolveBoth(envLines: string[], ordersLower: string[], paymentsLower: string[], shared: boolean) {
  const fleet = clone(baseFleet());
  const orders = fleet.services.orders;
  orders.config.schema.ADDR = { type: 'string' };
  orders.config.schema.TOKEN = { type: 'string', secret: true };
  orders.config.sources = [{ file: 'config/defaults.yaml' }, { dotenv: '../../.env', shared }];
  fleet.services.payments = {
    path: 'services/payments',
    config: { schema: { A: { type: 'string' }, B: { type: 'string' } }, sources: [{ file: 'config/defaults.yaml' }, { dotenv: '../../.env', shared }] },
  };
  const rev = revision(fleet, {
    '.env': `${envLines.join('\n')}\n`,
    'services/orders/config/defaults.yaml': `${ordersLower.join('\n')}\n`,
    'services/payments/config/defaults.yaml': `${paymentsLower.join('\n')}\n`,
  });
  const resolve = (service: string) => resolveConfig(rev.manifest, rev.manifest.services.get(service)!, 'dev', rev.files, rev.manifestTracked);
  // payments first: what orders gets must not depend on who read the file before.
  resolve('payments');
  return resolve('orders');
}

/** Every declared key's layers and value, without the `shared` mark itself. */
function shape(config: ResolvedConfig) {
  return [...config.keys.values()].map(({ key, spec, layers, value }) => ({
    key,
    secret: spec.secret === true,
    value,
    layers: layers.map(({ shared: _shared, ...layer }) => layer),
  }));
}

describe('a shared key file', () => {
  test('gives a service the layers it would get reading the file line by line as its own', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), lower, lower, (envLines, ordersLower, paymentsLower) => {
        const own = resolveBoth(envLines, ordersLower, paymentsLower, false);
        const shared = resolveBoth(envLines, ordersLower, paymentsLower, true);
        assert.deepEqual(shape(shared), shape(own));
        // Keys orders does not declare are other services' there, not its mistakes.
        assert.deepEqual(
          shared.unknown.filter((u) => u.layer.source === '.env'),
          [],
        );
      }),
      { numRuns: 500 },
    );
  });

  test('a value built from a variable a service declares secret is a secret there only', () => {
    const orders = resolveBoth(['TOKEN=s3cret', 'ADDR=u:${TOKEN}@db'], [], [], true);
    assert.equal(orders.keys.get('ADDR')!.spec.secret, true);
    assert.equal(orders.keys.get('ADDR')!.layers[0]!.holdsSecret, true);
  });
});

describe('a huge shared key file', () => {
  /** orders reads a shared `.env` of `lines` lines, each built from the one above, the first from `first`. */
  function chain(lines: number, first: string, secret: boolean) {
    const fleet = clone(baseFleet());
    const last = `K${lines - 1}`;
    fleet.services.orders.config.schema[last] = { type: 'string' };
    if (secret) fleet.services.orders.config.schema.K0 = { type: 'string', secret: true };
    fleet.services.orders.config.sources = [{ file: 'config/defaults.yaml' }, { dotenv: '../../.env' }];
    const text = [`K0=${first}`, ...Array.from({ length: lines - 1 }, (_, i) => `K${i + 1}=\${K${i}}.`)].join('\n');
    const rev = revision(fleet, { '.env': `${text}\n`, 'services/orders/config/defaults.yaml': 'OUTSIDE: out\n' });
    return resolveConfig(rev.manifest, rev.manifest.services.get('orders')!, 'dev', rev.files, rev.manifestTracked).keys.get(last)!;
  }

  test('a chain of 20,000 references to something outside the file resolves without nesting a call per line', () => {
    const key = chain(20_000, '${OUTSIDE}', false);
    assert.equal(key.layers[0]!.raw, `out${'.'.repeat(19_999)}`);
  });

  test('a chain of 20,000 lines from a variable the service declares secret makes its last line a secret', () => {
    const key = chain(20_000, 'hunter2', true);
    assert.equal(key.spec.secret, true);
    assert.equal(key.layers[0]!.holdsSecret, true);
  });
});
