/** A store location fit for a message: a URL's password, if any, replaced by `***`. */
export function redactUrl(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // Not a URL (a path, a bare name), or one too broken to find its password in: then show
    // nothing after the scheme if it might hold credentials.
    if (!location.includes('@')) return location;
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(location)?.[0];
    return scheme ? `${scheme}//…` : '…';
  }
  if (url.password === '') return location;
  url.password = '***';
  return url.toString();
}
