/** A parameter of a connection string that may carry a credential (password, sslpassword, token, …). */
const CREDENTIAL = /pass|secret|token|key/i;

/**
 * A store location fit for a message: a URL's password, and the value of every query parameter
 * that may carry a credential (`?password=`), replaced by `***`; in a key=value connection string
 * (libpq's `host=… password=…`), the value of every such key.
 */
export function redactUrl(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    if (/^\s*[\w-]+\s*=/.test(location))
      return location.replace(/([\w-]+)(\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)/g, (all, key: string, eq: string) => (CREDENTIAL.test(key) ? `${key}${eq}***` : all));
    // Not a URL (a path, a bare name), or one too broken to find its password in: then show
    // nothing after the scheme if it might hold credentials.
    if (!location.includes('@') && !location.includes('?')) return location;
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(location)?.[0];
    return scheme ? `${scheme}//…` : '…';
  }
  let hidden = false;
  if (url.password !== '') {
    url.password = '***';
    hidden = true;
  }
  for (const name of new Set(url.searchParams.keys())) {
    if (!CREDENTIAL.test(name)) continue;
    url.searchParams.set(name, '***');
    hidden = true;
  }
  return hidden ? url.toString() : location;
}
