import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffOpenApi, resolveRefs } from '../../../src/core/contracts/index.js';
import { ids, spec, withParameters, withRequestBody, withResponseBody } from './spec-builders.js';

const ok = { '200': { description: 'ok' } };
const s = { type: 'string' };
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });

describe('diffOpenApi: response media type names', () => {
  const answering = (type: string) => spec({ '/items': { get: { responses: { '200': { description: 'ok', content: { [type]: { schema: s } } } } } } });

  it('sees a media type narrowed to a structured suffix as a specialization', () => {
    assert.deepEqual(ids(answering('application/json'), answering('application/problem+json')), ['response-media-type-name-specialized:INFO']);
  });

  it('refuses a media type widened to its base type: clients expect the narrower one', () => {
    assert.deepEqual(ids(answering('application/problem+json'), answering('application/json')), ['response-media-type-name-generalized:ERR']);
  });

  it('sees a change of media type parameters as a changed name', () => {
    assert.deepEqual(ids(answering('application/json'), answering('application/json; charset=utf-8')), ['response-media-type-name-changed:INFO']);
  });

  it('still reports an unrelated media type as removed and added', () => {
    assert.deepEqual(ids(answering('application/json'), answering('text/plain')), ['response-media-type-added:INFO', 'response-media-type-removed:ERR']);
  });
});

describe('diffOpenApi: header parameters with object schemas', () => {
  const header = (schema: unknown) => withParameters([{ name: 'X-Ctx', in: 'header', schema }]);

  it('refuses a new required property of a header', () => {
    assert.deepEqual(ids(header(obj({ a: s })), header(obj({ a: s, b: s }, ['b']))), ['new-required-request-header-property:ERR']);
  });

  it('refuses a header property that became required, but not a read-only one', () => {
    assert.deepEqual(ids(header(obj({ a: s })), header(obj({ a: s }, ['a']))), ['request-header-property-became-required:ERR']);
    assert.deepEqual(ids(header(obj({ a: { type: 'string', readOnly: true } })), header(obj({ a: { type: 'string', readOnly: true } }, ['a']))), []);
  });

  it('refuses a header or a header property restricted to an enum', () => {
    assert.deepEqual(ids(header(s), header({ type: 'string', enum: ['a'] })), ['request-header-property-became-enum:ERR', 'request-parameter-became-enum:ERR']);
    assert.deepEqual(ids(header(obj({ a: s })), header(obj({ a: { type: 'string', enum: ['x'] } }))), ['request-header-property-became-enum:ERR']);
  });
});

describe('diffOpenApi: extensible enums', () => {
  const open = (values: string[]) => ({ type: 'string', 'x-extensible-enum': values });

  it('refuses a value removed from a parameter or request property extensible enum', () => {
    assert.deepEqual(
      ids(withParameters([{ name: 'q', in: 'query', schema: open(['a', 'b']) }]), withParameters([{ name: 'q', in: 'query', schema: open(['a']) }])),
      ['request-parameter-x-extensible-enum-value-removed:ERR'],
    );
    assert.deepEqual(ids(withRequestBody(obj({ kind: open(['a', 'b']) })), withRequestBody(obj({ kind: open(['a']) }))), [
      'request-property-x-extensible-enum-value-removed:ERR',
    ]);
  });

  it('says nothing when a response drops a value or a request adds one', () => {
    assert.deepEqual(ids(withResponseBody(obj({ kind: open(['a', 'b']) })), withResponseBody(obj({ kind: open(['a']) }))), []);
    assert.deepEqual(ids(withRequestBody(obj({ kind: open(['a']) })), withRequestBody(obj({ kind: open(['a', 'b']) }))), []);
  });
});

describe('diffOpenApi: deprecated and sunset properties', () => {
  const prop = (extra: Record<string, unknown>) => obj({ a: { type: 'string', ...extra } });

  it('requires a readable sunset far enough ahead when a request property is deprecated', () => {
    assert.deepEqual(ids(withRequestBody(prop({})), withRequestBody(prop({ deprecated: true }))), ['request-property-deprecated-sunset-missing:ERR']);
    assert.deepEqual(ids(withRequestBody(prop({})), withRequestBody(prop({ deprecated: true, 'x-sunset': 'soon' }))), [
      'request-property-deprecated-sunset-invalid:ERR',
    ]);
    assert.deepEqual(ids(withRequestBody(prop({})), withRequestBody(prop({ deprecated: true, 'x-sunset': '2025-01-10' }))), [
      'request-property-sunset-date-too-small:ERR',
    ]);
    assert.deepEqual(ids(withRequestBody(prop({})), withRequestBody(prop({ deprecated: true, 'x-sunset': '2030-01-01' }))), [
      'request-property-deprecated-with-sunset:INFO',
    ]);
    assert.deepEqual(ids(withRequestBody(prop({ deprecated: true })), withRequestBody(prop({}))), ['request-property-reactivated:INFO']);
  });

  it('applies the same policy to response properties', () => {
    assert.deepEqual(ids(withResponseBody(prop({})), withResponseBody(prop({ deprecated: true }))), ['response-property-deprecated-sunset-missing:ERR']);
    assert.deepEqual(ids(withResponseBody(prop({})), withResponseBody(prop({ deprecated: true, 'x-sunset': 'soon' }))), [
      'response-property-deprecated-sunset-invalid:ERR',
    ]);
    assert.deepEqual(ids(withResponseBody(prop({})), withResponseBody(prop({ deprecated: true, 'x-sunset': '2025-01-10' }))), [
      'response-property-sunset-date-too-small:ERR',
    ]);
    assert.deepEqual(ids(withResponseBody(prop({})), withResponseBody(prop({ deprecated: true, 'x-sunset': '2030-01-01' }))), [
      'response-property-deprecated-with-sunset:INFO',
    ]);
    assert.deepEqual(ids(withResponseBody(prop({ deprecated: true })), withResponseBody(prop({}))), ['response-property-reactivated:INFO']);
  });

  it('only notes a deprecation without sunset when no minimum deprecation period applies', () => {
    const diff = (base: unknown, revision: unknown) =>
      diffOpenApi(resolveRefs(base), resolveRefs(revision), { now: Date.parse('2025-01-01'), deprecationDays: { stable: 0 } }).changes.map(
        (c) => `${c.id}:${c.level}`,
      );
    assert.deepEqual(diff(withRequestBody(prop({})), withRequestBody(prop({ deprecated: true }))), ['request-property-deprecated:INFO']);
    assert.deepEqual(diff(withResponseBody(prop({})), withResponseBody(prop({ deprecated: true }))), ['response-property-deprecated:INFO']);
  });
});

describe('diffOpenApi: property stability levels', () => {
  const prop = (level?: string) => obj({ a: level === undefined ? s : { type: 'string', 'x-stability-level': level } });

  it('refuses a property whose stability went down (absent means stable)', () => {
    assert.deepEqual(ids(withRequestBody(prop('stable')), withRequestBody(prop('beta'))), ['request-property-stability-decreased:ERR']);
    assert.deepEqual(ids(withResponseBody(prop()), withResponseBody(prop('alpha'))), ['response-property-stability-decreased:ERR']);
  });

  it('notes a property whose stability went up, and refuses an unknown level', () => {
    assert.deepEqual(ids(withRequestBody(prop('beta')), withRequestBody(prop())), ['request-property-stability-increased:INFO']);
    assert.deepEqual(ids(withResponseBody(prop('alpha')), withResponseBody(prop('beta'))), ['response-property-stability-increased:INFO']);
    assert.deepEqual(ids(withResponseBody(prop('beta')), withResponseBody(prop('ga'))), ['api-invalid-stability-level:ERR']);
  });
});

describe('diffOpenApi: readOnly and writeOnly', () => {
  const flag = (extra: Record<string, unknown>, required: string[] = []) => obj({ a: { type: 'string', ...extra } }, required);

  it('warns when a required response property stops being write-only: clients start receiving it', () => {
    assert.deepEqual(ids(withResponseBody(flag({ writeOnly: true }, ['a'])), withResponseBody(flag({}, ['a']))), [
      'response-required-property-became-not-write-only:WARN',
    ]);
  });

  it('notes the other readOnly/writeOnly flips of response properties, by required-ness', () => {
    assert.deepEqual(ids(withResponseBody(flag({}, ['a'])), withResponseBody(flag({ writeOnly: true }, ['a']))), [
      'response-required-property-became-write-only:INFO',
    ]);
    assert.deepEqual(ids(withResponseBody(flag({}, ['a'])), withResponseBody(flag({ readOnly: true }, ['a']))), [
      'response-required-property-became-read-only:INFO',
    ]);
    assert.deepEqual(ids(withResponseBody(flag({ readOnly: true }, ['a'])), withResponseBody(flag({}, ['a']))), [
      'response-required-property-became-not-read-only:INFO',
    ]);
    assert.deepEqual(ids(withResponseBody(flag({})), withResponseBody(flag({ writeOnly: true }))), ['response-optional-property-became-write-only:INFO']);
    assert.deepEqual(ids(withResponseBody(flag({ writeOnly: true })), withResponseBody(flag({}))), ['response-optional-property-became-not-write-only:INFO']);
    assert.deepEqual(ids(withResponseBody(flag({})), withResponseBody(flag({ readOnly: true }))), ['response-optional-property-became-read-only:INFO']);
    assert.deepEqual(ids(withResponseBody(flag({ readOnly: true })), withResponseBody(flag({}))), ['response-optional-property-became-not-read-only:INFO']);
  });

  it('notes readOnly/writeOnly flips of request properties, by required-ness', () => {
    assert.deepEqual(ids(withRequestBody(flag({}, ['a'])), withRequestBody(flag({ readOnly: true }, ['a']))), [
      'request-required-property-became-read-only:INFO',
    ]);
    assert.deepEqual(ids(withRequestBody(flag({ readOnly: true }, ['a'])), withRequestBody(flag({}, ['a']))), [
      'request-required-property-became-not-read-only:INFO',
    ]);
    assert.deepEqual(ids(withRequestBody(flag({}, ['a'])), withRequestBody(flag({ writeOnly: true }, ['a']))), [
      'request-required-property-became-write-only:INFO',
    ]);
    assert.deepEqual(ids(withRequestBody(flag({ writeOnly: true }, ['a'])), withRequestBody(flag({}, ['a']))), [
      'request-required-property-became-not-write-only:INFO',
    ]);
    assert.deepEqual(ids(withRequestBody(flag({})), withRequestBody(flag({ readOnly: true }))), ['request-optional-property-became-read-only:INFO']);
    assert.deepEqual(ids(withRequestBody(flag({ readOnly: true })), withRequestBody(flag({}))), ['request-optional-property-became-not-read-only:INFO']);
    assert.deepEqual(ids(withRequestBody(flag({})), withRequestBody(flag({ writeOnly: true }))), ['request-optional-property-became-write-only:INFO']);
    assert.deepEqual(ids(withRequestBody(flag({ writeOnly: true })), withRequestBody(flag({}))), ['request-optional-property-became-not-write-only:INFO']);
  });

  it('only notes tightened bounds and enums of a read-only request property, and ignores its type', () => {
    const ro = (extra: Record<string, unknown>) => obj({ a: { readOnly: true, ...extra } });
    const diff = (a: Record<string, unknown>, b: Record<string, unknown>) => ids(withRequestBody(ro(a)), withRequestBody(ro(b)));
    assert.deepEqual(diff({ type: 'integer', maximum: 10 }, { type: 'integer', maximum: 5 }), ['request-read-only-property-max-decreased:INFO']);
    assert.deepEqual(diff({ type: 'integer', minimum: 1 }, { type: 'integer', minimum: 2 }), ['request-read-only-property-min-increased:INFO']);
    assert.deepEqual(diff({ type: 'integer', exclusiveMaximum: 10 }, { type: 'integer', exclusiveMaximum: 5 }), [
      'request-read-only-property-exclusive-max-decreased:INFO',
    ]);
    assert.deepEqual(diff({ type: 'integer', exclusiveMinimum: 1 }, { type: 'integer', exclusiveMinimum: 2 }), [
      'request-read-only-property-exclusive-min-increased:INFO',
    ]);
    assert.deepEqual(diff({ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }), ['request-read-only-property-max-length-decreased:INFO']);
    assert.deepEqual(diff({ type: 'string', enum: ['x', 'y'] }, { type: 'string', enum: ['x'] }), ['request-read-only-property-enum-value-removed:INFO']);
    assert.deepEqual(diff({ type: 'integer' }, { type: 'boolean' }), []);
  });
});

describe('diffOpenApi: parameters added to a whole path', () => {
  const path = (parameters: unknown[]) => spec({ '/items': { parameters, get: { responses: ok }, post: { responses: ok } } });
  const q = (required: boolean) => ({ name: 'tenant', in: 'query', required, schema: s });

  it('refuses a required parameter added to every operation of an existing path', () => {
    assert.deepEqual(ids(path([]), path([q(true)])), [
      'new-required-request-default-parameter-to-existing-path:ERR',
      'new-required-request-default-parameter-to-existing-path:ERR',
    ]);
  });

  it('notes an optional one', () => {
    assert.deepEqual(ids(path([]), path([q(false)])), [
      'new-optional-request-default-parameter-to-existing-path:INFO',
      'new-optional-request-default-parameter-to-existing-path:INFO',
    ]);
  });
});

describe('diffOpenApi: type changes where values travel as text', () => {
  const body = (side: 'request' | 'response', type: string, schema: unknown) =>
    side === 'request'
      ? spec({ '/items': { post: { requestBody: { content: { [type]: { schema } } }, responses: ok } } })
      : spec({ '/items': { get: { responses: { '200': { description: 'ok', content: { [type]: { schema } } } } } } });

  it('notes a request body or property that now takes a string in a text format', () => {
    assert.deepEqual(ids(body('request', 'text/plain', { type: 'integer' }), body('request', 'text/plain', s)), ['request-body-type-compatible:INFO']);
    assert.deepEqual(ids(body('request', 'application/xml', obj({ a: { type: 'integer' } })), body('request', 'application/xml', obj({ a: s }))), [
      'request-property-type-compatible:INFO',
    ]);
  });

  it('still refuses the same change in JSON, where a string is not a number', () => {
    assert.deepEqual(ids(body('request', 'application/json', { type: 'integer' }), body('request', 'application/json', s)), ['request-body-type-changed:ERR']);
  });

  it('notes a response body, property or header that was a string and is now typed', () => {
    assert.deepEqual(ids(body('response', 'text/plain', s), body('response', 'text/plain', { type: 'integer' })), ['response-body-type-compatible:INFO']);
    assert.deepEqual(ids(body('response', 'application/xml', obj({ a: s })), body('response', 'application/xml', obj({ a: { type: 'boolean' } }))), [
      'response-property-type-compatible:INFO',
    ]);
    const header = (schema: unknown) => spec({ '/items': { get: { responses: { '200': { description: 'ok', headers: { 'X-Count': { schema } } } } } } });
    assert.deepEqual(ids(header(s), header({ type: 'integer' })), ['response-header-type-compatible:INFO']);
  });
});

describe('diffOpenApi: allOf members that only annotate', () => {
  const all = (...members: unknown[]) => ({ allOf: [obj({ a: s }), ...members] });
  const titled = { title: 'Thing', description: 'a thing' };
  const strict = { required: ['a'] };

  it('notes an annotation-only allOf member added or removed, at body and property level', () => {
    assert.deepEqual(ids(withRequestBody(all()), withRequestBody(all(titled))), ['request-body-all-of-added-annotation-only:INFO']);
    assert.deepEqual(ids(withRequestBody(all(titled)), withRequestBody(all())), ['request-body-all-of-removed-annotation-only:INFO']);
    assert.deepEqual(ids(withResponseBody(all()), withResponseBody(all(titled))), ['response-body-all-of-added-annotation-only:INFO']);
    assert.deepEqual(ids(withResponseBody(all(titled)), withResponseBody(all())), ['response-body-all-of-removed-annotation-only:INFO']);
    const prop = (...members: unknown[]) => obj({ p: all(...members) });
    assert.deepEqual(ids(withRequestBody(prop()), withRequestBody(prop(titled))), ['request-property-all-of-added-annotation-only:INFO']);
    assert.deepEqual(ids(withRequestBody(prop(titled)), withRequestBody(prop())), ['request-property-all-of-removed-annotation-only:INFO']);
    assert.deepEqual(ids(withResponseBody(prop()), withResponseBody(prop(titled))), ['response-property-all-of-added-annotation-only:INFO']);
    assert.deepEqual(ids(withResponseBody(prop(titled)), withResponseBody(prop())), ['response-property-all-of-removed-annotation-only:INFO']);
  });

  it('still refuses a constraining allOf member added to a request', () => {
    assert.deepEqual(ids(withRequestBody(all()), withRequestBody(all(strict))), ['request-body-all-of-added:ERR']);
  });
});

describe('diffOpenApi: write-only response properties', () => {
  it('only notes an enum value added to a property clients never receive', () => {
    const prop = (values: string[], writeOnly: boolean) => obj({ a: { type: 'string', enum: values, writeOnly } });
    assert.deepEqual(ids(withResponseBody(prop(['x'], true)), withResponseBody(prop(['x', 'y'], true))), [
      'response-write-only-property-enum-value-added:INFO',
    ]);
    assert.deepEqual(ids(withResponseBody(prop(['x'], false)), withResponseBody(prop(['x', 'y'], false))), ['response-property-enum-value-added:WARN']);
  });
});

describe('diffOpenApi: info.version against breaking changes', () => {
  const versioned = (version: string, required: boolean) =>
    spec({ '/items': { get: { parameters: [{ name: 'q', in: 'query', required, schema: s }], responses: ok } } }, {}, { info: { title: 't', version } });

  it('notes a breaking revision that keeps, lowers or only minor-bumps a semantic version', () => {
    assert.deepEqual(ids(versioned('1.2.0', false), versioned('1.2.0', true)), ['api-version-not-bumped:INFO', 'request-parameter-became-required:ERR']);
    assert.deepEqual(ids(versioned('1.2.0', false), versioned('1.1.0', true)), ['api-version-decreased:INFO', 'request-parameter-became-required:ERR']);
    assert.deepEqual(ids(versioned('1.2.0', false), versioned('1.3.0', true)), ['api-major-version-not-bumped:INFO', 'request-parameter-became-required:ERR']);
    assert.deepEqual(ids(versioned('0.2.0', false), versioned('0.2.1', true)), ['api-major-version-not-bumped:INFO', 'request-parameter-became-required:ERR']);
  });

  it('says nothing of a major bump, a non-breaking revision or a version that is not semantic', () => {
    assert.deepEqual(ids(versioned('1.2.0', false), versioned('2.0.0', true)), ['request-parameter-became-required:ERR']);
    assert.deepEqual(ids(versioned('0.2.0', false), versioned('0.3.0', true)), ['request-parameter-became-required:ERR']);
    assert.deepEqual(ids(versioned('1.2.0', true), versioned('1.2.0', false)), ['request-parameter-became-optional:INFO']);
    assert.deepEqual(ids(versioned('2024-01', false), versioned('2024-01', true)), ['request-parameter-became-required:ERR']);
  });
});
