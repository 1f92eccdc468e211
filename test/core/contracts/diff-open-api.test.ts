import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffOpenApi, isBreaking } from '../../../src/core/contracts/index.js';
import { ids, spec, withParameters, withRequestBody, withResponseBody } from './spec-builders.js';

const ok = { '200': { description: 'ok' } };

describe('diffOpenApi: paths and operations', () => {
  it('reports a removed path and a removed operation without deprecation as errors', () => {
    const base = spec({ '/a': { get: { responses: ok } }, '/b': { get: { responses: ok }, post: { responses: ok } } });
    const revision = spec({ '/b': { get: { responses: ok } } });
    assert.deepEqual(ids(base, revision), ['api-path-removed-without-deprecation:ERR', 'api-removed-without-deprecation:ERR']);
  });

  it('names the operation as METHOD /path and counts an added endpoint as INFO', () => {
    const diff = diffOpenApi(spec({ '/a': { get: { responses: ok } } }), spec({ '/a': { get: { responses: ok }, put: { responses: ok } } }));
    assert.deepEqual(diff.changes, [{ id: 'endpoint-added', level: 'INFO', message: 'endpoint added', operation: 'PUT /a' }]);
    assert.equal(isBreaking(diff), false);
  });

  it('matches paths whose parameter was renamed', () => {
    const param = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
    const base = spec({ '/a/{id}': { get: { parameters: [param('id')], responses: ok } } });
    const revision = spec({ '/a/{key}': { get: { parameters: [param('key')], responses: ok } } });
    assert.deepEqual(ids(base, revision), []);
  });
});

describe('diffOpenApi: deprecation and sunset', () => {
  const op = (extra: Record<string, unknown>) => spec({ '/a': { get: { responses: ok, ...extra } } });
  const empty = spec({ '/a': { post: { responses: ok } } });

  it('refuses removal before the sunset date and allows it after', () => {
    assert.deepEqual(ids(op({ deprecated: true, 'x-sunset': '2030-01-01' }), empty), ['api-removed-before-sunset:ERR', 'endpoint-added:INFO']);
    assert.deepEqual(ids(op({ deprecated: true, 'x-sunset': '2020-01-01' }), empty), ['api-removed-with-deprecation:INFO', 'endpoint-added:INFO']);
  });

  it('requires a sunset when deprecating and flags one that is too close', () => {
    assert.deepEqual(ids(op({}), op({ deprecated: true })), ['api-deprecated-sunset-missing:ERR', 'endpoint-deprecated:INFO']);
    assert.deepEqual(ids(op({}), op({ deprecated: true, 'x-sunset': '2025-01-10' })), [
      'api-sunset-date-too-small:ERR',
      'endpoint-deprecated-with-sunset:INFO',
    ]);
  });

  it('reports stability decreases and invalid levels', () => {
    assert.deepEqual(ids(op({ 'x-stability-level': 'stable' }), op({ 'x-stability-level': 'beta' })), ['api-stability-decreased:ERR']);
    assert.deepEqual(ids(op({ 'x-stability-level': 'ga' }), op({ 'x-stability-level': 'beta' })), ['api-invalid-stability-level:ERR']);
  });

  it('checks parameter sunsets', () => {
    const p = (extra: Record<string, unknown>) => ({ name: 'q', in: 'query', schema: { type: 'string' }, deprecated: true, ...extra });
    assert.deepEqual(ids(withParameters([p({ 'x-sunset': '2030-01-01' })]), withParameters([])), ['request-parameter-removed-before-sunset:ERR']);
    assert.deepEqual(ids(withParameters([p({ 'x-sunset': '2030-01-01' })]), withParameters([p({})])), ['request-parameter-sunset-deleted:ERR']);
    assert.deepEqual(ids(withParameters([p({ 'x-sunset': 'soon' })]), withParameters([p({ 'x-sunset': '2030-01-01' })])), [
      'request-parameter-sunset-parse:ERR',
    ]);
  });
});

describe('diffOpenApi: request parameters', () => {
  const q = (schema: unknown, extra: Record<string, unknown> = {}) => ({ name: 'q', in: 'query', schema, ...extra });

  it('classifies added, removed and required parameters', () => {
    assert.deepEqual(ids(withParameters([q({ type: 'string' })]), withParameters([])), ['request-parameter-removed:WARN']);
    assert.deepEqual(ids(withParameters([]), withParameters([q({ type: 'string' }, { required: true })])), ['new-required-request-parameter:ERR']);
    assert.deepEqual(ids(withParameters([]), withParameters([q({ type: 'string' })])), ['new-optional-request-parameter:INFO']);
    assert.deepEqual(ids(withParameters([q({ type: 'string' })]), withParameters([q({ type: 'string' }, { required: true })])), [
      'request-parameter-became-required:ERR',
    ]);
  });

  it('classifies type, enum, format and bound changes', () => {
    const diff = (a: unknown, b: unknown) => ids(withParameters([q(a)]), withParameters([q(b)]));
    assert.deepEqual(diff({ type: 'integer' }, { type: 'number' }), ['request-parameter-type-generalized:INFO']);
    assert.deepEqual(diff({ type: 'boolean' }, { type: 'integer' }), ['request-parameter-type-changed:ERR']);
    assert.deepEqual(diff({ type: 'string' }, { type: 'string', enum: ['a'] }), ['request-parameter-became-enum:ERR']);
    assert.deepEqual(diff({ type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['a', 'c'] }), [
      'request-parameter-enum-value-added:INFO',
      'request-parameter-enum-value-removed:ERR',
    ]);
    assert.deepEqual(diff({ type: 'string', format: 'uuid' }, { type: 'string', format: 'email' }), ['request-parameter-type-changed:ERR']);
    assert.deepEqual(diff({ type: 'integer', minimum: 1, maximum: 10 }, { type: 'integer', minimum: 2, maximum: 5 }), [
      'request-parameter-max-decreased:ERR',
      'request-parameter-min-increased:ERR',
    ]);
    assert.deepEqual(diff({ type: 'string' }, { type: 'string', maxLength: 5 }), ['request-parameter-max-length-set:WARN']);
    assert.deepEqual(diff({ type: 'string' }, { type: 'string', pattern: '^a' }), ['request-parameter-pattern-added:ERR']);
    assert.deepEqual(diff({ type: 'string', nullable: true }, { type: 'string' }), ['request-parameter-became-not-nullable:ERR']);
  });
});

describe('diffOpenApi: request body', () => {
  const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });
  const s = { type: 'string' };

  it('classifies properties added, removed and made required', () => {
    assert.deepEqual(ids(withRequestBody(obj({ a: s })), withRequestBody(obj({}))), ['request-property-removed:WARN']);
    assert.deepEqual(ids(withRequestBody(obj({})), withRequestBody(obj({ a: s }, ['a']))), ['new-required-request-property:ERR']);
    assert.deepEqual(ids(withRequestBody(obj({})), withRequestBody(obj({ a: s }))), ['new-optional-request-property:INFO']);
    assert.deepEqual(ids(withRequestBody(obj({ a: s })), withRequestBody(obj({ a: s }, ['a']))), ['request-property-became-required:ERR']);
    assert.deepEqual(ids(withRequestBody(obj({ a: { type: 'string', default: 'x' } })), withRequestBody(obj({ a: { type: 'string', default: 'x' } }, ['a']))), [
      'request-property-became-required-with-default:ERR',
    ]);
  });

  it('ignores read-only properties in requests', () => {
    assert.deepEqual(ids(withRequestBody(obj({})), withRequestBody(obj({ id: { type: 'string', readOnly: true } }, ['id']))), []);
  });

  it('distinguishes body-level from property-level changes', () => {
    assert.deepEqual(ids(withRequestBody({ type: 'array', items: s }), withRequestBody({ type: 'array', items: s, minItems: 2 })), [
      'request-body-min-items-set:WARN',
    ]);
    assert.deepEqual(ids(withRequestBody(obj({ a: { type: 'integer' } })), withRequestBody(obj({ a: { type: 'boolean' } }))), [
      'request-property-type-changed:ERR',
    ]);
    assert.deepEqual(ids(withRequestBody(obj({ a: { type: 'string', enum: ['x', 'y'] } })), withRequestBody(obj({ a: { type: 'string', enum: ['x'] } }))), [
      'request-property-enum-value-removed:ERR',
    ]);
  });

  it('reports a removed body, a removed media type and required-ness', () => {
    const noBody = spec({ '/items': { post: { responses: ok } } });
    assert.deepEqual(ids(withRequestBody(s), noBody), ['request-body-removed:ERR']);
    const xml = spec({ '/items': { post: { requestBody: { required: true, content: { 'application/xml': { schema: s } } }, responses: ok } } });
    assert.deepEqual(ids(withRequestBody(s), xml), ['request-body-media-type-added:INFO', 'request-body-media-type-removed:ERR']);
  });

  it('sees a body wrapped in oneOf as one change', () => {
    const base = obj({ a: s, b: s }, ['a']);
    assert.deepEqual(ids(withRequestBody(base), withRequestBody({ oneOf: [obj({ a: s }, ['a']), obj({ b: s }, ['b'])] })), [
      'request-body-wrapped-in-one-of:ERR',
    ]);
  });
});

describe('diffOpenApi: responses', () => {
  const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });
  const s = { type: 'string' };

  it('classifies removed properties by required-ness and optionality changes', () => {
    assert.deepEqual(ids(withResponseBody(obj({ a: s }, ['a'])), withResponseBody(obj({}))), ['response-required-property-removed:ERR']);
    assert.deepEqual(ids(withResponseBody(obj({ a: s })), withResponseBody(obj({}))), ['response-optional-property-removed:WARN']);
    assert.deepEqual(ids(withResponseBody(obj({ a: s }, ['a'])), withResponseBody(obj({ a: s }))), ['response-property-became-optional:ERR']);
    assert.deepEqual(ids(withResponseBody(obj({})), withResponseBody(obj({ a: s }, ['a']))), ['response-required-property-added:INFO']);
  });

  it('treats enum values and nullability opposite to requests', () => {
    const e = (values: string[]) => obj({ a: { type: 'string', enum: values } });
    assert.deepEqual(ids(withResponseBody(e(['x'])), withResponseBody(e(['x', 'y']))), ['response-property-enum-value-added:WARN']);
    assert.deepEqual(ids(withResponseBody(e(['x', 'y'])), withResponseBody(e(['x']))), ['response-property-enum-value-removed:INFO']);
    assert.deepEqual(ids(withResponseBody(obj({ a: s })), withResponseBody(obj({ a: { type: ['string', 'null'] } }))), [
      'response-property-became-nullable:ERR',
    ]);
    assert.deepEqual(ids(withResponseBody(obj({ a: { type: 'string', maxLength: 5 } })), withResponseBody(obj({ a: { type: 'string', maxLength: 9 } }))), [
      'response-property-max-length-increased:ERR',
    ]);
  });

  it('reports removed status codes, media types and headers', () => {
    const r = (responses: Record<string, unknown>) => spec({ '/items': { get: { responses } } });
    assert.deepEqual(ids(r({ '200': { description: 'ok' }, '404': { description: 'no' } }), r({ '201': { description: 'ok' } })), [
      'response-non-success-status-removed:INFO',
      'response-success-status-added:INFO',
      'response-success-status-removed:ERR',
    ]);
    const h = (headers: Record<string, unknown>) => r({ '200': { description: 'ok', headers } });
    assert.deepEqual(ids(h({ 'X-Rate': { required: true, schema: s } }), h({})), ['required-response-header-removed:ERR']);
    assert.deepEqual(ids(withResponseBody(s), r({ '200': { description: 'ok', content: { 'text/plain': { schema: s } } } })), [
      'response-media-type-added:INFO',
      'response-media-type-removed:ERR',
    ]);
  });
});

describe('diffOpenApi: security', () => {
  it('reports security requirement and scope changes as INFO', () => {
    const base = spec({ '/a': { get: { responses: ok, security: [{ oauth: ['read'] }] } } });
    const revision = spec({ '/a': { get: { responses: ok, security: [{ oauth: ['read', 'write'] }, { key: [] }] } } });
    assert.deepEqual(ids(base, revision), ['api-security-added:INFO', 'api-security-scope-added:INFO']);
    assert.deepEqual(ids(spec({}, {}, { security: [{ key: [] }] }), spec({})), ['api-global-security-removed:INFO']);
  });
});
