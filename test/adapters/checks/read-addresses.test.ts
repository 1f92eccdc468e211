import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readAddresses, showAddress } from '../../../src/adapters/checks/read-addresses.js';

const hostname = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]{1,10}){0,3}$/);
const ipv6 = fc.ipV6();
const address = fc.tuple(fc.oneof(hostname, fc.ipV4(), ipv6), fc.integer({ min: 1, max: 65535 })).map(([host, port]) => ({ host, port }));
const separator = fc.constantFrom(',', ', ', ' ', ' ,\t', '\n');

describe('readAddresses', () => {
  test('property: a list written as one string, with any separators, reads back as the addresses', () => {
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 6 }), fc.array(separator, { minLength: 6, maxLength: 6 }), (addresses, separators) => {
        const text = addresses.map((a, i) => `${showAddress(a)}${i < addresses.length - 1 ? separators[i] : ''}`).join('');
        assert.deepEqual(readAddresses(text, 9092, 'kafka brokers'), addresses);
        assert.deepEqual(readAddresses(addresses.map(showAddress), 9092, 'kafka brokers'), addresses);
      }),
    );
  });

  test('property: any input gives addresses or a message, never a throw, and a message names what it read', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.oneof(fc.string(), fc.integer()))), (input) => {
        const read = readAddresses(input, 4222, 'nats servers');
        if (typeof read === 'string') assert.match(read, /nats servers list/);
        else for (const { host, port } of read) assert.ok(host !== '' && port >= 1 && port <= 65535);
      }),
    );
  });

  test('takes the default port for a host alone, and refuses a bad port or a URL', () => {
    assert.deepEqual(readAddresses('kafka-1, kafka-2:9093', 9092, 'kafka brokers'), [
      { host: 'kafka-1', port: 9092 },
      { host: 'kafka-2', port: 9093 },
    ]);
    assert.deepEqual(readAddresses('[::1]', 4222, 'nats servers'), [{ host: '::1', port: 4222 }]);
    assert.equal(readAddresses('kafka-1:0', 9092, 'kafka brokers'), '"kafka-1:0" in the kafka brokers list has no valid port (1-65535)');
    assert.equal(readAddresses('kafka://kafka-1:9092', 9092, 'kafka brokers'), '"kafka://kafka-1:9092" in the kafka brokers list is not host:port');
    assert.equal(readAddresses(' , ', 9092, 'kafka brokers'), 'the kafka brokers list is empty');
    assert.equal(readAddresses([7], 9092, 'kafka brokers'), 'the kafka brokers list holds 7, not host:port');
  });
});
