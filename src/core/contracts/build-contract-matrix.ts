import { summarize, type ContractChange } from './contract-change.js';
import type { ContractEdge } from './contract-edges.js';
import type { Consumption, FleetContracts, ProvidedSpec } from './fleet-contracts.js';

/**
 * A service's version in the matrix: the commit it runs and the fleet's contracts there (less
 * those of the services in `unreadable`, with why), or why that revision cannot be read at all.
 */
export type MatrixVersion = { commit: string; fleet: FleetContracts; unreadable?: ReadonlyMap<string, string> } | { commit: string; problem: string };

/** What a cell of the matrix says of one pairing of versions. */
type PairingStatus = 'ok' | 'breaks' | 'not-running' | 'unused' | 'unreadable' | 'unknown';

/**
 * One pairing of a consumer version with a provider version. `breaks` carries the breaking
 * changes the consumer meets (narrowed to what it uses) and `reason` their summary; `not-running`,
 * `unused` (that consumer version does not consume it), `unreadable` (a side's contracts cannot
 * be read at the commit it runs) and `unknown` (no contract to judge by) say why in `reason`.
 */
export interface PairingCell {
  status: PairingStatus;
  reason?: string;
  changes?: ContractChange[];
}

/** The four pairings of a consumer and a provider, named as `ContractEdge` names the mixed ones. */
export const PAIRINGS = ['oldConsumerOldProvider', 'oldConsumerNewProvider', 'newConsumerOldProvider', 'newConsumerNewProvider'] as const;
export type Pairing = (typeof PAIRINGS)[number];

/**
 * A consumer → provider pair of the fleet with its versions in the environment (`deployed`, null
 * when it does not run there) and at the target (null when the target has no such service), and
 * whether each pairing of them is compatible.
 */
export interface MatrixRow {
  kind: ContractEdge['kind'];
  consumer: string;
  provider: string;
  /** The event's name, for an event pair. */
  event?: string;
  versions: Record<'consumer' | 'provider', { deployed: string | null; target: string | null }>;
  pairings: Record<Pairing, PairingCell>;
}

/**
 * How one kind of contract edge (HTTP, events, …) enters the matrix: which `consumes` entries
 * are of the kind, who provides what one names, and the comparison of the spec a consumer was
 * written against (`expected`) with the one a provider serves (`served`). A new edge kind is one
 * more of these.
 */
export interface MatrixKind {
  kind: ContractEdge['kind'];
  /** The row field that names what a `consumes` key names, when that is not the provider (an event). */
  keyField?: 'event';
  /** Whether a `consumes` entry (by its key) is of this kind. */
  consumes(how: Consumption): boolean;
  /** The services that provide what `key` names at a revision (an HTTP provider is itself; an event, its producer). */
  providers(key: string, fleet: FleetContracts): string[];
  /** The spec of `key` a consumer of this revision was written against, `provider` being the pair's provider. */
  expected(key: string, provider: string, fleet: FleetContracts): ProvidedSpec | undefined;
  /** The spec of `key` that `provider` serves at this revision. */
  served(key: string, provider: string, fleet: FleetContracts): ProvidedSpec | undefined;
  /**
   * What `served` breaks for a consumer of `key` that expects `expected` and consumes as `how`
   * says: the breaking changes (none: compatible), or why it cannot be judged. `servedBy` says
   * which version of the provider serves it (a target without a spec has dropped it; a deployed
   * version without one may predate its declaration). A kind compares two specs once per pair
   * of contents, however many cells ask.
   */
  compare(
    key: string,
    expected: ProvidedSpec | undefined,
    served: ProvidedSpec | undefined,
    how: Consumption,
    servedBy: 'old' | 'new',
  ): ContractChange[] | { unknown: string };
}

export interface MatrixInput {
  /** What each service runs in the environment; a service absent from it does not run there. */
  deployed: ReadonlyMap<string, MatrixVersion>;
  /** The target revision's commit and contracts: every service it defines runs it after the release. */
  target: { commit: string; fleet: FleetContracts };
  kinds: readonly MatrixKind[];
}

/**
 * Every consumer → provider pair that a `consumes` entry names at the target or at a deployed
 * version, with the four pairings of their deployed and target versions judged. The model: a
 * consumer at a commit was written against the provider's contract at that same commit, so a
 * cell compares the provider's spec at the consumer's commit (expected) with its spec at the
 * provider's commit (served). Rows come in a stable order: by consumer, provider, kind, event.
 */
export function buildContractMatrix(input: MatrixInput): MatrixRow[] {
  const targetVersion = (service: string): MatrixVersion | undefined =>
    input.target.fleet.has(service) ? { commit: input.target.commit, fleet: input.target.fleet } : undefined;
  const versionsOf = (service: string) => ({ old: input.deployed.get(service), new: targetVersion(service) });
  const rows = new Map<string, MatrixRow>();

  const readable = (v: MatrixVersion | undefined): v is MatrixVersion & { fleet: FleetContracts } => v !== undefined && 'fleet' in v;
  // Every revision's contracts, once each (services that run one commit share its fleet).
  const fleets = [...new Set([input.target.fleet, ...[...input.deployed.values()].filter(readable).map((v) => v.fleet)])];
  const providersOf = new Map<string, string[]>();
  const consumers = new Set([...input.target.fleet.keys(), ...input.deployed.keys()]);
  for (const consumer of consumers) {
    const sides = versionsOf(consumer);
    for (const kind of input.kinds) {
      for (const version of [sides.old, sides.new].filter(readable)) {
        for (const [key, how] of version.fleet.get(consumer)?.consumes ?? []) {
          if (!kind.consumes(how)) continue;
          // The provider as any revision names it: an event whose producer changed has a row for each.
          const named = `${kind.kind}\u0000${key}`;
          let providers = providersOf.get(named);
          if (!providers) providersOf.set(named, (providers = [...new Set(fleets.flatMap((f) => kind.providers(key, f)))]));
          for (const provider of providers) {
            const id = `${consumer}\u0000${provider}\u0000${kind.kind}\u0000${key}`;
            if (!rows.has(id)) rows.set(id, row(kind, key, consumer, provider));
          }
        }
      }
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);

  function row(kind: MatrixKind, key: string, consumer: string, provider: string): MatrixRow {
    const c = versionsOf(consumer);
    const p = versionsOf(provider);
    const commit = (v: MatrixVersion | undefined) => v?.commit ?? null;
    const cell = (cv: 'old' | 'new', pv: 'old' | 'new'): PairingCell => {
      const cVersion = c[cv];
      const pVersion = p[pv];
      const absent = (name: string, side: 'old' | 'new') => (side === 'old' ? `${name} is not deployed` : `${name} is not in the target`);
      if (!cVersion) return { status: 'not-running', reason: absent(consumer, cv) };
      if (!pVersion) return { status: 'not-running', reason: absent(provider, pv) };
      const unreadable = (name: string, v: { commit: string; problem: string }): PairingCell => ({
        status: 'unreadable',
        reason: `${name} at ${v.commit.slice(0, 7)}: ${v.problem}`,
      });
      if ('problem' in cVersion) return unreadable(consumer, cVersion);
      // Whether it consumes comes first: a provider that cannot be read matters only to a consumer.
      const how = cVersion.fleet.get(consumer)?.consumes.get(key);
      if (!how || !kind.consumes(how)) return { status: 'unused', reason: `${consumer} at ${cVersion.commit.slice(0, 7)} does not consume ${key}` };
      if ('problem' in pVersion) return unreadable(provider, pVersion);
      const served = pVersion.unreadable?.get(provider);
      if (served !== undefined)
        return { status: 'unreadable', reason: `${provider} at ${pVersion.commit.slice(0, 7)}: its contract cannot be read (${served})` };
      const expected = cVersion.unreadable?.get(provider);
      if (expected !== undefined)
        return {
          status: 'unreadable',
          reason: `${consumer} at ${cVersion.commit.slice(0, 7)} expects ${provider}'s contract of that commit, which cannot be read (${expected})`,
        };
      const result = kind.compare(key, kind.expected(key, provider, cVersion.fleet), kind.served(key, provider, pVersion.fleet), how, pv);
      if (!Array.isArray(result)) return { status: 'unknown', reason: result.unknown };
      return result.length ? { status: 'breaks', reason: summarize(result), changes: result } : { status: 'ok' };
    };
    return {
      kind: kind.kind,
      consumer,
      provider,
      ...(kind.keyField ? { [kind.keyField]: key } : {}),
      versions: {
        consumer: { deployed: commit(c.old), target: commit(c.new) },
        provider: { deployed: commit(p.old), target: commit(p.new) },
      },
      pairings: {
        oldConsumerOldProvider: cell('old', 'old'),
        oldConsumerNewProvider: cell('old', 'new'),
        newConsumerOldProvider: cell('new', 'old'),
        newConsumerNewProvider: cell('new', 'new'),
      },
    };
  }
}

/**
 * Whether a pairing that a rollout to the target can create — every pairing but old × old, which
 * runs already (and to which a rollback returns) — breaks, or cannot be read to tell.
 */
export function rolloutBreaks(rows: readonly MatrixRow[]): boolean {
  return rows.some((r) => PAIRINGS.some((p) => p !== 'oldConsumerOldProvider' && (r.pairings[p].status === 'breaks' || r.pairings[p].status === 'unreadable')));
}
