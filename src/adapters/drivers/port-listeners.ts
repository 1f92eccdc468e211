import { readdir, readFile, readlink } from 'node:fs/promises';
import { readStat } from './process-group.js';
import { serves, V4_MAPPED, type ServicePort } from './service-port.js';

/** A TCP socket in the LISTEN state, as `/proc/net/tcp{,6}` lists it. */
export interface ListeningSocket {
  /** The local address, as an `ipKey`. */
  ip: string;
  port: number;
  /** The socket's inode: `/proc/<pid>/fd/<n>` links to `socket:[inode]` in every process holding it. */
  inode: string;
}

/** Who listens on a service's port. */
export interface PortListeners {
  listening: boolean;
  /** Whether a listener belongs to the service: its process, its process group, or a process it started. */
  ours: boolean;
  /** A listener that does not: the lowest pid holding it and its command name, when the OS tells them. */
  foreign?: { pid?: number; name?: string };
}

const LISTEN = '0A';

/**
 * Who listens on `port`, read from /proc without spawning anything (Linux); undefined where the
 * OS does not tell. `service`: the pid of the service's process, whose group and descendants are
 * the service. The usual answer (the service's process itself holds every listening socket)
 * reads three files and one fd directory; the whole process table is read only otherwise.
 */
export async function portListeners(port: ServicePort, service?: number): Promise<PortListeners | undefined> {
  const sockets = await listeningSockets();
  if (sockets === undefined) return undefined;
  const open = new Set(sockets.filter((s) => s.port === port.port && serves(s.ip, port.ips)).map((s) => s.inode));
  if (!open.size) return { listening: false, ours: false };
  let ours = false;
  const claim = async (pid: number): Promise<boolean> => {
    let found = false;
    for (const inode of (await socketInodes(pid)) ?? []) if (open.delete(inode)) found = true;
    return found;
  };
  if (service !== undefined && (await claim(service))) ours = true;
  if (!open.size) return { listening: true, ours };
  const table = await processTable();
  const family = service === undefined ? new Set<number>() : familyOf(service, table);
  for (const pid of family) if (pid !== service && (await claim(pid))) ours = true;
  if (!open.size) return { listening: true, ours };
  for (const pid of [...table.keys()].sort((a, b) => a - b)) {
    if (family.has(pid) || !(await claim(pid))) continue;
    const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    return { listening: true, ours, foreign: { pid, ...(name ? { name } : {}) } };
  }
  // Held, but by no process whose descriptors tranche may read (another user's, another namespace).
  return { listening: true, ours, foreign: {} };
}

/** Every listening TCP socket of this network namespace; undefined where there is no /proc/net/tcp. */
export async function listeningSockets(): Promise<ListeningSocket[] | undefined> {
  const v4 = await readFile('/proc/net/tcp', 'utf8').catch(() => undefined);
  if (v4 === undefined) return undefined;
  // No tcp6 file: IPv6 is off.
  const v6 = await readFile('/proc/net/tcp6', 'utf8').catch(() => '');
  return [...parseProcNetTcp(v4), ...parseProcNetTcp(v6)];
}

/**
 * The listening sockets of a `/proc/net/tcp` or `/proc/net/tcp6` text. Addresses are written as
 * hex 32-bit words in the host's byte order (little-endian on every platform tranche runs on),
 * ports as big-endian hex.
 */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, state, inode] = [fields[1], fields[3], fields[9]];
    if (state !== LISTEN || local === undefined || inode === undefined || inode === '0') continue;
    const [hexIp, hexPort] = local.split(':');
    if (hexIp === undefined || hexPort === undefined || (hexIp.length !== 8 && hexIp.length !== 32)) continue;
    const words = (hexIp.match(/.{8}/g) ?? []).map((word) => (word.match(/../g) ?? []).reverse().join(''));
    const ip = (hexIp.length === 8 ? `${V4_MAPPED}${words[0]}` : words.join('')).toLowerCase();
    sockets.push({ ip, port: parseInt(hexPort, 16), inode });
  }
  return sockets;
}

/** The inodes of the sockets `pid` holds open; undefined when its descriptors cannot be read. */
async function socketInodes(pid: number): Promise<string[] | undefined> {
  const dir = `/proc/${pid}/fd`;
  const fds = await readdir(dir).catch(() => undefined);
  if (fds === undefined) return undefined;
  const links = await Promise.all(fds.map((fd) => readlink(`${dir}/${fd}`).catch(() => '')));
  return links.flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? []);
}

/** Every live process: its parent and process group. */
async function processTable(): Promise<Map<number, { ppid: number; pgrp: number }>> {
  const table = new Map<number, { ppid: number; pgrp: number }>();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      const stat = await readStat(Number(entry));
      if (stat && stat.state !== 'Z') table.set(Number(entry), { ppid: stat.ppid, pgrp: stat.pgrp });
    }),
  );
  return table;
}

/** `pid`, the members of the process group it leads, and every process they started. */
function familyOf(pid: number, table: Map<number, { ppid: number; pgrp: number }>): Set<number> {
  const family = new Set([pid, ...[...table].filter(([, p]) => p.pgrp === pid).map(([member]) => member)]);
  const children = new Map<number, number[]>();
  for (const [child, { ppid }] of table) {
    const siblings = children.get(ppid);
    if (siblings) siblings.push(child);
    else children.set(ppid, [child]);
  }
  const queue = [...family];
  while (queue.length) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (family.has(child)) continue;
      family.add(child);
      queue.push(child);
    }
  }
  return family;
}
