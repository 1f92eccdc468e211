import { redactSecrets } from '../config/redact-secrets.js';
import type { RuleId } from '../rules/rule-ids.js';

/**
 * What a driver tells of the process it started for a service: a batch's gates pass only while
 * that process is alive and is the one listening on the service's port (PRODUCT §6). Plain data,
 * never a secret (the log lines are redacted before anyone reads them: `livenessProblem`).
 */
export type Liveness =
  /** Alive; with `port`, it (or a process it started) is what listens there. Without: no port to check. */
  | { state: 'up'; pid: number; port?: number }
  /** Alive, but nothing listens on its port yet: still starting. */
  | { state: 'not-listening'; pid: number; port: number }
  /**
   * Another process listens on the service's port: `holder` (and its command name) when the OS
   * tells which; `pid` is the service's own process, absent when the driver did not start it
   * because the port was taken.
   */
  | { state: 'port-in-use'; port: number; holder?: number; holderName?: string; pid?: number }
  /**
   * The process is gone (`pid` absent: the driver has none recorded): its exit code or signal
   * when the driver saw it end, and the last lines of its log.
   */
  | { state: 'exited'; pid?: number; code?: number; signal?: string; lastLines: string[]; logFile?: string }
  /** The driver cannot tell which process serves (the exec driver: that is its command's business). */
  | { state: 'unknown' };

/** A liveness that fails the gates whatever the checks say. */
export type ServiceDown = Extract<Liveness, { state: 'exited' | 'port-in-use' }>;

/** The rule a process that is not the one serving its port breaks, and what to tell the operator. */
export interface LivenessProblem {
  rule: Extract<RuleId, 'check/exited' | 'check/port-in-use'>;
  /** One line: the cause. */
  headline: string;
  /** The headline and, for a process that exited, the last lines of its log. */
  message: string;
  hint: string;
}

export function isDown(liveness: Liveness): liveness is ServiceDown {
  return liveness.state === 'exited' || liveness.state === 'port-in-use';
}

/**
 * Why `service` is down, as its finding says it, with every secret of the service redacted (a
 * service may print its config before dying).
 */
export function livenessProblem(service: string, down: ServiceDown, secrets: readonly string[]): LivenessProblem {
  const clean = (text: string) => redactSecrets(text, secrets);
  if (down.state === 'port-in-use') {
    const holder =
      down.holder === undefined
        ? "another process, which the OS does not name to tranche (another user's, or in another namespace)"
        : `another process: pid ${down.holder}${down.holderName ? ` (${down.holderName})` : ''}`;
    const own = down.pid === undefined ? `, so ${service} was not started` : `, not by ${service}'s process (pid ${down.pid})`;
    const headline = clean(`port ${down.port} of ${service} is held by ${holder}${own}`);
    const what = down.holder === undefined ? `what holds port ${down.port}` : `pid ${down.holder}`;
    return { rule: 'check/port-in-use', headline, message: headline, hint: `stop ${what}, or give ${service} a port of its own` };
  }
  const how = down.signal
    ? `was killed by ${down.signal}`
    : down.code !== undefined
      ? `exited with code ${down.code}`
      : 'exited (with what code is not known: an earlier tranche run started it)';
  const headline = down.pid === undefined ? `${service} has no process running: none is recorded for it` : `${service}'s process (pid ${down.pid}) ${how}`;
  const where = down.logFile ? ` (${down.logFile})` : '';
  // Each line is cleared of secrets before it is cut, so that no part of one is left at the cut.
  const lines = down.lastLines.map((line) => cut(clean(line)));
  const message = lines.length
    ? `${headline}; last lines of its log${where}:\n${lines.map((line) => `  ${line}`).join('\n')}`
    : `${headline}; its log${where} holds nothing since it started`;
  return { rule: 'check/exited', headline: clean(headline), message: clean(message), hint: `read why it stopped in its log${where}, fix it and deploy again` };
}

/** Longest log line quoted whole: a process printing one huge line must not flood a finding. */
const LONGEST_LINE = 500;

const cut = (line: string) => (line.length > LONGEST_LINE ? `${line.slice(0, LONGEST_LINE)}…` : line);

/** One line saying that `service` is up, for the record of the gate that saw it. */
export function describeUp(up: Extract<Liveness, { state: 'up' }>): string {
  return up.port === undefined ? `pid ${up.pid} is alive` : `pid ${up.pid} is alive and listens on port ${up.port}`;
}
