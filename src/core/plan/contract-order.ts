import { summarize } from '../contracts/contract-change.js';
import type { ContractEdge } from '../contracts/contract-edges.js';
import type { Manifest } from '../manifest/manifest.js';
import { cyclicGroups } from './cycles.js';

/** `before` must finish its batch before `after` starts; `reason` is the line the plan shows. */
export interface OrderConstraint {
  before: string;
  after: string;
  reason: string;
}

/**
 * The batch orders the contracts ask for, between services that both move (their code changes).
 * For an HTTP or gRPC edge whose old consumer breaks on the new provider while the new consumer works
 * with the old provider, the consumer goes first; in the opposite case the provider goes first.
 * An event consumer always goes first when the old one cannot read the new messages: queued
 * messages outlive the producer version that wrote them, so the producer cannot go first. When
 * both pairings break, or the constraints contradict each other (a cycle, `depends_on`
 * included), no constraint is kept: `mixedVersionFindings` then reports the pairs the order
 * cannot avoid. A contract constraint takes precedence over a `depends_on` in the opposite
 * direction between the same two services, and says so.
 */
export function contractConstraints(
  edges: readonly ContractEdge[],
  moving: ReadonlySet<string>,
  inPlan: ReadonlySet<string>,
  manifest: Manifest,
): OrderConstraint[] {
  let constraints: OrderConstraint[] = [];
  for (const edge of edges) {
    const { consumer, provider } = edge;
    if (consumer === provider || !moving.has(consumer) || !moving.has(provider)) continue;
    const oldBreaks = edge.oldConsumerNewProvider.length > 0;
    const newBreaks = edge.newConsumerOldProvider.length > 0;
    if (oldBreaks && !newBreaks) {
      const overrides = manifest.services.get(consumer)?.depends_on.includes(provider) ? `; ${consumer} goes first although it depends_on ${provider}` : '';
      constraints.push({
        before: consumer,
        after: provider,
        reason: `contract: the old ${consumer} breaks on the new ${edgeName(edge)}: ${summarize(edge.oldConsumerNewProvider)}${overrides}`,
      });
    } else if (newBreaks && !oldBreaks && edge.kind !== 'event') {
      constraints.push({
        before: provider,
        after: consumer,
        reason: `contract/needs-provider-first: the new ${consumer} needs the new ${edgeName(edge)}: ${backwards(edge)}`,
      });
    }
  }
  for (;;) {
    const inCycle = cyclicGroups([...inPlan], (name) => predecessors(name, constraints, inPlan, manifest));
    const kept = constraints.filter((c) => !inCycle.some((group) => group.has(c.before) && group.has(c.after)));
    if (kept.length === constraints.length) return constraints;
    constraints = kept;
  }
}

/**
 * The services that must be placed before `name`: the `depends_on` it has among the services
 * of the plan (unless a contract constraint reverses one), and its contract constraints.
 */
export function predecessors(name: string, constraints: readonly OrderConstraint[], inPlan: ReadonlySet<string>, manifest: Manifest): string[] {
  const reversed = new Set(constraints.filter((c) => c.before === name).map((c) => c.after));
  const deps = (manifest.services.get(name)?.depends_on ?? []).filter((d) => inPlan.has(d) && !reversed.has(d));
  return [...new Set([...deps, ...constraints.filter((c) => c.after === name).map((c) => c.before)])];
}

/** `payments`, `payments (gRPC)` or `payments (event order.created)`. */
export function edgeName(edge: ContractEdge): string {
  if (edge.kind === 'grpc') return `${edge.provider} (gRPC)`;
  return edge.kind === 'event' ? `${edge.provider} (event ${edge.event})` : edge.provider;
}

/**
 * What the new consumer misses at the old provider. The changes read from the new contract back
 * to the old one (`POST /refunds removed`), and the wording says so.
 */
export function backwards(edge: ContractEdge): string {
  return `going back to the old contract, ${summarize(edge.newConsumerOldProvider)}`;
}
