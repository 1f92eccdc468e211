import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dependsOnlyOnConfig } from '../../../src/core/checks/preflight.js';

describe('dependsOnlyOnConfig', () => {
  test('is true for postgres, redis and tcp checks', () => {
    assert.equal(dependsOnlyOnConfig('postgres', { host: '${DB_HOST}', port: '${DB_PORT}', query: 'select 1' }), true);
    assert.equal(dependsOnlyOnConfig('redis', { url: 'redis://127.0.0.1:6379' }), true);
    assert.equal(dependsOnlyOnConfig('tcp', { host: '127.0.0.1', port: 5432 }), true);
  });

  test('is true for kafka, amqp and nats checks of a broker, its topics, queues and streams', () => {
    assert.equal(dependsOnlyOnConfig('kafka', { brokers: '${KAFKA_BROKERS}', topic: 'orders', partitions: 6 }), true);
    assert.equal(dependsOnlyOnConfig('amqp', { url: '${AMQP_URL}', queue: 'orders', round_trip: true }), true);
    assert.equal(dependsOnlyOnConfig('nats', { servers: '${NATS_URL}', stream: 'ORDERS', consumer: 'billing' }), true);
  });

  test('is false for a nats request, which the service being deployed may be the one to answer', () => {
    assert.equal(dependsOnlyOnConfig('nats', { servers: '127.0.0.1:4222', subject: 'orders.ping', request: 'ping' }), false);
  });

  test('is true for an http check with an absolute url, written literally or from config', () => {
    assert.equal(dependsOnlyOnConfig('http', { url: 'https://payments.internal/health' }), true);
    assert.equal(dependsOnlyOnConfig('http', { url: '${PAYMENTS_URL}/health' }), true);
  });

  test('is false for an http check with a path on the service address', () => {
    assert.equal(dependsOnlyOnConfig('http', { path: '/health' }), false);
    assert.equal(dependsOnlyOnConfig('http', { path: '/orders', url: 'https://payments.internal/' }), false);
  });

  test('is false for an http url that is not absolute http(s)', () => {
    assert.equal(dependsOnlyOnConfig('http', { url: '/health' }), false);
    assert.equal(dependsOnlyOnConfig('http', { url: 'ftp://files.internal/x' }), false);
    assert.equal(dependsOnlyOnConfig('http', {}), false);
  });

  test('is false for a command check', () => {
    assert.equal(dependsOnlyOnConfig('command', ['./smoke.sh']), false);
  });

  test('is false for any check that uses the service address', () => {
    assert.equal(dependsOnlyOnConfig('http', { url: '${address}/health' }), false);
    assert.equal(dependsOnlyOnConfig('http', { url: 'https://proxy.internal/', headers: { 'x-upstream': '${address}' } }), false);
    assert.equal(dependsOnlyOnConfig('tcp', { host: '${address}', port: 80 }), false);
  });

  test('is false for a kind it does not know', () => {
    assert.equal(dependsOnlyOnConfig('ftp', { url: 'https://x.internal/' }), false);
  });
});
