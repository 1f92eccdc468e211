import pg from 'pg';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';
import { readPort } from './tcp-check.js';

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

/**
 * Connects to Postgres for real (`url`, or `host`/`port`/`database`/`user`/`password`; user and
 * database default to `postgres`) and runs `query` (default `select 1`). Ok when the query
 * succeeds. The password never appears in the message, even inside an error from the server.
 */
export async function runPostgresCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const spec = Array.isArray(check.spec) ? {} : check.spec;
  const target = readTarget(spec);
  if (typeof target === 'string') return { ok: false, message: target };
  const query = typeof spec.query === 'string' && spec.query.trim() !== '' ? spec.query : 'select 1';
  const hide = (text: string) => (target.password ? text.split(target.password).join('***') : text);

  const client = new pg.Client({
    ...target.config,
    connectionTimeoutMillis: check.timeoutMs,
    // The server gives up on the query too, rather than running on after we have left.
    statement_timeout: check.timeoutMs,
    query_timeout: check.timeoutMs,
  });
  // Without a listener a dropped connection would crash the process. A drop while connecting or
  // querying already rejects connect()/query() and so reaches the message; after that we end anyway.
  client.on('error', () => undefined);

  let stop: (() => void) | undefined;
  const stopped = new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, message: `no answer from ${target.where} within ${check.timeoutMs}ms` }), check.timeoutMs);
    const onAbort = () => resolve({ ok: false, message: `querying ${target.where}: cancelled` });
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stop = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  });
  const attempt = (async (): Promise<Outcome> => {
    try {
      await client.connect();
    } catch (error) {
      return { ok: false, message: `could not connect to ${target.where}: ${describe(error)}` };
    }
    try {
      const result = await client.query(query);
      const rows = result.rowCount ?? result.rows.length;
      return { ok: true, message: `the query returned ${rows} row${rows === 1 ? '' : 's'} on ${target.where}` };
    } catch (error) {
      return { ok: false, message: `the query failed on ${target.where}: ${describe(error)}` };
    }
  })();
  try {
    const outcome = await Promise.race([attempt, stopped]);
    return { ok: outcome.ok, message: hide(outcome.message) };
  } finally {
    stop?.();
    // The outcome is decided; a failure to close a connection that failed already adds nothing.
    await client.end().catch(() => undefined);
  }
}

interface Target {
  config: pg.ClientConfig;
  password?: string;
  /** `host:port/database as user`, for messages. */
  where: string;
}

function readTarget(spec: Record<string, unknown>): Target | string {
  if (typeof spec.url === 'string') {
    if (!URL.canParse(spec.url)) return 'the postgres url is not a URL';
    const url = new URL(spec.url);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return `the postgres url must start with postgres:// (not ${url.protocol}//)`;
    const password = decodeURIComponent(url.password);
    const database = decodeURIComponent(url.pathname.slice(1)) || 'postgres';
    const user = decodeURIComponent(url.username) || 'postgres';
    return {
      // Parsed by pg itself (sslmode and other parameters); user and database get our defaults.
      config: { connectionString: spec.url, user, database },
      ...(password ? { password } : {}),
      where: `${url.host}/${database} as ${user}`,
    };
  }
  const host = typeof spec.host === 'string' && spec.host !== '' ? spec.host : '127.0.0.1';
  const port = spec.port === undefined ? 5432 : readPort(spec.port);
  if (port === undefined) return `the port ${JSON.stringify(spec.port)} is not a port (1-65535)`;
  const database = typeof spec.database === 'string' && spec.database !== '' ? spec.database : 'postgres';
  const user = typeof spec.user === 'string' && spec.user !== '' ? spec.user : 'postgres';
  const password = typeof spec.password === 'string' && spec.password !== '' ? spec.password : undefined;
  return {
    config: { host, port, database, user, ...(password !== undefined ? { password } : {}) },
    ...(password !== undefined ? { password } : {}),
    where: `${host}:${port}/${database} as ${user}`,
  };
}

/** The server's message with its SQLSTATE code, or the network error. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (error instanceof pg.DatabaseError && typeof code === 'string') return `${error.message} (SQLSTATE ${code})`;
  return error.message || (typeof code === 'string' ? code : error.name);
}
