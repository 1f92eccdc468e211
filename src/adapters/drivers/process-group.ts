import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Who a process is, recorded when tranche starts it, so that its pid, once reused by some other
 * process, is never taken for it (and never signalled).
 */
export interface ProcessIdentity {
  pid: number;
  command: string[];
  /** Linux: when the process started, in clock ticks since boot (`/proc/<pid>/stat`, field 22). */
  startTime?: string;
  /** Linux: the boot that `startTime` counts from. */
  bootId?: string;
}

const LINUX = process.platform === 'linux';
const POLL_MS = 10;

/**
 * Starts `command` detached from tranche: its own session and process group (so it outlives
 * tranche and can be stopped as a whole), no stdin, stdout and stderr to the open file `output`.
 * Resolves once the command runs; rejects when it cannot be started (not found, not executable).
 */
export function spawnDetached(command: readonly string[], options: { cwd: string; env: Record<string, string>; output: number }): Promise<ChildProcess> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', options.output, options.output] });
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      child.unref();
      resolve(child);
    });
  });
}

/** The identity of the running process `pid`, started as `command`. */
export async function identifyProcess(pid: number, command: readonly string[]): Promise<ProcessIdentity> {
  const identity: ProcessIdentity = { pid, command: [...command] };
  if (LINUX) {
    const [stat, bootId] = await Promise.all([readStat(pid), readBootId()]);
    if (stat && bootId) Object.assign(identity, { startTime: stat.startTime, bootId });
  }
  return identity;
}

/**
 * Whether the process recorded as `identity` still runs. On Linux its start time (and boot) must
 * match, which tells a reused pid apart exactly; the command line is compared only for a record
 * without a start time, because services that set their process title (npm, nginx…) rewrite it.
 */
export async function isSameProcess(identity: ProcessIdentity): Promise<boolean> {
  if (!isValidPid(identity.pid) || !(await isAlive(identity.pid))) return false;
  if (!LINUX) return true;
  if (identity.startTime !== undefined && identity.bootId !== undefined) {
    const [stat, bootId] = await Promise.all([readStat(identity.pid), readBootId()]);
    return stat?.startTime === identity.startTime && bootId === identity.bootId;
  }
  const cmdline = await readFile(`/proc/${identity.pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return false;
  const argv = cmdline.split('\0');
  if (argv.at(-1) === '') argv.pop();
  return argv.join('\0') === identity.command.join('\0') || argv.join(' ').trim() === identity.command.join(' ');
}

/** How a process group was stopped. */
export type StopOutcome = 'gone' | 'terminated' | 'killed';

/**
 * Stops the process group led by `pid`: SIGTERM, up to `graceMs` to exit, then SIGKILL. Resolves
 * once no live process is left in the group; rejects when one survives SIGKILL.
 */
export async function stopProcessGroup(pid: number, graceMs = 5000): Promise<StopOutcome> {
  if (!isValidPid(pid)) throw new Error(`internal error: refusing to signal process group ${pid}`);
  if (!(await groupAlive(pid))) return 'gone';
  await signalGroup(pid, 'SIGTERM');
  if (await waitForGroupExit(pid, graceMs)) return 'terminated';
  await signalGroup(pid, 'SIGKILL');
  if (await waitForGroupExit(pid, 2000)) return 'killed';
  throw new Error(`process group ${pid} is still running after SIGKILL`);
}

/** Whether `pid` is a live process: one that exists and has not exited (a zombie has). */
async function isAlive(pid: number): Promise<boolean> {
  if (!isValidPid(pid)) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!LINUX) return true;
  const stat = await readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function isValidPid(pid: unknown): pid is number {
  // 0, 1 and negative numbers mean "my group", init, or a whole group to kill(): never a recorded process.
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1 && pid !== process.pid;
}

async function signalGroup(pid: number, signal: NodeJS.Signals): Promise<void> {
  // A process that moved itself out of the group it was started in is signalled alone.
  const stat = LINUX ? await readStat(pid) : undefined;
  const target = stat && stat.pgrp !== pid ? pid : -pid;
  try {
    process.kill(target, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForGroupExit(pid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (!(await groupAlive(pid))) return true;
    if (performance.now() >= deadline) return false;
    await delay(POLL_MS);
  }
}

/**
 * Whether a live process is left in the group `pgid`. kill(-pgid, 0) also succeeds while only
 * zombies are left (exited, not reaped: common when a container's PID 1 does not reap orphans),
 * so on Linux the members are looked up in /proc.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return isAlive(pgid);
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
  if (!LINUX || (await isAlive(pgid))) return true;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

/** What tranche reads of `/proc/<pid>/stat` (Linux). */
export interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  startTime: string;
}

/** `/proc/<pid>/stat` of a process; undefined when it does not exist (or elsewhere than Linux). */
export async function readStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgrp] = fields;
  const startTime = fields[19];
  if (state === undefined || ppid === undefined || pgrp === undefined || startTime === undefined) return undefined;
  return { state, ppid: Number(ppid), pgrp: Number(pgrp), startTime };
}

let bootIdOnce: Promise<string | undefined> | undefined;
function readBootId(): Promise<string | undefined> {
  bootIdOnce ??= readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  return bootIdOnce;
}

/**
 * Live processes whose working directory is inside `dir` (Linux; elsewhere none are found). A
 * service started by the local driver runs in its release directory, so this finds it even when
 * tranche died before recording it — a process that nothing else would ever stop.
 */
export async function processesUnder(dir: string): Promise<{ pid: number; cwd: string }[]> {
  if (!LINUX) return [];
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const found: { pid: number; cwd: string }[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      const pid = Number(entry);
      if (!isValidPid(pid)) return;
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
      if (cwd?.startsWith(prefix) && (await isAlive(pid))) found.push({ pid, cwd });
    }),
  );
  return found.sort((a, b) => a.pid - b.pid);
}
