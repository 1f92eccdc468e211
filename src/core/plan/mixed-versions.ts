import type { ContractEdge } from '../contracts/contract-edges.js';
import type { Finding } from '../finding.js';
import type { Manifest } from '../manifest/manifest.js';
import { summarize } from '../contracts/contract-change.js';
import { backwards, edgeName } from './contract-order.js';

/**
 * Which mixed pairings of an edge can exist, given the batch each moving service is in
 * (`batchOf`; a service absent from it keeps its current version throughout).
 *
 * The model: during batch k the services of earlier batches run their new version, those of
 * later batches their old one, and the services of batch k both (a rolling update). A rollback,
 * after any prefix of the plan, undoes batches in reverse order, so each of its moments is a
 * moment of the rollout — except for events: a message outlives the producer version that
 * emitted it (queues, logs, retries), so a consumer reads what any earlier producer version
 * emitted, and a consumer rolled back after the new producer ran reads the new messages.
 */
export function mixedPairings(
  edge: ContractEdge,
  batchOf: ReadonlyMap<string, number>,
): { oldConsumerNewProvider?: 'rollout' | 'rollback'; newConsumerOldProvider?: 'rollout' } {
  const c = batchOf.get(edge.consumer);
  const p = batchOf.get(edge.provider);
  const result: ReturnType<typeof mixedPairings> = {};
  if (edge.oldConsumerNewProvider.length && p !== undefined) {
    if (c === undefined || p <= c) result.oldConsumerNewProvider = 'rollout';
    else if (edge.kind === 'event') result.oldConsumerNewProvider = 'rollback';
  }
  if (edge.newConsumerOldProvider.length && c !== undefined && (edge.kind === 'event' || p === undefined || c <= p)) {
    result.newConsumerOldProvider = 'rollout';
  }
  return result;
}

/**
 * The contract findings of an ordered plan, from the pairings it lets exist: a consumer that
 * does not move and breaks on the new provider (`contract/breaking`), pairings no order avoids
 * (`contract/no-safe-order`, with the expand/contract split that would make it safe), pairings
 * only a rollback creates (`contract/rollback-unsafe`), and providers put first for the new
 * consumers that need them (`contract/needs-provider-first`).
 */
export function mixedVersionFindings(edges: readonly ContractEdge[], batchOf: ReadonlyMap<string, number>, manifest: Manifest, env: string): Finding[] {
  const findings: Finding[] = [];
  const provided = (edge: ContractEdge) =>
    manifest.locate(['services', edge.provider, 'contracts', 'provides', ...(edge.kind === 'event' ? ['events', edge.event!] : [edge.kind])]);
  const consumed = (edge: ContractEdge) =>
    edge.consumedAt ?? manifest.locate(['services', edge.consumer, 'contracts', 'consumes', edge.kind === 'event' ? edge.event! : edge.provider]);
  for (const edge of edges) {
    const { consumer: c, provider: p } = edge;
    const name = edgeName(edge);
    const pairs = mixedPairings(edge, batchOf);
    const oldBreaks = pairs.oldConsumerNewProvider === 'rollout';
    const newBreaks = pairs.newConsumerOldProvider === 'rollout';
    if (oldBreaks && !batchOf.has(c)) {
      findings.push({
        rule: 'contract/breaking',
        severity: 'error',
        service: p,
        env,
        message: `the new ${name} breaks ${c}, which keeps running its current version: ${summarize(edge.oldConsumerNewProvider)}`,
        hint: `keep the old contract in ${p} until ${c} no longer uses it (expand/contract), or change ${c} in this release so it can move first`,
        location: provided(edge),
      });
    } else if (oldBreaks || newBreaks) {
      const broken = [
        ...(oldBreaks ? [`the old ${c} breaks on the new ${name}: ${summarize(edge.oldConsumerNewProvider)}`] : []),
        ...(newBreaks
          ? [
              `the new ${c} ${edge.kind === 'event' ? 'cannot read the messages the old' : 'breaks on the old'} ${name}${edge.kind === 'event' ? ' emits or left queued' : ''}: ${backwards(edge)}`,
            ]
          : []),
      ];
      findings.push({
        rule: 'contract/no-safe-order',
        severity: 'error',
        service: p,
        env,
        message: `no batch order keeps ${c} and ${name} compatible${whyNoOrder(edge, batchOf)}: ${broken.join('; and ')}`,
        hint: expandContract(edge),
        location: provided(edge),
      });
    }
    if (pairs.oldConsumerNewProvider === 'rollback') {
      findings.push({
        rule: 'contract/rollback-unsafe',
        severity: 'warn',
        service: c,
        env,
        message: `rolling back ${c} (batch ${batchOf.get(c)}) after ${p} (batch ${batchOf.get(p)}) has emitted new ${edge.event} messages leaves the old ${c} reading messages it cannot accept: ${summarize(edge.oldConsumerNewProvider)}`,
        hint: `make ${c} accept the new messages in an earlier release, or drain ${edge.event} before rolling ${c} back`,
        location: consumed(edge),
      });
    }
    const cb = batchOf.get(c);
    const pb = batchOf.get(p);
    if (edge.kind !== 'event' && edge.newConsumerOldProvider.length && !newBreaks && !oldBreaks && cb !== undefined && pb !== undefined && pb < cb) {
      findings.push({
        rule: 'contract/needs-provider-first',
        severity: 'info',
        service: c,
        env,
        message: `the new ${c} needs the new ${p}: ${backwards(edge)}; the plan puts ${p} in batch ${pb}, before ${c} in batch ${cb}`,
        location: consumed(edge),
      });
    }
  }
  return findings;
}

/** Why ordering cannot help, in parentheses; nothing when the two breaking pairings say it. */
function whyNoOrder(edge: ContractEdge, batchOf: ReadonlyMap<string, number>): string {
  if (edge.consumer === edge.provider) return ` (both versions of ${edge.provider} run side by side during its own rolling update)`;
  if (edge.kind === 'event' && edge.newConsumerOldProvider.length) return ` (messages outlive the ${edge.provider} version that emitted them)`;
  if (edge.oldConsumerNewProvider.length && edge.newConsumerOldProvider.length) return '';
  const batch = (name: string) => (batchOf.has(name) ? `batch ${batchOf.get(name)}` : 'not moving');
  return ` (the orders the contracts need contradict each other or depends_on; ${edge.consumer}: ${batch(edge.consumer)}, ${edge.provider}: ${batch(edge.provider)})`;
}

/** The expand/contract split that makes the change safe to roll out. */
function expandContract(edge: ContractEdge): string {
  const { consumer: c, provider: p } = edge;
  if (edge.kind === 'event') {
    return `split it: first release ${c} accepting both the old and the new ${edge.event} messages, then ${p} emitting the new ones, then drop the old shape from ${c}`;
  }
  if (c === p) return `split it: first release ${p} accepting both the old and the new contract, then one that uses only the new`;
  return `split it (expand/contract): first release ${p} serving both the old and the new contract, then ${c}, then remove from ${p} what only the old ${c} used`;
}
