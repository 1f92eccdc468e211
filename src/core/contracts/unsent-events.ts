import type { Finding } from '../finding.js';
import { producerOf, type FleetContracts } from './fleet-contracts.js';

/**
 * Events a service reads that no service of the fleet emits, as `manifest/invalid` findings where
 * the consumption is declared (the manifest entry, or the AsyncAPI operation that receives):
 * once AsyncAPI documents name events, only the read contracts know every event of the fleet.
 * `manifestToo` also reports the manifest's own entries (when the manifest check could not).
 */
export function unsentEvents(fleet: FleetContracts, manifestToo: boolean): Finding[] {
  const findings: Finding[] = [];
  for (const [consumer, contracts] of fleet) {
    for (const [event, how] of contracts.consumes) {
      if (!how.event || !how.declaredAt || producerOf(fleet, event) !== undefined) continue;
      if (how.document === undefined && !manifestToo) continue;
      findings.push({
        rule: 'manifest/invalid',
        severity: 'error',
        service: consumer,
        message: how.document
          ? `${consumer} receives from channel ${event} (${how.document}), which no service sends to`
          : `${consumer} consumes the event ${event}, which no service provides`,
        location: how.declaredAt,
      });
    }
  }
  return findings;
}
