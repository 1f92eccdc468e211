import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { interpolate } from '../../../src/core/checks/interpolate.js';

const VARS = { DB_HOST: 'db.internal', DB_PORT: '6432', PORT: '8080', address: 'http://127.0.0.1:8080' };

describe('interpolate', () => {
  test('replaces references in every string scalar of nested objects and arrays', () => {
    const spec = {
      host: '${DB_HOST}',
      nested: { list: ['${DB_PORT}', 'x-${DB_HOST}-y'], deeper: [{ url: '${address}/health' }] },
    };
    assert.deepEqual(interpolate(spec, VARS), {
      value: { host: 'db.internal', nested: { list: ['6432', 'x-db.internal-y'], deeper: [{ url: 'http://127.0.0.1:8080/health' }] } },
      missing: [],
    });
  });

  test('turns a scalar that is exactly ${PORT} into a string, not a number', () => {
    const { value } = interpolate({ port: '${PORT}' }, VARS);
    assert.deepEqual(value, { port: '8080' });
    assert.equal(typeof (value as { port: unknown }).port, 'string');
  });

  test('replaces several references in one string', () => {
    assert.equal(interpolate('${DB_HOST}:${DB_PORT}/${DB_HOST}', VARS).value, 'db.internal:6432/db.internal');
  });

  test('leaves numbers, booleans, null and object keys as written', () => {
    const spec = { port: 5432, tls: false, body: null, '${DB_HOST}': 'kept key', json: { '$.id': { exists: true } } };
    assert.deepEqual(interpolate(spec, VARS).value, spec);
  });

  test('lists each unknown variable once, in order of appearance, and leaves it as written', () => {
    const result = interpolate({ a: '${NOPE}', b: ['${DB_HOST}', '${ALSO_NOPE} and ${NOPE}'] }, VARS);
    assert.deepEqual(result, { value: { a: '${NOPE}', b: ['db.internal', '${ALSO_NOPE} and ${NOPE}'] }, missing: ['NOPE', 'ALSO_NOPE'] });
  });

  test('does not find names on the object prototype', () => {
    assert.deepEqual(interpolate('${constructor}-${toString}', {}), { value: '${constructor}-${toString}', missing: ['constructor', 'toString'] });
  });

  test('leaves text that only looks like a reference alone', () => {
    assert.deepEqual(interpolate(['$DB_HOST', '$.items[0]', '${}', '{DB_HOST}'], VARS), {
      value: ['$DB_HOST', '$.items[0]', '${}', '{DB_HOST}'],
      missing: [],
    });
  });

  test('does not modify its input', () => {
    const spec = { host: '${DB_HOST}', list: ['${PORT}'] };
    const copy = structuredClone(spec);
    interpolate(spec, VARS);
    assert.deepEqual(spec, copy);
  });

  test('an argv array of a command check stays an array of strings', () => {
    assert.deepEqual(interpolate(['./smoke.sh', '--port', '${PORT}'], VARS).value, ['./smoke.sh', '--port', '8080']);
  });
});

test("a value in a URL's user:password is percent-encoded: it cannot move the host, wherever else it goes", () => {
  const vars = { PASSWORD: 'zz@evil.host:99/x', USER: 'a:b', HOST: 'db.internal' };
  const { value } = interpolate(
    { url: 'amqp://${USER}:${PASSWORD}@127.0.0.1:5672/${PASSWORD}', servers: ['nats://bob:${PASSWORD}@${HOST}:4222'], query: 'select ${PASSWORD}' },
    vars,
  );
  assert.deepEqual(value, {
    url: 'amqp://a%3Ab:zz%40evil.host%3A99%2Fx@127.0.0.1:5672/zz@evil.host:99/x',
    servers: ['nats://bob:zz%40evil.host%3A99%2Fx@db.internal:4222'],
    query: 'select zz@evil.host:99/x',
  });
  assert.equal(new URL((value as { url: string }).url).hostname, '127.0.0.1');
  assert.equal(decodeURIComponent(new URL((value as { url: string }).url).password), vars.PASSWORD);
});

test('property: whatever a password holds, the URL keeps the host it was written with', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (password) => {
      const { value } = interpolate('postgres://u:${P}@db.example:5432/orders', { P: password });
      const url = new URL(value as string);
      assert.equal(url.hostname, 'db.example');
      assert.equal(decodeURIComponent(url.password), password);
    }),
    { numRuns: 300 },
  );
});
