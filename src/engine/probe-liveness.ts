import { isDown, livenessProblem, type Liveness } from '../core/checks/liveness.js';
import { redactSecrets } from '../core/config/redact-secrets.js';
import type { RuleId } from '../core/rules/rule-ids.js';
import type { ResolvedService } from './resolve-service.js';

/** How the gates record the service's process itself among its checks. */
export const PROCESS_CHECK = 'process';

/** What fails a gate: the rule it breaks, the check, what was seen, and one line for the release's summary. */
export interface CheckFailure {
  rule: Extract<RuleId, 'check/failed' | 'check/exited' | 'check/port-in-use'>;
  /** The check's name; `process` for the service's process itself. */
  check: string;
  /** What was seen, as the record and the progress show it (for a dead process, with the end of its log). */
  message: string;
  /** The cause in one line. */
  headline: string;
  hint?: string;
}

/** What the gates learn of a service's process at one moment. */
export type Probe =
  /** Up (`up` absent: the driver cannot tell, and the checks alone decide). */
  | { ready: true; up?: Extract<Liveness, { state: 'up' }> }
  /** Alive, but nothing listens on its port. */
  | { ready: false; pid: number; port: number }
  /** Not the one serving its port, whatever the checks say. */
  | { down: CheckFailure };

/** Asks the driver how `service`'s process is (`liveness`: `Driver.liveness`, absent for no driver). */
export async function probeLiveness(service: ResolvedService, liveness: ((service: ResolvedService) => Promise<Liveness>) | undefined): Promise<Probe> {
  if (!liveness) return { ready: true };
  let seen: Liveness;
  try {
    seen = await liveness(service);
  } catch (error) {
    const message = redactSecrets(`cannot tell whether its process runs: ${error instanceof Error ? error.message : String(error)}`, service.secrets);
    return { down: { rule: 'check/failed', check: PROCESS_CHECK, message, headline: message } };
  }
  if (isDown(seen)) {
    const problem = livenessProblem(service.service.name, seen, service.secrets);
    return { down: { ...problem, check: PROCESS_CHECK } };
  }
  if (seen.state === 'not-listening') return { ready: false, pid: seen.pid, port: seen.port };
  return seen.state === 'up' ? { ready: true, up: seen } : { ready: true };
}

/** A check that failed, as a gate reports it. */
export function checkFailed(gate: string, check: string, message: string): CheckFailure {
  return { rule: 'check/failed', check, message, headline: `${gate} check "${check}" failed: ${message}` };
}

/** A process that is alive but does not listen on its port when the gate must move on. */
export function notListening(service: string, probe: { pid: number; port: number }, answered: boolean): CheckFailure {
  const message = answered
    ? `${service}'s process (pid ${probe.pid}) does not listen on port ${probe.port}, and nothing else on this machine does: what answered its checks is not ${service}`
    : `${service}'s process (pid ${probe.pid}) is alive but does not listen on port ${probe.port}`;
  return { rule: 'check/failed', check: PROCESS_CHECK, message, headline: message, hint: `make ${service} listen on the port of its address` };
}
