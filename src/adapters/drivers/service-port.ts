import { isIPv4, isIPv6 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/**
 * The port of this machine a service answers on, as its `address` says: the port its process
 * must be the one listening on. IP addresses are kept as `ipKey`s.
 */
export interface ServicePort {
  port: number;
  /** The local addresses a client of the service's address reaches; absent: any address of this machine. */
  ips?: string[];
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };
/** The IPv6 form of an IPv4 address (`::ffff:a.b.c.d`) as /proc/net/tcp6 writes it, before the IPv4 part. */
export const V4_MAPPED = '00000000000000000000ffff';
const V6_ANY = '0'.repeat(32);
const V4_ANY = `${V4_MAPPED}00000000`;

/**
 * The port `address` leads to on this machine, or undefined when it leads elsewhere (another
 * host), names no port, or is not a URL: then there is no port the process can be checked on.
 */
export function servicePort(address: string | undefined): ServicePort | undefined {
  if (address === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  if (!port) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return { port, ips: [ipKey('127.0.0.1')!, ipKey('::1')!] };
  const key = ipKey(host);
  if (key === undefined) return host === hostname().toLowerCase() ? { port } : undefined;
  // A client of 0.0.0.0 or :: reaches this machine on whichever address listens.
  if (key === V4_ANY || key === V6_ANY) return { port };
  return isLoopback(key) || localAddresses().has(key) ? { port, ips: [key] } : undefined;
}

/**
 * Whether a socket listening on `listener` takes connections to one of `ips` (any when absent).
 * A wildcard takes them all; `::` takes IPv4 too, as it does unless a service asks otherwise.
 */
export function serves(listener: string, ips: readonly string[] | undefined): boolean {
  if (ips === undefined || listener === V6_ANY) return true;
  if (listener === V4_ANY) return ips.some((ip) => ip.startsWith(V4_MAPPED));
  return ips.includes(listener);
}

/** An IP address as 32 hex digits (IPv4 as its IPv4-mapped IPv6 form), so that every spelling compares equal; undefined for a name. */
export function ipKey(ip: string): string | undefined {
  if (isIPv4(ip))
    return (
      V4_MAPPED +
      ip
        .split('.')
        .map((part) => Number(part).toString(16).padStart(2, '0'))
        .join('')
    );
  if (!isIPv6(ip)) return undefined;
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (text: string | undefined) => (text ? text.split(':').flatMap(ipv4Groups) : []);
  const front = groups(head);
  const back = groups(tail);
  const middle = tail === undefined ? [] : Array<string>(8 - front.length - back.length).fill('0');
  return [...front, ...middle, ...back]
    .map((group) => group.padStart(4, '0'))
    .join('')
    .toLowerCase();
}

/** An embedded dotted IPv4 part (`::ffff:1.2.3.4`) as the two groups it stands for. */
function ipv4Groups(group: string): string[] {
  if (!group.includes('.')) return [group];
  const hex = ipKey(group)!.slice(-8);
  return [hex.slice(0, 4), hex.slice(4)];
}

function isLoopback(key: string): boolean {
  return key === `${'0'.repeat(31)}1` || key.startsWith(`${V4_MAPPED}7f`);
}

/** The addresses of this machine's interfaces. */
function localAddresses(): Set<string> {
  const keys = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      const key = ipKey(entry.address.replace(/%.*$/, ''));
      if (key) keys.add(key);
    }
  }
  return keys;
}
