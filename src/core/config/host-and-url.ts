import { isIP } from 'node:net';
import { clip, quote } from './coerce-result.js';

// --- host ----------------------------------------------------------------------------------------

/**
 * Why `s` is not a hostname or IP address, if it is not. Hostnames follow RFC 1123, except that
 * underscores are allowed: Docker Compose service names such as `my_db` resolve in practice.
 */
export function hostProblem(s: string): string | undefined {
  if (isIP(s) !== 0) return undefined;
  const hostOnly = (candidate: string | undefined) => (candidate && hostProblem(candidate) === undefined ? ` (did you mean ${candidate}?)` : '');

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    let host: string | undefined;
    try {
      host = unbracket(new URL(s).hostname);
    } catch {
      host = undefined;
    }
    return `a host has no scheme${hostOnly(host)}`;
  }
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const before = s.slice(0, slash);
    return `a host has no path${hostOnly(hostProblem(before) === undefined ? before : withoutPort(before))}`;
  }
  const bracketed = /^\[([^\]]*)\](:\d*)?$/.exec(s);
  if (bracketed && isIP(bracketed[1]!) === 6) {
    return bracketed[2] ? `a host has no port${hostOnly(bracketed[1])}` : `an IPv6 address is written without brackets${hostOnly(bracketed[1])}`;
  }
  const port = withoutPort(s);
  if (port !== undefined && hostProblem(port) === undefined) return `a host has no port${hostOnly(port)}`;
  if ((s.match(/:/g)?.length ?? 0) >= 2 && /^[0-9a-f:.%]+$/i.test(s)) return 'it is not a valid IPv6 address';

  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  const bad = Array.from(name).find((ch) => !/[A-Za-z0-9_.-]/.test(ch));
  if (bad !== undefined) return `${quote(bad)} is not allowed in a hostname (only letters, digits, hyphens, underscores and dots)`;
  if (name.length > 253) return `it is ${name.length} characters long, and a hostname has at most 253`;
  const labels = name.split('.');
  for (const label of labels) {
    if (label === '') return 'it has an empty label (two dots in a row, or a leading dot)';
    if (label.length > 63) return `the label ${quote(clip(label))} is ${label.length} characters long, and a label has at most 63`;
    if (label.startsWith('-')) return `the label ${quote(label)} starts with a hyphen`;
    if (label.endsWith('-')) return `the label ${quote(label)} ends with a hyphen`;
  }
  if (/^[0-9.]+$/.test(name)) return 'it is not a valid IPv4 address';
  const last = labels[labels.length - 1]!;
  if (/^\d+$/.test(last)) return `its last label ${quote(last)} is all digits`;
  return undefined;
}

/** `db` from `db:5432`, when that is the shape. */
function withoutPort(s: string): string | undefined {
  const m = /^([^:]+):\d+$/.exec(s);
  return m ? m[1] : undefined;
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

// --- url -----------------------------------------------------------------------------------------

/** Schemes whose URLs legitimately look like `name:digits`. */
const OPAQUE_SCHEMES = new Set(['tel', 'sms', 'urn', 'mailto', 'data', 'fax']);

/** The rest of the sentence after the quoted value when `s` is not an absolute URL. */
export function urlProblem(s: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s);
  const hostAndPort = /^([a-z0-9.-]+):(\d+)(?:[/?#]|$)/i.exec(s);
  const looksLikeHostPort = hostAndPort !== null && !OPAQUE_SCHEMES.has(hostAndPort[1]!.toLowerCase()) && Number(hostAndPort[2]) <= 65535;
  if (!scheme || looksLikeHostPort) {
    const example = /^[A-Za-z0-9[]/.test(s) ? ` (e.g. http://${s})` : '';
    return `is not a URL: it has no scheme${example}`;
  }
  try {
    new URL(s);
    return undefined;
  } catch {
    if (/^[a-z][a-z0-9+.-]*:\/\/(?:[/?#]|$)/i.test(s)) return 'is not a URL: it has no host';
    if (/\s/.test(s)) return 'is not a valid URL: it contains whitespace';
    const port = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(s);
    if (port && Number(port[1]) > 65535) return `is not a valid URL: port ${port[1]} is out of range (0-65535)`;
    return 'is not a valid URL';
  }
}
