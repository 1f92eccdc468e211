import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonNameOf } from '../../../../src/core/contracts/protobuf/field-facts.js';
import type { ProtoField } from '../../../../src/core/contracts/protobuf/proto-model.js';

const field = (name: string, options: ProtoField['options'] = []): ProtoField => ({
  name,
  number: 1,
  type: 'string',
  options,
  start: 0,
  end: 1,
  nameStart: 0,
  nameEnd: 1,
  numberStart: 0,
  numberEnd: 1,
  typeStart: 0,
  typeEnd: 1,
});

describe('jsonNameOf', () => {
  it('gives the lowerCamelCase name protoc gives (`_x` to `X`, other underscores dropped) for any name', () => {
    // protoc's rule, written as the two replacements it amounts to.
    const reference = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/_/g, '');
    const names = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
    fc.assert(fc.property(names, (name) => assert.equal(jsonNameOf(field(name)), reference(name))));
    assert.equal(jsonNameOf(field('transaction_id')), 'transactionId');
    assert.equal(jsonNameOf(field('a__b_1_C')), 'aB1C');
  });

  it('takes json_name when the field sets it', () => {
    assert.equal(jsonNameOf(field('user_id', [{ name: 'json_name', value: 'uid', kind: 'string', start: 0, end: 1 }])), 'uid');
  });
});
