import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffJsonSchema, isBreaking } from '../../../src/core/contracts/index.js';

const event = (status: string[], extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' }, status: { type: 'string', enum: status }, ...extra },
});

describe('diffJsonSchema producer-to-consumer', () => {
  it('breaks consumers when the producer may emit a new enum value', () => {
    const diff = diffJsonSchema(event(['a']), event(['a', 'b']), 'producer-to-consumer');
    assert.deepEqual(
      diff.changes.map((c) => `${c.id}:${c.level}`),
      ['response-property-enum-value-added:WARN'],
    );
    assert.equal(isBreaking(diff), true);
  });

  it('lets the producer emit fewer enum values and add optional fields', () => {
    const diff = diffJsonSchema(event(['a', 'b']), event(['a'], { note: { type: 'string' } }), 'producer-to-consumer');
    assert.deepEqual(diff.changes.map((c) => `${c.id}:${c.level}`).sort(), [
      'response-optional-property-added:INFO',
      'response-property-enum-value-removed:INFO',
    ]);
    assert.equal(isBreaking(diff), false);
  });

  it('breaks consumers when a required field is dropped or may be null', () => {
    const dropped = { type: 'object', properties: { status: { type: 'string' } } };
    assert.deepEqual(
      diffJsonSchema(
        event(['a']),
        { ...dropped, properties: { ...dropped.properties, status: { type: 'string', enum: ['a'] } } },
        'producer-to-consumer',
      ).changes.map((c) => c.id),
      ['response-required-property-removed'],
    );
    const nullable = diffJsonSchema({ type: 'string' }, { type: ['string', 'null'] }, 'producer-to-consumer');
    assert.deepEqual(
      nullable.changes.map((c) => `${c.id}:${c.level}`),
      ['response-body-became-nullable:ERR'],
    );
  });

  it('applies request rules in the consumer-to-producer direction', () => {
    const diff = diffJsonSchema(event(['a', 'b']), event(['a']), 'consumer-to-producer');
    assert.deepEqual(
      diff.changes.map((c) => `${c.id}:${c.level}`),
      ['request-property-enum-value-removed:ERR'],
    );
  });

  it('resolves local refs and handles recursive payloads', () => {
    const tree = (leaf: unknown) => ({
      $defs: { T: { type: 'object', properties: { leaf, kids: { type: 'array', items: { $ref: '#/$defs/T' } } } } },
      $ref: '#/$defs/T',
    });
    const diff = diffJsonSchema(tree({ type: 'integer' }), tree({ type: 'number' }), 'producer-to-consumer');
    assert.deepEqual(
      diff.changes.map((c) => `${c.id}:${c.level}`),
      ['response-property-type-generalized:ERR'],
    );
  });
});
