import { readPort } from './tcp-check.js';

/** One broker: where it listens. */
export interface Address {
  host: string;
  port: number;
}

/**
 * A list of `host:port` (a port left out is `defaultPort`; an IPv6 host in brackets), given as
 * an array or as one string with commas or spaces between them, the way a bootstrap list is
 * usually kept in one config value. A message when an entry is not one.
 */
export function readAddresses(value: unknown, defaultPort: number, what: string): Address[] | string {
  const entries = (Array.isArray(value) ? value : [value]).flatMap((item) => (typeof item === 'string' ? item.split(/[\s,]+/) : [item]));
  const texts = entries.filter((entry) => entry !== '');
  if (texts.length === 0) return `the ${what} list is empty`;
  const addresses: Address[] = [];
  for (const text of texts) {
    if (typeof text !== 'string') return `the ${what} list holds ${JSON.stringify(text)}, not host:port`;
    const match = /^(\[[^\]]+\]|[^:[\]/@]+)(?::([^:]*))?$/.exec(text);
    if (!match) return `${JSON.stringify(text)} in the ${what} list is not host:port`;
    const port = match[2] === undefined ? defaultPort : readPort(match[2]);
    if (port === undefined) return `${JSON.stringify(text)} in the ${what} list has no valid port (1-65535)`;
    addresses.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return addresses;
}

/** `host:port`, with an IPv6 host in brackets. */
export function showAddress({ host, port }: Address): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
