import { isDeepStrictEqual } from 'node:util';
import { JSON_PATH_FORMS, parseJsonPath, valueAt } from '../../core/checks/json-path.js';
import { parseDuration } from '../../core/config/duration.js';
import { MIN_REDACTED_LENGTH, Redactor } from '../../core/config/redact-secrets.js';
import { jsonTooDeepOffset, TOO_DEEP } from '../../core/nesting.js';
import type { CheckResult, RunnableCheck } from '../../ports/check-runner.js';
import { MATCH_LIMIT_MS, matchRegex } from './match-regex.js';

/** How much of an unexpected body a message quotes. */
const BODY_SHOWN = 200;
/** How much of a body a check reads unless its `max_body` says otherwise: an answer is judged, not stored. */
const DEFAULT_MAX_BODY = 1024 * 1024;

type Outcome = Pick<CheckResult, 'ok' | 'message'>;

interface HttpRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
  timeoutMs: number;
  /** The most bytes of body read: past it the check fails without reading on. */
  maxBody: number;
  /** Header values as written: kept out of every message, even when the server echoes them. */
  hidden: string[];
}

/**
 * Sends one request and checks the answer against `expect` (status: a number or a list, default
 * any 2xx; `contains`; `json` path assertions). Redirects are not followed: the check judges what
 * the service itself answers, and never forwards its headers to another host.
 */
export async function runHttpCheck(check: RunnableCheck, signal?: AbortSignal): Promise<Outcome> {
  const read = readRequest(check);
  if (typeof read === 'string') return { ok: false, message: read };
  const request = read;
  const what = `${request.method} ${showUrl(request.url)}`;
  const deadline = AbortSignal.any([AbortSignal.timeout(request.timeoutMs), ...(signal ? [signal] : [])]);
  const stopped = () => (signal?.aborted ? 'cancelled' : `no complete answer within ${request.timeoutMs}ms`);

  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      redirect: 'manual',
      signal: deadline,
    });
  } catch (error) {
    if (deadline.aborted) return { ok: false, message: `${what}: ${stopped()}` };
    return { ok: false, message: `${what}: could not connect: ${describeFetchError(error)}` };
  }
  let text: string;
  try {
    const read = await readBody(response, request.maxBody);
    if (read === undefined)
      return { ok: false, message: `${what} answered ${response.status} with a body over ${request.maxBody} bytes, more than the check reads (http.max_body)` };
    text = read;
  } catch (error) {
    const why = deadline.aborted ? stopped() : describeFetchError(error);
    return { ok: false, message: `${what} answered ${response.status}, but reading the body failed: ${why}` };
  }
  // Blanked before anything is cut or escaped, so that no part of a secret survives either.
  const hide = hider(request.hidden, check.secrets ?? []);
  const body = (): string => showBody(hide(text));
  const answered = `${what} answered ${response.status}`;
  const expect = asRecord(asRecord(check.spec).expect);

  const statusProblem = checkStatus(response.status, expect.status);
  if (statusProblem) return { ok: false, message: `${answered}, ${statusProblem}; body: ${body()}` };
  if (expect.contains !== undefined && !text.includes(String(expect.contains))) {
    return { ok: false, message: `${answered}, but the body does not contain ${JSON.stringify(String(expect.contains))}; body: ${body()}` };
  }
  if (expect.json !== undefined) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return { ok: false, message: `${answered}, but the body is not JSON; body: ${body()}` };
    }
    if (jsonTooDeepOffset(text) !== undefined) return { ok: false, message: `${answered}, but the body is JSON ${TOO_DEEP}, more than a check reads` };
    const checked = await Promise.all(
      Object.entries(asRecord(expect.json)).map(([path, assertion]) => checkJsonPath(document, path, assertion, hide, deadline)),
    );
    const problems = checked.flat();
    if (problems.length > 0) return { ok: false, message: `${answered}, but ${problems.join('; ')}` };
  }
  return { ok: true, message: answered };
}

/**
 * The request's time limit: the http spec's own `timeout` when it has one (the more specific
 * setting), else the check's. Undefined when the spec's is not a duration.
 */
export function httpTimeoutMs(check: RunnableCheck): number | undefined {
  const { timeout } = asRecord(check.spec);
  if (timeout === undefined) return check.timeoutMs;
  const parsed = typeof timeout === 'string' ? parseDuration(timeout) : undefined;
  return parsed !== undefined && parsed > 0 ? parsed : undefined;
}

function readRequest(check: RunnableCheck): HttpRequest | string {
  const spec = asRecord(check.spec);
  const method = typeof spec.method === 'string' ? spec.method.toUpperCase() : 'GET';
  const url = targetUrl(spec, check.address);
  if (typeof url === 'string') return url;

  const timeoutMs = httpTimeoutMs(check);
  if (timeoutMs === undefined) return `the http timeout ${JSON.stringify(spec.timeout)} is not a duration (like 500ms or 5s)`;

  const maxBody = spec.max_body === undefined ? DEFAULT_MAX_BODY : spec.max_body;
  if (typeof maxBody !== 'number' || !Number.isSafeInteger(maxBody) || maxBody < 1)
    return `the http max_body ${JSON.stringify(spec.max_body)} is not a number of bytes`;

  const headers = new Headers();
  const hidden: string[] = [];
  for (const [name, value] of Object.entries(asRecord(spec.headers))) {
    try {
      headers.set(name, String(value));
    } catch {
      return `the header ${JSON.stringify(name)} has an invalid name or value`; // never show the value
    }
    hidden.push(String(value));
  }
  let body: string | undefined;
  if (typeof spec.body === 'string') body = spec.body;
  else if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) return `a ${method} request cannot have a body`;
  return { method, url, headers, timeoutMs, maxBody, hidden, ...(body !== undefined ? { body } : {}) };
}

function targetUrl(spec: Record<string, unknown>, address: string | undefined): URL | string {
  if (typeof spec.url === 'string' && spec.path === undefined) {
    if (!URL.canParse(spec.url)) return `the url is not an absolute URL: ${JSON.stringify(spec.url)}`;
    return new URL(spec.url);
  }
  if (typeof spec.path !== 'string') return 'an http check needs a path (on the service address) or a url';
  if (address === undefined) return `the check requests ${spec.path}, but the service has no address in this environment`;
  const joined = address.replace(/\/+$/, '') + (spec.path.startsWith('/') ? '' : '/') + spec.path;
  if (!URL.canParse(joined)) return `the service address and path do not make a URL: ${JSON.stringify(joined)}`;
  return new URL(joined);
}

/**
 * The body as text, read chunk by chunk; undefined, the rest never read, as soon as it is longer
 * than `limit` bytes (a declared length says so before anything is read).
 */
async function readBody(response: Response, limit: number): Promise<string | undefined> {
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Why `status` does not meet the expectation, or undefined when it does. */
function checkStatus(status: number, expected: unknown): string | undefined {
  if (expected === undefined) return status >= 200 && status <= 299 ? undefined : 'expected 2xx';
  const allowed = (Array.isArray(expected) ? expected : [expected]).map(Number);
  if (allowed.includes(status)) return undefined;
  return `expected ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`}`;
}

/**
 * The problems of one JSON assertion (`{ exists }`, `{ equals }`, `{ matches }`), each phrased for
 * a message. A `matches` runs on a worker thread within MATCH_LIMIT_MS (and stops with `signal`).
 */
async function checkJsonPath(document: unknown, path: string, assertion: unknown, hide: (text: string) => string, signal: AbortSignal): Promise<string[]> {
  const parsed = parseJsonPath(path);
  if (parsed === undefined) return [`${path} is not a JSON path (write ${JSON_PATH_FORMS})`];
  const found = valueAt(document, parsed);
  const got = found.exists ? `got ${hide(showJson(found.value))}` : 'it is missing';
  const spec = asRecord(assertion);
  const problems: string[] = [];
  if (!('exists' in spec) && !('equals' in spec) && !('matches' in spec)) {
    problems.push(`${path} has no assertion (use exists, equals or matches)`);
  }
  if ('exists' in spec && spec.exists !== found.exists) {
    problems.push(spec.exists ? `${path}: expected it to exist, it is missing` : `${path}: expected it to be absent, ${got}`);
  }
  if ('equals' in spec && !(found.exists && isDeepStrictEqual(found.value, spec.equals))) {
    problems.push(`${path}: expected ${showJson(spec.equals)}, ${got}`);
  }
  if ('matches' in spec) {
    const pattern = String(spec.matches);
    const value = found.exists ? found.value : undefined;
    const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    const outcome = text === undefined ? { matched: false } : await matchRegex(pattern, text, MATCH_LIMIT_MS, signal);
    if ('invalid' in outcome) problems.push(`${path}: ${JSON.stringify(pattern)} is not a regular expression`);
    else if ('timedOut' in outcome) {
      problems.push(
        `${path}: matching /${pattern}/ against a value of ${text!.length} characters took longer than ${MATCH_LIMIT_MS}ms, the bound on a match: the pattern backtracks too much (like (a+)+$); make it stricter`,
      );
    } else if ('cancelled' in outcome) problems.push(`${path}: the match for /${pattern}/ was stopped with the check`);
    else if ('failed' in outcome) problems.push(`${path}: the match for /${pattern}/ could not run: ${outcome.failed}`);
    else if (!outcome.matched) problems.push(`${path}: expected a match for /${pattern}/, ${got}`);
  }
  return problems;
}

/** Origin and path only: a query string or credentials may carry a secret from the config. */
function showUrl(url: URL): string {
  return url.origin + url.pathname;
}

/**
 * Blanks the request's header values and the service's secrets (in any form, see Redactor) out
 * of what the server sent back (an echo endpoint or an error page would otherwise print them).
 * Values under 4 characters are left alone: blanking `1` would garble the text while hiding
 * nothing secret.
 */
function hider(hidden: string[], secrets: readonly string[]): (text: string) => string {
  const values = hidden.filter((v) => v.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
  const redactor = new Redactor(secrets);
  return (text) => redactor.redact(values.reduce((out, value) => out.split(value).join('[header value]'), text));
}

function showBody(text: string): string {
  if (text === '') return '(empty)';
  const shown = text.slice(0, BODY_SHOWN);
  return JSON.stringify(shown) + (text.length > BODY_SHOWN ? `… (${text.length} chars)` : '');
}

function showJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** fetch reports every network failure as "fetch failed"; the cause says which one. */
function describeFetchError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
