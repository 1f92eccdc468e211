import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MIN_REDACTED_LENGTH, REDACTED, Redactor, redactSecrets } from '../../../src/core/config/redact-secrets.js';
import { base64Holds, changesInPath, FORMS, formsIn, urlPath } from '../../support/secret-forms.js';

/** Characters that need encoding somewhere (URL, JSON, shell), and some that are not ASCII. */
const SPECIAL = [...'@:/+=%"\\ \n\t{}$`\'&?#;,[]<>|~!*()'];
const char = fc.oneof(
  fc.constantFrom(...SPECIAL),
  fc.constantFrom('é', 'ü', 'ß', '日', '本', 'ж', '😀', '\u00a0'),
  fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'),
);
/** A secret: at least MIN_REDACTED_LENGTH characters, and not something `[secret]` itself contains. */
const secret = fc
  .string({ unit: char, minLength: MIN_REDACTED_LENGTH, maxLength: 24 })
  .filter((s) => [...s].length >= MIN_REDACTED_LENGTH && !REDACTED.includes(s));
/** Text around a secret, of the same characters. */
const around = fc.string({ unit: char, maxLength: 12 });

function assertNoForm(redacted: string, s: string, what: string): void {
  const found = formsIn(redacted, s);
  assert.deepEqual(found, [], `${what}: ${JSON.stringify(redacted)} still holds the secret ${JSON.stringify(s)}: ${found.join(', ')}`);
}

describe('Redactor', () => {
  for (const [name, encode] of Object.entries(FORMS)) {
    test(`finds a secret ${name}, inside any text`, () => {
      fc.assert(
        fc.property(secret, around, around, (s, before, after) => {
          if (encode === urlPath) fc.pre(!changesInPath(s));
          const redacted = new Redactor([s]).redact(`${before}${encode(s)}${after}`);
          assert.ok(redacted.includes(REDACTED), `${JSON.stringify(encode(s))} was not found`);
          assertNoForm(redacted, s, name);
        }),
        { numRuns: 150 },
      );
    });
  }

  test('finds a secret inside a longer base64 value at each of the three byte alignments (HTTP basic auth)', () => {
    fc.assert(
      fc.property(secret, fc.uint8Array({ maxLength: 7 }), fc.uint8Array({ maxLength: 7 }), fc.boolean(), (s, before, after, urlSafe) => {
        const value = Buffer.concat([before, Buffer.from(s), after]).toString(urlSafe ? 'base64url' : 'base64');
        const redacted = new Redactor([s]).redact(`Authorization: Basic ${value}\n`);
        assert.ok(!base64Holds(redacted, s), `${JSON.stringify(redacted)} still decodes to ${JSON.stringify(s)} (${before.length} bytes before it)`);
      }),
      { numRuns: 300 },
    );
    const header = `Basic ${Buffer.from('deploy:hunter2-very-secret').toString('base64')}`;
    assert.equal(new Redactor(['hunter2-very-secret']).redact(header).includes('hunter2'), false);
    assert.ok(!base64Holds(new Redactor(['hunter2-very-secret']).redact(header), 'hunter2-very-secret'));
  });

  test('keeps JSON text valid and free of the secret, wherever the secret and its escapes fall', () => {
    fc.assert(
      // A secret that is part of the document's own keys ("values") would be redacted in them too: not this property's case.
      fc.property(
        secret.filter((s) => !'"values": "raw":'.includes(s)),
        fc.array(fc.tuple(around, fc.constantFrom(...Object.keys(FORMS)), around), { minLength: 1, maxLength: 4 }),
        (s, parts) => {
          const document = { values: parts.map(([before, form, after]) => `${before}${FORMS[form]!(s)}${after}`), raw: s };
          const text = JSON.stringify(document, null, 2);
          const redacted = new Redactor([s]).redact(text);
          const parsed = JSON.parse(redacted) as { values: string[]; raw: string };
          for (const value of [...parsed.values, parsed.raw]) assertNoForm(value, s, 'a JSON value');
          assertNoForm(redacted, s, 'the JSON text');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('takes an escape sequence whole when a match would start or end inside it', () => {
    const redactor = new Redactor(['nnext', '0041BCD']);
    for (const value of ['a\nnext', 'x\u0041BCD', 'p\\nnext']) {
      const text = JSON.stringify({ value });
      const redacted = redactor.redact(text);
      assert.doesNotThrow(() => JSON.parse(redacted), `${redacted} is not JSON`);
    }
  });

  test('replaces every occurrence of every secret, a longer one first when one holds another', () => {
    const redactor = new Redactor(['hunter2', 'hunter2-abc']);
    assert.equal(redactor.redact('token=hunter2-abc and hunter2; hunter2'), `token=${REDACTED} and ${REDACTED}; ${REDACTED}`);
  });

  test('finds each line of a secret that has several, as a private key is printed line by line', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----';
    const redactor = new Redactor([pem]);
    assert.equal(redactor.redact('key line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'), `key line: ${REDACTED}`);
    assert.equal(redactor.redact(JSON.stringify(pem)), `"${REDACTED}"`);
  });

  test('leaves values shorter than MIN_REDACTED_LENGTH alone: blanking them would garble every message', () => {
    const redactor = new Redactor(['1', 'on', 'abc']);
    assert.equal(redactor.size, 0);
    assert.equal(redactor.redact('batch 1 on abc'), 'batch 1 on abc');
  });

  test('learns secrets as it goes: a value added later is redacted from then on', () => {
    const redactor = new Redactor();
    assert.equal(redactor.redact('p@ss-word'), 'p@ss-word');
    redactor.add(['p@ss-word']);
    assert.equal(redactor.redact('url http://u:p%40ss-word@db/x'), `url http://u:${REDACTED}@db/x`);
  });

  test('redactSecrets is the same for one message', () => {
    assert.equal(redactSecrets('GET /x?token=s3cr3t%2Bvalue', ['s3cr3t+value']), `GET /x?token=${REDACTED}`);
    assert.equal(redactSecrets('nothing here', undefined), 'nothing here');
  });
});
