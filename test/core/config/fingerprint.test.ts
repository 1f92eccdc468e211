import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Fingerprinter, isFingerprintKey, isPreviousFormat } from '../../../src/core/config/fingerprint.js';
import { Redactor } from '../../../src/core/config/redact-secrets.js';
import { recognisePreviousFormat } from '../../../src/core/state/recorded-fingerprints.js';
import { TEST_KEY } from '../../support/fingerprints.js';

const OTHER_KEY = '3c'.repeat(32);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** How tranche showed a secret before fingerprints were keyed. */
const previousSecret = (text: string) => `sha256:${sha256(text).slice(0, 8)}`;
/** How tranche hashed a config before hashes were keyed. */
const previousConfig = (config: Record<string, string>) =>
  `sha256:${sha256(
    Object.keys(config)
      .sort()
      .map((k) => `${k}=${JSON.stringify(config[k])}\n`)
      .join(''),
  ).slice(0, 16)}`;

describe('Fingerprinter', () => {
  test('shows a secret as hmac: and the first 16 hex digits of an HMAC-SHA256 under the key', () => {
    const shown = new Fingerprinter(TEST_KEY).secret('hunter2');
    assert.match(shown, /^hmac:[0-9a-f]{16}$/);
    const expected = createHmac('sha256', Buffer.from(TEST_KEY, 'hex')).update('secret\u0000hunter2').digest('hex').slice(0, 16);
    assert.equal(shown, `hmac:${expected}`);
  });

  test('equal values compare under one key; another key gives other fingerprints; no unkeyed hash matches', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const mine = new Fingerprinter(TEST_KEY);
        assert.equal(mine.secret(a), mine.secret(a));
        assert.equal(mine.secret(a) === mine.secret(b), a === b);
        assert.notEqual(mine.secret(a), new Fingerprinter(OTHER_KEY).secret(a));
        assert.ok(!mine.secret(a).includes(sha256(a).slice(0, 16)), 'an unkeyed hash of the value');
      }),
    );
  });

  test('hashes a whole config, secrets included, under the key, never equal to a value fingerprint', () => {
    const fingerprints = new Fingerprinter(TEST_KEY);
    const config = { PORT: '8080', TOKEN: 'hunter2' };
    assert.match(fingerprints.config(config), /^hmac:[0-9a-f]{16}$/);
    assert.equal(fingerprints.config(config), fingerprints.config({ TOKEN: 'hunter2', PORT: '8080' }), 'key order does not count');
    assert.notEqual(fingerprints.config(config), fingerprints.config({ ...config, TOKEN: 'hunter3' }));
    assert.notEqual(fingerprints.config(config), new Fingerprinter(OTHER_KEY).config(config));
    assert.notEqual(fingerprints.config({ A: 'x' }), fingerprints.secret('A="x"\n'), 'a value crafted as a config text');
  });

  test('recognises fingerprints and config hashes recorded before they were keyed, and only those of the same value', () => {
    const fingerprints = new Fingerprinter(TEST_KEY);
    assert.equal(fingerprints.isSecretOf(previousSecret('hunter2'), 'hunter2'), true);
    assert.equal(fingerprints.isSecretOf(previousSecret('hunter2'), 'hunter3'), false);
    assert.equal(fingerprints.isSecretOf(fingerprints.secret('hunter2'), 'hunter2'), true);
    assert.equal(fingerprints.isSecretOf(new Fingerprinter(OTHER_KEY).secret('hunter2'), 'hunter2'), false);
    const config = { PORT: '8080', TOKEN: 'hunter2' };
    assert.equal(fingerprints.isConfigOf(previousConfig(config), config), true);
    assert.equal(fingerprints.isConfigOf(previousConfig(config), { ...config, PORT: '8081' }), false);
    assert.equal(fingerprints.isConfigOf(fingerprints.config(config), config), true);
    assert.deepEqual([previousSecret('x'), previousConfig(config), fingerprints.secret('x'), 'sha256:zz'].map(isPreviousFormat), [true, true, false, false]);
  });

  test('hands every value it fingerprints to the redactor: what is fingerprinted is a secret', () => {
    const redactor = new Redactor();
    const fingerprints = new Fingerprinter(TEST_KEY, redactor);
    fingerprints.config({ LOG_LEVEL: 'verbose' });
    assert.equal(redactor.redact('LOG_LEVEL=verbose'), 'LOG_LEVEL=verbose', 'a config hash makes no value secret');
    fingerprints.secret('p@ss word');
    assert.equal(redactor.redact('url http://u:p%40ss%20word@db'), 'url http://u:[secret]@db');
  });

  test('takes only a key of 64 lowercase hex digits', () => {
    assert.equal(isFingerprintKey(TEST_KEY), true);
    for (const bad of ['', 'ab'.repeat(31), 'AB'.repeat(32), `${'ab'.repeat(31)}zz`]) {
      assert.equal(isFingerprintKey(bad), false, bad);
      assert.throws(() => new Fingerprinter(bad), /64 lowercase hex digits/);
    }
  });
});

describe('recognisePreviousFormat', () => {
  const fingerprints = new Fingerprinter(TEST_KEY);
  const environment = { PORT: '8080', TOKEN: 'hunter2', API_KEY: 'k-123456' };
  const now = {
    version: { commit: 'c2', contentId: 'x2', configHash: fingerprints.config(environment) },
    environment,
    shown: { PORT: '8080', TOKEN: fingerprints.secret('hunter2'), API_KEY: fingerprints.secret('k-123456') },
  };

  test("puts what still matches in today's form, and leaves what differs as recorded", () => {
    const recorded = {
      version: { commit: 'c1', contentId: 'x1', configHash: previousConfig({ ...environment, API_KEY: 'k-old' }) },
      shown: { PORT: '8080', TOKEN: previousSecret('hunter2'), API_KEY: previousSecret('k-old') },
    };
    const seen = recognisePreviousFormat(recorded, () => now, fingerprints);
    assert.deepEqual({ ...seen.shown }, { PORT: '8080', TOKEN: now.shown.TOKEN, API_KEY: previousSecret('k-old') });
    assert.deepEqual(seen.version, recorded.version, 'the config differs: its hash stays as recorded');
  });

  test("takes a config hash that matches for today's, so nothing is seen to change", () => {
    const recorded = {
      version: { commit: 'c1', contentId: 'x1', configHash: previousConfig(environment) },
      shown: { PORT: '8080', TOKEN: previousSecret('hunter2'), API_KEY: previousSecret('k-123456') },
    };
    const seen = recognisePreviousFormat(recorded, () => now, fingerprints);
    assert.deepEqual(
      { version: seen.version, shown: { ...seen.shown } },
      { version: { ...recorded.version, configHash: now.version.configHash }, shown: now.shown },
    );
  });

  test('resolves nothing when nothing recorded is in the earlier form', () => {
    const recorded = { version: now.version, shown: now.shown };
    assert.equal(
      recognisePreviousFormat(recorded, () => assert.fail('resolved'), fingerprints),
      recorded,
    );
  });
});
