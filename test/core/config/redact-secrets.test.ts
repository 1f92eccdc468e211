import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MIN_REDACTED_LENGTH, REDACTED, Redactor, redactSecrets } from '../../../src/core/config/redact-secrets.js';

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

const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const urlPath = (s: string) => {
  const url = new URL('http://host/');
  url.pathname = `/${s}`;
  return url.pathname.slice(1);
};
const urlPassword = (s: string) => {
  const url = new URL('http://user@host/');
  url.password = s;
  return url.password;
};
const asciiJson = (s: string) => JSON.stringify(s).slice(1, -1).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every form a secret is written in that the redactor must find, each made by its own encoder. */
const FORMS: Record<string, (s: string) => string> = {
  'as written': (s) => s,
  encodeURIComponent: (s) => encodeURIComponent(s),
  'encodeURIComponent, lower-case hex': (s) => lowerHex(encodeURIComponent(s)),
  'form encoding (+ for a space)': (s) => new URLSearchParams({ v: s }).toString().slice(2),
  'form encoding, lower-case hex': (s) => lowerHex(new URLSearchParams({ v: s }).toString().slice(2)),
  encodeURI: (s) => encodeURI(s),
  'URL-encoded twice': (s) => encodeURIComponent(encodeURIComponent(s)),
  'a URL path, as a URL parser writes it': urlPath,
  'a URL password, as a URL parser writes it': urlPassword,
  'JSON string': (s) => JSON.stringify(s).slice(1, -1),
  'JSON string of a JSON string': (s) => JSON.stringify(JSON.stringify(s)).slice(1, -1),
  'JSON string, ASCII only (\\u escapes)': asciiJson,
  base64: (s) => Buffer.from(s).toString('base64'),
  'base64 without padding': (s) => Buffer.from(s).toString('base64').replace(/=+$/, ''),
  'base64url': (s) => Buffer.from(s).toString('base64url'),
};

/** Whether any base64 run of `text`, read from any of its first 4 characters, decodes to bytes holding `secret`. */
function base64Holds(text: string, secret: string): boolean {
  const bytes = Buffer.from(secret);
  for (const run of text.match(/[A-Za-z0-9+/_-]{4,}={0,2}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      const part = run.slice(skip);
      if (Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').includes(bytes)) return true;
    }
  }
  return false;
}

/** A URL parser drops tabs and line breaks and resolves `.` segments: such a secret's path is another text. */
const changesInPath = (s: string) => /[.\t\n\r]/.test(s);

function assertNoForm(redacted: string, s: string, what: string): void {
  for (const [name, encode] of Object.entries(FORMS)) {
    if (encode === urlPath && changesInPath(s)) continue;
    assert.ok(!redacted.includes(encode(s)), `${what}: ${JSON.stringify(redacted)} still holds the secret ${JSON.stringify(s)} ${name}`);
  }
  assert.ok(!base64Holds(redacted, s), `${what}: ${JSON.stringify(redacted)} still holds the secret ${JSON.stringify(s)} in base64`);
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
      fc.property(secret, fc.array(fc.tuple(around, fc.constantFrom(...Object.keys(FORMS)), around), { minLength: 1, maxLength: 4 }), (s, parts) => {
        const document = { values: parts.map(([before, form, after]) => `${before}${FORMS[form]!(s)}${after}`), raw: s };
        const text = JSON.stringify(document, null, 2);
        const redacted = new Redactor([s]).redact(text);
        const parsed = JSON.parse(redacted) as { values: string[]; raw: string };
        for (const value of [...parsed.values, parsed.raw]) assertNoForm(value, s, 'a JSON value');
        assertNoForm(redacted, s, 'the JSON text');
      }),
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
