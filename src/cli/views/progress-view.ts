import type { RolloutEvent } from '../../engine/rollout-events.js';
import type { Output } from '../io.js';

/**
 * Renders rollout events as they come: one line each, prefixed with the elapsed time, on stderr
 * (stdout stays for the result). With --json nothing is printed live; the events are kept for the
 * final document.
 */
export function progressPrinter(out: Output, json: boolean, start = performance.now()): { emit(event: RolloutEvent): void; events: RolloutEvent[] } {
  const events: RolloutEvent[] = [];
  return {
    events,
    emit(event) {
      events.push(event);
      if (json) return;
      const line = describe(event);
      if (line) out.write(`[${((performance.now() - start) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
    },
  };
}

function describe(e: RolloutEvent): string | undefined {
  switch (e.type) {
    case 'release':
      // How it ended is the command's result, printed once on stdout.
      return e.phase === 'started' ? `release ${e.releaseId} of ${e.env} started` : undefined;
    case 'batch':
      return `batch ${e.batch}/${e.total} (${e.kind}) ${e.phase}: ${e.services.join(', ')}`;
    case 'step':
      return `  ${e.action} ${e.service} ${e.phase}${e.detail ? `: ${e.detail}` : ''}`;
    case 'gate':
      return `  ${e.gate} ${e.phase}${e.detail ? `: ${e.detail}` : ''}`;
    case 'check':
      return e.ok ? undefined : `    ✗ ${e.service}: ${e.name}: ${e.message}`;
    case 'note':
      return `  ${e.message}`;
  }
}
