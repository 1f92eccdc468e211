/**
 * The forms a secret travels in, each made by its own encoder (never by tranche's redactor), and
 * a search for all of them: what the redactor's tests and the secret-leak sweep look for.
 */

const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/** The secret in the path of a URL, as a URL parser writes it. */
export function urlPath(s: string): string {
  const url = new URL('http://host/');
  url.pathname = `/${s}`;
  return url.pathname.slice(1);
}

/** A URL parser drops tabs and line breaks and resolves `.` segments: such a secret's path is another text. */
export function changesInPath(s: string): boolean {
  return /[.\t\n\r]/.test(s);
}

function urlPassword(s: string): string {
  const url = new URL('http://user@host/');
  url.password = s;
  return url.password;
}

const asciiJson = (s: string) =>
  JSON.stringify(s)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every form a secret is written in that must never be seen. */
export const FORMS: Record<string, (s: string) => string> = {
  'as written': (s) => s,
  encodeURIComponent: (s) => encodeURIComponent(s),
  'encodeURIComponent, lower-case hex': (s) => lowerHex(encodeURIComponent(s)),
  'form encoding (+ for a space)': (s) => new URLSearchParams({ v: s }).toString().slice(2),
  'form encoding, lower-case hex': (s) => lowerHex(new URLSearchParams({ v: s }).toString().slice(2)),
  encodeURI: (s) => encodeURI(s),
  'URL-encoded twice': (s) => encodeURIComponent(encodeURIComponent(s)),
  'a URL path, as a URL parser writes it': urlPath,
  'a URL password, as a URL parser writes it': urlPassword,
  'JSON string': (s) => JSON.stringify(s).slice(1, -1),
  'JSON string of a JSON string': (s) => JSON.stringify(JSON.stringify(s)).slice(1, -1),
  'JSON string, ASCII only (\\u escapes)': asciiJson,
  base64: (s) => Buffer.from(s).toString('base64'),
  'base64 without padding': (s) => Buffer.from(s).toString('base64').replace(/=+$/, ''),
  base64url: (s) => Buffer.from(s).toString('base64url'),
};

/** Whether any base64 run of `text`, read from any of its first 4 characters, decodes to bytes holding `secret`. */
export function base64Holds(text: string, secret: string): boolean {
  const bytes = Buffer.from(secret);
  for (const run of text.match(/[A-Za-z0-9+/_-]{4,}={0,2}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      if (Buffer.from(run.slice(skip).replace(/-/g, '+').replace(/_/g, '/'), 'base64').includes(bytes)) return true;
    }
  }
  return false;
}

/** The names of the forms of `secret` that `text` holds: empty when it holds none. */
export function formsIn(text: string, secret: string): string[] {
  const found = Object.entries(FORMS)
    .filter(([, encode]) => !(encode === urlPath && changesInPath(secret)))
    .filter(([, encode]) => text.includes(encode(secret)))
    .map(([name]) => name);
  return base64Holds(text, secret) ? [...found, 'base64 inside a longer base64 value'] : found;
}
