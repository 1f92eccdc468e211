import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { RunnableCheck } from '../../../src/ports/check-runner.js';
import { closedPort } from '../../support/ports.js';

// The Postgres of this machine: 127.0.0.1:5432, user postgres, trust authentication, database `test`.
const runner = new RealCheckRunner();
const postgres = (spec: Record<string, unknown>, timeoutMs = 5000): RunnableCheck => ({ kind: 'postgres', name: 'database answers', spec, timeoutMs });

const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  sockets.forEach((s) => s.destroy());
  servers.forEach((s) => s.close());
});

describe('postgres check', () => {
  test('passes when the query runs, and gives the row count', async () => {
    const result = await runner.run(postgres({ host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', query: 'select 1' }));
    assert.deepEqual([result.ok, result.message], [true, 'the query returned 1 row on 127.0.0.1:5432/test as postgres']);
  });

  test('connects with a url and runs the given query', async () => {
    const result = await runner.run(postgres({ url: 'postgres://postgres@127.0.0.1:5432/test', query: 'select * from generate_series(1, 3)' }));
    assert.deepEqual([result.ok, result.message], [true, 'the query returned 3 rows on 127.0.0.1:5432/test as postgres']);
  });

  test('defaults to select 1 as user postgres on database postgres, with the port as text', async () => {
    const result = await runner.run(postgres({ host: '127.0.0.1', port: '5432' }));
    assert.deepEqual([result.ok, result.message], [true, 'the query returned 1 row on 127.0.0.1:5432/postgres as postgres']);
  });

  test('fails a query the server rejects, with the server error', async () => {
    const result = await runner.run(postgres({ host: '127.0.0.1', database: 'test', query: 'select * from no_such_table_for_checks' }));
    assert.deepEqual(
      [result.ok, result.message],
      [false, 'the query failed on 127.0.0.1:5432/test as postgres: relation "no_such_table_for_checks" does not exist (SQLSTATE 42P01)'],
    );
  });

  test('fails on a port where nothing listens', async () => {
    const port = await closedPort();
    const result = await runner.run(postgres({ host: '127.0.0.1', port, database: 'test' }));
    assert.deepEqual([result.ok, result.message], [false, `could not connect to 127.0.0.1:${port}/test as postgres: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });

  test('never shows the password, from a url or a field', async () => {
    const port = await closedPort();
    const fromUrl = await runner.run(postgres({ url: `postgres://postgres:pw-Secret-77@127.0.0.1:5432/test`, query: "select 'pw-Secret-77' from nowhere" }));
    assert.equal(fromUrl.ok, false);
    assert.equal(fromUrl.message, 'the query failed on 127.0.0.1:5432/test as postgres: relation "nowhere" does not exist (SQLSTATE 42P01)');
    const fromField = await runner.run(postgres({ host: '127.0.0.1', port, database: 'test', password: 'pw-Secret-77' }));
    assert.equal(fromField.ok, false);
    assert.ok(!fromField.message.includes('pw-Secret-77'), fromField.message);
    assert.match(fromField.message, /ECONNREFUSED/);
  });

  test('times out on a server that accepts the connection but never speaks Postgres', async () => {
    const silent = createServer((socket) => sockets.push(socket));
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const result = await runner.run(postgres({ host: '127.0.0.1', port, database: 'test' }, 300));
    assert.equal(result.ok, false);
    assert.match(
      result.message,
      new RegExp(
        `^(no answer from 127\\.0\\.0\\.1:${port}/test as postgres within 300ms|could not connect to 127\\.0\\.0\\.1:${port}/test as postgres: .*timeout.*)$`,
      ),
    );
    assert.ok(result.durationMs < 1500, `durationMs ${result.durationMs}`);
  });
});
