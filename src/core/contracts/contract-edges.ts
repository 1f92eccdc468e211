import type { SourceLocation } from '../location.js';
import type { ContractChange } from './contract-change.js';
import { eventConsumerBreaking, grpcConsumerBreaking, httpConsumerBreaking } from './consumer-breaking.js';
import { templateKey, type DiffOpenApiOptions } from './diff-open-api.js';
import { producerOf, producersOf, type Consumption, type FleetContracts, type ProvidedSpec } from './fleet-contracts.js';

/**
 * A consumer → provider edge whose contract changes in a release, with what breaks in each of
 * the two mixed pairings. In the monorepo model a consumer at a commit was written against the
 * provider's contract at that same commit: the old consumer expects the deployed revision's
 * spec, the new consumer the target's.
 */
export interface ContractEdge {
  consumer: string;
  provider: string;
  kind: ContractKind;
  /** The event's name, for an event edge. */
  event?: string;
  /** Where the consumption is declared when no manifest entry does (the AsyncAPI operation that receives). */
  consumedAt?: SourceLocation;
  /** Breaking changes (ERR, WARN) the old consumer meets at the new provider. */
  oldConsumerNewProvider: ContractChange[];
  /** Breaking changes the new consumer meets at the old provider (or in its queued messages). */
  newConsumerOldProvider: ContractChange[];
}

/** What an edge is about: a service's HTTP API, its gRPC services, or an event's messages. */
export type ContractKind = 'http' | 'grpc' | 'event';

export interface CompareOptions extends DiffOpenApiOptions {
  /** Only the edges of these providers (a part of the fleet, when the work is split). */
  includes?: (kind: ContractKind, provider: string) => boolean;
}

/**
 * Every edge of the fleet whose contract differs between the deployed revision (`from`) and the
 * target (`to`) in a way that breaks one pairing, from the consumer's side: an HTTP consumer
 * must be able to call (`diffOpenApi` covers both requests and responses) and an event
 * consumer must accept every message the producer may emit. `consumes.operations` narrows an
 * HTTP edge to the operations the consumer calls, `consumes.methods` a gRPC edge to the methods
 * it calls and the messages they reach (buf's rules, in the provider's category). An event
 * several services emit (an AsyncAPI channel they all send to) has each of them as a provider,
 * compared on its own. Each spec pair is diffed once, whatever the number of consumers. Two
 * specs whose comparison nests past MAX_NESTING are an `InputError` naming them.
 */
export function compareFleetContracts(from: FleetContracts, to: FleetContracts, options: CompareOptions = {}): ContractEdge[] {
  const includes = options.includes ?? (() => true);
  const http = httpConsumerBreaking(options);
  const event = eventConsumerBreaking();
  const grpc = grpcConsumerBreaking();

  const edges: ContractEdge[] = [];
  for (const consumer of new Set([...to.keys(), ...from.keys()])) {
    const before = from.get(consumer)?.consumes ?? new Map<string, Consumption>();
    const after = to.get(consumer)?.consumes ?? new Map<string, Consumption>();
    for (const target of new Set([...after.keys(), ...before.keys()])) {
      const old = before.get(target);
      const next = after.get(target);
      if ((old?.http || next?.http) && includes('http', target)) {
        const { oldSpec, newSpec, oldServed, newServed } = sides(from, to, target, 'http', ABSENT);
        push(edges, {
          consumer,
          provider: target,
          kind: 'http',
          oldConsumerNewProvider: old?.http ? narrow(http(oldSpec, newServed), old.operations) : [],
          newConsumerOldProvider: next?.http ? narrow(http(newSpec, oldServed), next.operations) : [],
        });
      }
      if ((old?.grpc || next?.grpc) && includes('grpc', target)) {
        const { oldSpec, newSpec, oldServed, newServed } = sides(from, to, target, 'grpc', ABSENT_PROTO);
        push(edges, {
          consumer,
          provider: target,
          kind: 'grpc',
          oldConsumerNewProvider: old?.grpc ? grpc(oldSpec, newServed, old.methods, false) : [],
          newConsumerOldProvider: next?.grpc ? grpc(newSpec, oldServed, next.methods, true) : [],
        });
      }
      if (!old?.event && !next?.event) continue;
      const senders = [producersOf(from, target), producersOf(to, target)];
      if (senders.some((s) => s.length > 1)) {
        // Several services send to the channel: each is a provider of its own, which consumers must follow.
        for (const provider of new Set(senders.flat())) {
          if (!includes('event', provider)) continue;
          const oldSchema = from.get(provider)?.events.get(target);
          const newSchema = to.get(provider)?.events.get(target);
          push(edges, {
            consumer,
            provider,
            kind: 'event',
            event: target,
            ...documentDeclared(next ?? old),
            oldConsumerNewProvider: old?.event ? event(oldSchema, newSchema, target, false) : [],
            newConsumerOldProvider: next?.event ? event(newSchema, oldSchema, target, true) : [],
          });
        }
      } else {
        const oldProducer = producerOf(from, target);
        const newProducer = producerOf(to, target);
        const provider = newProducer ?? oldProducer;
        if (provider === undefined || !includes('event', provider)) continue;
        // A producer that does not run emits nothing, which every consumer accepts.
        const oldSchema = oldProducer === undefined ? undefined : from.get(oldProducer)?.events.get(target);
        const newSchema = newProducer === undefined ? undefined : to.get(newProducer)?.events.get(target);
        push(edges, {
          consumer,
          provider,
          kind: 'event',
          event: target,
          ...documentDeclared(next ?? old),
          oldConsumerNewProvider: old?.event ? event(oldSchema, newSchema, target, false) : [],
          newConsumerOldProvider: next?.event ? event(newSchema, oldSchema, target, true) : [],
        });
      }
    }
  }
  return edges;
}

/**
 * A provider's spec of one kind at both revisions, and what each revision serves: a provider that
 * does not run serves nothing (`absent`); one that runs without a declared spec is unknown
 * (undefined) before the release, and serves nothing after it.
 */
function sides(from: FleetContracts, to: FleetContracts, provider: string, kind: 'http' | 'grpc', absent: ProvidedSpec) {
  const oldSpec = from.get(provider)?.[kind];
  const newSpec = to.get(provider)?.[kind];
  return { oldSpec, newSpec, oldServed: from.has(provider) ? oldSpec : absent, newServed: to.has(provider) ? (newSpec ?? absent) : absent };
}

/** The place of a consumption its service's AsyncAPI document declares, for findings about it. */
function documentDeclared(how: Consumption | undefined): { consumedAt?: SourceLocation } {
  return how?.document !== undefined && how.declaredAt ? { consumedAt: how.declaredAt } : {};
}

/** The empty API: what a provider that does not run (or no longer declares its API) serves. */
export const ABSENT: ProvidedSpec = { path: '', fingerprint: 'absent', document: { openapi: '3.0.0', paths: {} } };

/** The empty tree: what a provider that does not run (or no longer declares gRPC services) serves. */
export const ABSENT_PROTO: ProvidedSpec = { path: '', fingerprint: 'absent', document: { files: [] } };

function push(edges: ContractEdge[], edge: ContractEdge): void {
  if (edge.oldConsumerNewProvider.length || edge.newConsumerOldProvider.length) edges.push(edge);
}

/**
 * Keeps the changes to the operations a consumer calls, and the document-wide ones that reach
 * every operation (security). Without a list, every change counts.
 */
export function narrow(changes: ContractChange[], operations: string[] | undefined): ContractChange[] {
  if (!operations || !changes.length) return changes;
  const called = new Set(operations.map(operationKey));
  return changes.filter((c) => (c.operation === undefined ? c.id.includes('security') : called.has(operationKey(c.operation))));
}

/** `GET /pets/{petId}` and `get /pets/{id}/` name the same operation. */
export function operationKey(operation: string): string {
  const space = operation.indexOf(' ');
  return `${operation.slice(0, space).toUpperCase()} ${templateKey(operation.slice(space + 1).trim())}`;
}
