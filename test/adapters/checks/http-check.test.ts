import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { MATCH_LIMIT_MS } from '../../../src/adapters/checks/match-regex.js';
import { RealCheckRunner } from '../../../src/adapters/checks/real-check-runner.js';
import type { RunnableCheck } from '../../../src/ports/check-runner.js';
import { closedPort } from '../../support/ports.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on 127.0.0.1; `reply` answers each request (or never, if it does not end it). */
async function serve(reply: (seen: Seen, res: ServerResponse) => void): Promise<{ address: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      reply(request, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
}

const runner = new RealCheckRunner();
function http(spec: Record<string, unknown>, address?: string, timeoutMs = 2000): RunnableCheck {
  return { kind: 'http', name: 'test', spec, timeoutMs, ...(address !== undefined ? { address } : {}) };
}

describe('http check: status', () => {
  test('passes on any 2xx by default, with GET on the path joined to the address', async () => {
    const { address, seen } = await serve((_, res) => text(res, 204, ''));
    const result = await runner.run(http({ path: '/health' }, `${address}/`));
    assert.deepEqual([result.ok, result.message], [true, `GET ${address}/health answered 204`]);
    assert.deepEqual(
      seen.map((s) => [s.method, s.url]),
      [['GET', '/health']],
    );
  });

  test('keeps a path prefix of the address and adds the missing slash', async () => {
    const { address, seen } = await serve((_, res) => text(res, 200, 'ok'));
    const result = await runner.run(http({ path: 'health?verbose=1' }, `${address}/api`));
    assert.equal(result.ok, true);
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/api/health?verbose=1'],
    );
  });

  test('fails on a 500 by default and says what came back', async () => {
    const { address } = await serve((_, res) => text(res, 500, 'database down'));
    const result = await runner.run(http({ path: '/health' }, address));
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/health answered 500, expected 2xx; body: "database down"`]);
  });

  test('accepts any status of an expected list and names the list when another comes back', async () => {
    const { address } = await serve((seen, res) => text(res, seen.url === '/created' ? 201 : 204, ''));
    const expect = { status: [200, 201] };
    assert.equal((await runner.run(http({ path: '/created', expect }, address))).ok, true);
    const other = await runner.run(http({ path: '/other', expect }, address));
    assert.deepEqual([other.ok, other.message], [false, `GET ${address}/other answered 204, expected one of 200, 201; body: (empty)`]);
  });

  test('fails a 2xx when a single other status is expected', async () => {
    const { address } = await serve((_, res) => text(res, 200, 'fine'));
    const result = await runner.run(http({ path: '/orders', expect: { status: 201 } }, address));
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/orders answered 200, expected 201; body: "fine"`]);
  });

  test('quotes only the first 200 characters of an unexpected body and gives its length', async () => {
    const { address } = await serve((_, res) => text(res, 502, 'x'.repeat(1000)));
    const result = await runner.run(http({ path: '/' }, address));
    assert.equal(result.ok, false);
    assert.ok(result.message.endsWith(`body: "${'x'.repeat(200)}"… (1000 chars)`), result.message);
  });

  test('judges the redirect itself instead of following it', async () => {
    const { address, seen } = await serve((_, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const followed = await runner.run(http({ path: '/old' }, address));
    assert.deepEqual([followed.ok, followed.message], [false, `GET ${address}/old answered 302, expected 2xx; body: (empty)`]);
    assert.equal((await runner.run(http({ path: '/old', expect: { status: 302 } }, address))).ok, true);
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/old', '/old'],
    );
  });
});

describe('http check: body assertions', () => {
  test('passes when the body contains the expected text and fails with the body when it does not', async () => {
    const { address } = await serve((_, res) => text(res, 200, 'status: starting'));
    assert.equal((await runner.run(http({ path: '/', expect: { contains: 'status:' } }, address))).ok, true);
    const result = await runner.run(http({ path: '/', expect: { contains: 'ready' } }, address));
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/ answered 200, but the body does not contain "ready"; body: "status: starting"`]);
  });

  test('passes JSON assertions on paths into objects and arrays', async () => {
    const document = { id: 'o-1', items: [{ name: 'demo-1', qty: 2 }], a: { b: 'v2.3' }, total: 12.5, tags: ['x', 'y'], 'odd key': true };
    const { address } = await serve((_, res) => json(res, 201, document));
    const result = await runner.run(
      http(
        {
          method: 'POST',
          path: '/orders',
          expect: {
            status: 201,
            json: {
              '$.id': { exists: true },
              '$.missing': { exists: false },
              '$.items[0].name': { equals: 'demo-1' },
              '$.items[0]': { equals: { qty: 2, name: 'demo-1' } },
              '$.tags': { equals: ['x', 'y'] },
              '$.total': { equals: 12.5, matches: '^12\\.5$' },
              '$.a.b': { matches: '^v\\d+\\.\\d+$' },
              '$["odd key"]': { equals: true },
            },
          },
        },
        address,
      ),
    );
    assert.deepEqual([result.ok, result.message], [true, `POST ${address}/orders answered 201`]);
  });

  test('fails each JSON assertion with what was expected and what came back', async () => {
    const { address } = await serve((_, res) => json(res, 200, { id: null, items: [], state: 'degraded', n: 8080, a: { b: 'beta' } }));
    const result = await runner.run(
      http(
        {
          path: '/status',
          expect: {
            json: {
              '$.order': { exists: true },
              '$.id': { exists: false },
              '$.items[0].name': { equals: 'demo-1' },
              '$.state': { equals: 'ok' },
              '$.n': { equals: '8080' },
              '$.a.b': { matches: '^v\\d' },
              '$.a': { matches: 'x' },
            },
          },
        },
        address,
      ),
    );
    assert.equal(result.ok, false);
    assert.equal(
      result.message,
      `GET ${address}/status answered 200, but ` +
        [
          '$.order: expected it to exist, it is missing',
          '$.id: expected it to be absent, got null',
          '$.items[0].name: expected "demo-1", it is missing',
          '$.state: expected "ok", got "degraded"',
          '$.n: expected "8080", got 8080',
          '$.a.b: expected a match for /^v\\d/, got "beta"',
          '$.a: expected a match for /x/, got {"b":"beta"}',
        ].join('; '),
    );
  });

  test('fails JSON assertions on a body nested deeper than tranche reads', async () => {
    const { address } = await serve((_, res) => text(res, 200, `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`));
    const result = await runner.run(http({ path: '/', expect: { json: { '$.a': { equals: [] } } } }, address));
    assert.deepEqual(
      [result.ok, result.message],
      [
        false,
        `GET ${address}/ answered 200, but the body is JSON nested more than 256 levels deep (maps and lists inside one another), more than a check reads`,
      ],
    );
  });

  test('fails JSON assertions on a body that is not JSON, quoting it', async () => {
    const { address } = await serve((_, res) => text(res, 200, '<html>maintenance</html>'));
    const result = await runner.run(http({ path: '/', expect: { json: { '$.id': { exists: true } } } }, address));
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/ answered 200, but the body is not JSON; body: "<html>maintenance</html>"`]);
  });

  test('rejects a JSON path it cannot read, an invalid regular expression and an empty assertion', async () => {
    const { address } = await serve((_, res) => json(res, 200, { a: 'x' }));
    const result = await runner.run(http({ path: '/', expect: { json: { 'a.b': { exists: true }, '$.a': { matches: '(' }, $: {} } } }, address));
    assert.equal(result.ok, false);
    assert.equal(
      result.message,
      `GET ${address}/ answered 200, but a.b is not a JSON path (write $.a.b, $.items[0].name or $["a key"]); ` +
        '$.a: "(" is not a regular expression; $ has no assertion (use exists, equals or matches)',
    );
  });
});

describe('http check: a regular expression is bounded in time', () => {
  test('a match that backtracks without end fails the check, naming the path, the pattern and the bound', async () => {
    const value = `${'a'.repeat(50_000)}b`;
    const { address } = await serve((_, res) => json(res, 200, { version: value, ok: 'v2.1' }));
    const result = await runner.run(
      http({ path: '/', expect: { json: { '$.version': { matches: '(a+)+$' }, '$.ok': { matches: '^v2\\.' } } } }, address, 10_000),
    );
    assert.equal(result.ok, false);
    assert.equal(
      result.message,
      `GET ${address}/ answered 200, but $.version: matching /(a+)+$/ against a value of 50001 characters took longer than ${MATCH_LIMIT_MS}ms, ` +
        'the bound on a match: the pattern backtracks too much (like (a+)+$); make it stricter',
    );
  });

  test('the next check matches as before once a worker was stopped', async () => {
    const { address } = await serve((_, res) => json(res, 200, { v: `${'a'.repeat(40)}!` }));
    const slow = await runner.run(http({ path: '/', expect: { json: { '$.v': { matches: '^(a|aa)+$' } } } }, address, 10_000));
    assert.match(slow.message, /took longer than/);
    const fine = await runner.run(http({ path: '/', expect: { json: { '$.v': { matches: '^a+!$' } } } }, address));
    assert.deepEqual([fine.ok, fine.message], [true, `GET ${address}/ answered 200`]);
  });
});

describe('http check: the request', () => {
  test('sends the method, the headers and an object body as JSON with its content type', async () => {
    const { address, seen } = await serve((_, res) => json(res, 201, { id: 'o-9' }));
    const result = await runner.run(
      http(
        { method: 'post', path: '/orders', headers: { authorization: 'Bearer t0ken-abc', 'x-request-id': 'check-1' }, body: { sku: 'demo-1', qty: 1 } },
        address,
      ),
    );
    assert.equal(result.ok, true, result.message);
    assert.equal(seen.length, 1);
    const [request] = seen;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers.authorization, 'Bearer t0ken-abc');
    assert.equal(request!.headers['x-request-id'], 'check-1');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request!.body), { sku: 'demo-1', qty: 1 });
  });

  test('sends a string body as written and keeps a content type given in the headers', async () => {
    const { address, seen } = await serve((_, res) => text(res, 200, ''));
    await runner.run(http({ method: 'PUT', path: '/raw', headers: { 'Content-Type': 'text/csv' }, body: 'a,b\n1,2\n' }, address));
    assert.deepEqual(
      seen.map((s) => [s.method, s.headers['content-type'], s.body]),
      [['PUT', 'text/csv', 'a,b\n1,2\n']],
    );
  });

  test('requests an absolute url without needing the service address', async () => {
    const { address, seen } = await serve((_, res) => text(res, 200, 'pong'));
    const result = await runner.run(http({ url: `${address}/deps/payments` }));
    assert.deepEqual([result.ok, result.message], [true, `GET ${address}/deps/payments answered 200`]);
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/deps/payments'],
    );
  });

  test('never shows a header value, even when the server echoes it back', async () => {
    const { address } = await serve((seen, res) => json(res, 401, { rejected: seen.headers.authorization }));
    const check = http({ path: '/me', headers: { authorization: 'Bearer sk_live_123456' }, expect: { json: { '$.rejected': { equals: 'nobody' } } } }, address);
    const status = await runner.run(check);
    assert.equal(status.ok, false);
    assert.equal(status.message, `GET ${address}/me answered 401, expected 2xx; body: "{\\"rejected\\":\\"[header value]\\"}"`);
    const assertion = await runner.run({
      ...check,
      spec: { ...(check.spec as object), expect: { status: 401, json: { '$.rejected': { equals: 'nobody' } } } },
    });
    assert.equal(assertion.message, `GET ${address}/me answered 401, but $.rejected: expected "nobody", got "[header value]"`);
  });

  test('leaves the query string out of messages, where a token may travel', async () => {
    const { address } = await serve((_, res) => text(res, 503, 'later'));
    const result = await runner.run(http({ url: `${address}/hook?token=sk_secret_value` }));
    assert.equal(result.ok, false);
    assert.equal(result.message, `GET ${address}/hook answered 503, expected 2xx; body: "later"`);
  });

  test('refuses a body on a GET before sending anything', async () => {
    const { address, seen } = await serve((_, res) => text(res, 200, ''));
    const result = await runner.run(http({ path: '/', body: { a: 1 } }, address));
    assert.deepEqual([result.ok, result.message, seen.length], [false, 'a GET request cannot have a body', 0]);
  });

  test('says a path needs the service address when there is none', async () => {
    const result = await runner.run(http({ path: '/health' }));
    assert.deepEqual([result.ok, result.message], [false, 'the check requests /health, but the service has no address in this environment']);
  });
});

describe('http check: failures to get an answer', () => {
  test('times out on a server that never answers', async () => {
    const { address, seen } = await serve(() => undefined);
    const result = await runner.run(http({ path: '/slow' }, address, 300));
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/slow: no complete answer within 300ms`]);
    assert.equal(seen.length, 1);
    assert.ok(result.durationMs >= 290 && result.durationMs < 1500, `durationMs ${result.durationMs}`);
  });

  test('uses the http spec timeout over the check timeout', async () => {
    const { address } = await serve(() => undefined);
    const result = await runner.run(http({ path: '/slow', timeout: '200ms' }, address, 5000));
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/slow: no complete answer within 200ms`]);
    assert.ok(result.durationMs < 1500, `durationMs ${result.durationMs}`);
  });

  test('times out on a body that never ends', async () => {
    const { address } = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const result = await runner.run(http({ path: '/stream' }, address, 300));
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/stream answered 200, but reading the body failed: no complete answer within 300ms`]);
  });

  test('reports a refused connection', async () => {
    const port = await closedPort();
    const result = await runner.run(http({ path: '/health' }, `http://127.0.0.1:${port}`));
    assert.deepEqual([result.ok, result.message], [false, `GET http://127.0.0.1:${port}/health: could not connect: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });

  test('stops waiting as soon as the signal aborts', async () => {
    const { address } = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runner.run(http({ path: '/slow' }, address, 10_000), controller.signal);
    assert.deepEqual([result.ok, result.message], [false, `GET ${address}/slow: cancelled`]);
    assert.ok(result.durationMs < 1000, `durationMs ${result.durationMs}`);
  });
});

describe('http check: body size', () => {
  const big = 'x'.repeat(2 * 1024 * 1024);

  test('a body over 1 MiB fails the check, unread, whether its length is declared or streamed without end', async () => {
    const declared = await serve((_, res) => text(res, 200, big));
    const result = await runner.run(http({ path: '/big' }, declared.address));
    assert.deepEqual(
      [result.ok, result.message],
      [false, `GET ${declared.address}/big answered 200 with a body over 1048576 bytes, more than the check reads (http.max_body)`],
    );

    const endless = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'y'.repeat(64 * 1024);
      const write = () => {
        if (!res.destroyed && res.write(chunk)) setImmediate(write);
        else res.once('drain', write);
      };
      write();
    });
    const streamed = await runner.run(http({ path: '/endless' }, endless.address, 10_000));
    assert.deepEqual(
      [streamed.ok, streamed.message],
      [false, `GET ${endless.address}/endless answered 200 with a body over 1048576 bytes, more than the check reads (http.max_body)`],
    );
    assert.ok(streamed.durationMs < 5000, `it stopped reading at the limit, not at the timeout: ${streamed.durationMs} ms`);
  });

  test('max_body raises the limit; it must be a number of bytes', async () => {
    const { address } = await serve((_, res) => text(res, 200, big));
    const result = await runner.run(http({ path: '/big', max_body: 3 * 1024 * 1024, expect: { contains: 'xxx' } }, address));
    assert.deepEqual([result.ok, result.message], [true, `GET ${address}/big answered 200`]);
    const wrong = await runner.run(http({ path: '/big', max_body: '1MB' }, address));
    assert.deepEqual([wrong.ok, wrong.message], [false, 'the http max_body "1MB" is not a number of bytes']);
  });
});
