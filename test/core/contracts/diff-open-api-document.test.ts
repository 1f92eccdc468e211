import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids, spec, withParameters, withRequestBody, withResponseBody } from './spec-builders.js';

const ok = { '200': { description: 'ok' } };
const s = { type: 'string' };

describe('diffOpenApi: webhooks, tags, stability, reactivation', () => {
  const hook = { post: { responses: ok } };

  it('refuses a removed webhook and notes an added one', () => {
    assert.deepEqual(ids(spec({}, {}, { webhooks: { paid: hook } }), spec({}, {}, { webhooks: {} })), ['webhook-removed:ERR']);
    assert.deepEqual(ids(spec({}, {}, { webhooks: {} }), spec({}, {}, { webhooks: { paid: hook } })), ['webhook-added:INFO']);
  });

  const op = (extra: Record<string, unknown>) => spec({ '/a': { get: { responses: ok, ...extra } } });

  it('notes tags added and removed, a rising stability and a reactivated endpoint', () => {
    assert.deepEqual(ids(op({ tags: ['a'] }), op({ tags: ['b'] })), ['api-tag-added:INFO', 'api-tag-removed:INFO']);
    assert.deepEqual(ids(op({ 'x-stability-level': 'beta' }), op({ 'x-stability-level': 'stable' })), ['api-stability-increased:INFO']);
    assert.deepEqual(ids(op({ deprecated: true }), op({})), ['endpoint-reactivated:INFO']);
  });

  it('refuses unreadable sunsets and a deleted sunset of an endpoint', () => {
    assert.deepEqual(ids(op({}), op({ deprecated: true, 'x-sunset': 'soon' })), ['api-deprecated-sunset-parse:ERR']);
    assert.deepEqual(ids(op({ deprecated: true, 'x-sunset': '2030-01-01' }), op({ deprecated: true })), ['sunset-deleted:ERR']);
    const gone = spec({ '/b': { get: { responses: ok } } });
    assert.deepEqual(ids(op({ deprecated: true, 'x-sunset': 'soon' }), gone), ['api-path-sunset-parse:ERR', 'endpoint-added:INFO']);
  });
});

describe('diffOpenApi: parameter lifecycle', () => {
  const q = (extra: Record<string, unknown>) => ({ name: 'q', in: 'query', schema: s, ...extra });

  it('refuses deprecating a parameter without a sunset, a close sunset, or a sunset moved earlier', () => {
    assert.deepEqual(ids(withParameters([q({})]), withParameters([q({ deprecated: true })])), [
      'request-parameter-deprecated-sunset-missing:ERR',
      'request-parameter-deprecated:INFO',
    ]);
    assert.deepEqual(ids(withParameters([q({})]), withParameters([q({ deprecated: true, 'x-sunset': '2025-01-10' })])), [
      'request-parameter-deprecated:INFO',
      'request-parameter-sunset-date-too-small:ERR',
    ]);
    assert.deepEqual(
      ids(withParameters([q({ deprecated: true, 'x-sunset': '2030-06-01' })]), withParameters([q({ deprecated: true, 'x-sunset': '2030-01-01' })])),
      ['request-parameter-sunset-date-changed-too-small:ERR'],
    );
  });

  it('notes a reactivated parameter and one removed after its sunset', () => {
    assert.deepEqual(ids(withParameters([q({ deprecated: true })]), withParameters([q({})])), ['request-parameter-reactivated:INFO']);
    assert.deepEqual(ids(withParameters([q({ deprecated: true, 'x-sunset': '2020-01-01' })]), withParameters([])), [
      'request-parameter-removed-with-deprecation:INFO',
    ]);
  });

  it('refuses a new path parameter', () => {
    const at = (path: string, parameters: unknown[]) => spec({ [path]: { get: { parameters, responses: ok } } });
    const id = { name: 'id', in: 'path', required: true, schema: s };
    assert.deepEqual(ids(at('/a/{id}', [id]), at('/a/{id}', [id, { name: 'v', in: 'path', required: true, schema: s }])), ['new-request-path-parameter:ERR']);
  });
});

describe('diffOpenApi: bodies, media types, statuses and headers', () => {
  const post = (requestBody?: unknown) => spec({ '/items': { post: { ...(requestBody === undefined ? {} : { requestBody }), responses: ok } } });
  const json = (schema?: unknown) => ({ 'application/json': schema === undefined ? {} : { schema } });

  it('refuses a required request body added or made required, notes an optional one', () => {
    assert.deepEqual(ids(post(), post({ required: true, content: json(s) })), ['request-body-added-required:ERR']);
    assert.deepEqual(ids(post(), post({ content: json(s) })), ['request-body-added-optional:INFO']);
    assert.deepEqual(ids(post({ content: json(s) }), post({ required: true, content: json(s) })), ['request-body-became-required:ERR']);
    assert.deepEqual(ids(post({ required: true, content: json(s) }), post({ content: json(s) })), ['request-body-became-optional:INFO']);
  });

  it('classifies a media type schema added or removed on either side', () => {
    assert.deepEqual(ids(post({ content: json() }), post({ content: json(s) })), ['request-body-media-type-schema-added:ERR']);
    assert.deepEqual(ids(post({ content: json(s) }), post({ content: json() })), ['request-body-media-type-schema-removed:INFO']);
    const get = (content: unknown) => spec({ '/items': { get: { responses: { '200': { description: 'ok', content } } } } });
    assert.deepEqual(ids(get(json()), get(json(s))), ['response-body-media-type-schema-added:INFO']);
    assert.deepEqual(ids(get(json(s)), get(json())), ['response-body-media-type-schema-removed:WARN']);
  });

  const answering = (responses: Record<string, unknown>) => spec({ '/items': { get: { responses } } });

  it('notes an error status added', () => {
    assert.deepEqual(ids(answering(ok), answering({ ...ok, '404': { description: 'missing' } })), ['response-non-success-status-added:INFO']);
  });

  it('classifies response headers added, removed and made optional', () => {
    const headers = (h: Record<string, unknown>) => answering({ '200': { description: 'ok', headers: h } });
    assert.deepEqual(ids(headers({}), headers({ 'X-A': { schema: s } })), ['response-header-added:INFO']);
    assert.deepEqual(ids(headers({ 'X-A': { schema: s } }), headers({})), ['optional-response-header-removed:WARN']);
    assert.deepEqual(ids(headers({ 'X-A': { required: true, schema: s } }), headers({ 'X-A': { schema: s } })), ['response-header-became-optional:ERR']);
  });
});

describe('diffOpenApi: properties', () => {
  const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });

  it('refuses a new required request property even with a default, notes one made optional', () => {
    assert.deepEqual(ids(withRequestBody(obj({})), withRequestBody(obj({ a: { type: 'string', default: 'x' } }, ['a']))), [
      'new-required-request-property-with-default:ERR',
    ]);
    assert.deepEqual(ids(withRequestBody(obj({ a: s }, ['a'])), withRequestBody(obj({ a: s }))), ['request-property-became-optional:INFO']);
  });

  it('only notes write-only response properties added, removed or made required or optional', () => {
    const w = { type: 'string', writeOnly: true };
    assert.deepEqual(ids(withResponseBody(obj({})), withResponseBody(obj({ a: w }))), ['response-optional-write-only-property-added:INFO']);
    assert.deepEqual(ids(withResponseBody(obj({})), withResponseBody(obj({ a: w }, ['a']))), ['response-required-write-only-property-added:INFO']);
    assert.deepEqual(ids(withResponseBody(obj({ a: w })), withResponseBody(obj({}))), ['response-optional-write-only-property-removed:INFO']);
    assert.deepEqual(ids(withResponseBody(obj({ a: w })), withResponseBody(obj({ a: w }, ['a']))), ['response-write-only-property-became-required:INFO']);
    assert.deepEqual(ids(withResponseBody(obj({ a: w }, ['a'])), withResponseBody(obj({ a: w }))), ['response-write-only-property-became-optional:INFO']);
  });
});

describe('diffOpenApi: security', () => {
  const secured = (global: unknown, operation?: unknown, schemes: Record<string, unknown> = {}) =>
    spec(
      { '/a': { get: { ...(operation === undefined ? {} : { security: operation }), responses: ok } } },
      {},
      { security: global, components: { schemas: {}, securitySchemes: schemes } },
    );
  const oauth = (tokenUrl: string, scopes: Record<string, string>, authorizationUrl = 'https://a/auth') => ({
    type: 'oauth2',
    flows: { authorizationCode: { tokenUrl, authorizationUrl, scopes } },
  });

  it('notes global security requirements and scopes added and removed', () => {
    assert.deepEqual(ids(secured([]), secured([{ key: [] }])), ['api-global-security-added:INFO']);
    assert.deepEqual(ids(secured([{ o: ['read'] }]), secured([{ o: ['write'] }])), [
      'api-global-security-scope-added:INFO',
      'api-global-security-scope-removed:INFO',
    ]);
  });

  it('notes operation security requirements and scopes removed', () => {
    assert.deepEqual(ids(secured([], [{ key: [] }]), secured([], [])), ['api-security-removed:INFO']);
    assert.deepEqual(ids(secured([], [{ o: ['read', 'write'] }]), secured([], [{ o: ['read'] }])), ['api-security-scope-removed:INFO']);
  });

  it('notes security schemes added, removed, retyped and their OAuth flows changed', () => {
    const key = { type: 'apiKey', in: 'header', name: 'X-Key' };
    assert.deepEqual(ids(secured([], undefined, {}), secured([], undefined, { key })), ['api-security-component-added:INFO']);
    assert.deepEqual(ids(secured([], undefined, { key }), secured([], undefined, {})), ['api-security-component-removed:INFO']);
    assert.deepEqual(ids(secured([], undefined, { key }), secured([], undefined, { key: { type: 'http', scheme: 'bearer' } })), [
      'api-security-component-type-changed:INFO',
    ]);
    const change = (a: unknown, b: unknown) => ids(secured([], undefined, { o: a }), secured([], undefined, { o: b }));
    assert.deepEqual(change(oauth('https://a/t', {}), oauth('https://b/t', {})), ['api-security-component-oauth-token-url-changed:INFO']);
    assert.deepEqual(change(oauth('https://a/t', {}), oauth('https://a/t', {}, 'https://b/auth')), ['api-security-component-oauth-url-changed:INFO']);
    assert.deepEqual(change(oauth('https://a/t', { r: 'read' }), oauth('https://a/t', { r: 'read', w: 'write' })), [
      'api-security-component-oauth-scope-added:INFO',
    ]);
    assert.deepEqual(change(oauth('https://a/t', { r: 'read', w: 'write' }), oauth('https://a/t', { r: 'read' })), [
      'api-security-component-oauth-scope-removed:INFO',
    ]);
    assert.deepEqual(change(oauth('https://a/t', { r: 'read' }), oauth('https://a/t', { r: 'read all' })), ['api-security-component-oauth-scope-changed:INFO']);
  });
});
