import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { redactUrl } from '../../../src/adapters/stores/redact-url.js';

test('a state store location keeps no credential: userinfo, query parameters, key=value connection strings', () => {
  assert.equal(redactUrl('postgres://u:pw@127.0.0.1:5432/db'), 'postgres://u:***@127.0.0.1:5432/db');
  assert.equal(redactUrl('postgres://u@127.0.0.1:5432/db?password=qsSEKRET&sslmode=disable'), 'postgres://u@127.0.0.1:5432/db?password=***&sslmode=disable');
  assert.equal(redactUrl('postgres://h/db?sslpassword=a&application_name=tranche'), 'postgres://h/db?sslpassword=***&application_name=tranche');
  assert.equal(redactUrl('host=127.0.0.1 user=u password=kvSEKRET dbname=x'), 'host=127.0.0.1 user=u password=*** dbname=x');
  assert.equal(redactUrl("host=h password='with space' dbname=x"), 'host=h password=*** dbname=x');
  assert.equal(redactUrl('postgres://127.0.0.1:5432/test'), 'postgres://127.0.0.1:5432/test');
  assert.equal(redactUrl('.tranche/state.db'), '.tranche/state.db');
});

test('property: a password given in any of those places never survives', () => {
  // What the redacted locations say anyway: a password that is part of it proves nothing.
  const shownAnyway = 'postgres://u:***@127.0.0.1:5432/db?password=*** host=127.0.0.1 user=u password=*** dbname=x';
  const secret = fc
    .string({ minLength: 6, maxLength: 30 })
    .filter((s) => /^[\x21-\x7e]+$/.test(s) && !/['"\\]/.test(s) && !shownAnyway.includes(s) && !shownAnyway.includes(encodeURIComponent(s)));
  fc.assert(
    fc.property(secret, (password) => {
      const encoded = encodeURIComponent(password);
      for (const location of [
        `postgres://u:${encoded}@127.0.0.1:5432/db`,
        `postgres://u@127.0.0.1:5432/db?password=${encoded}`,
        `host=127.0.0.1 user=u password=${password} dbname=x`,
      ]) {
        const shown = redactUrl(location);
        assert.ok(!shown.includes(password) && !shown.includes(encoded), `${location} → ${shown}`);
      }
    }),
    { numRuns: 300 },
  );
});
