import type { SourceLocation } from '../location.js';
import type { AsyncApiMessage } from './asyncapi/async-api-model.js';

/** One spec a service provides, read and resolved: `fingerprint` names its content (every file it reaches). */
export interface ProvidedSpec {
  /** Repo-relative path of the root file. */
  path: string;
  fingerprint: string;
  document: unknown;
  /** The messages of an AsyncAPI channel the service sends to, in place of one JSON Schema `document`. */
  messages?: AsyncApiMessage[];
}

/** What one service consumes from a target: a service's HTTP API, or an event (by name). */
export interface Consumption {
  http: boolean;
  event: boolean;
  /** `METHOD /path` the consumer calls; absent means every operation. */
  operations?: string[];
  /** Where the manifest lists each of `operations`. */
  locations?: SourceLocation[];
  /** Where an event consumption is declared: its manifest entry, or the AsyncAPI operation that receives. */
  declaredAt?: SourceLocation;
  /** The AsyncAPI document that declares the consumption, when the manifest does not. */
  document?: string;
}

/** The contracts of one service at one revision (PRODUCT §3, `contracts`). */
export interface ServiceContracts {
  http?: ProvidedSpec;
  /** Event name → the JSON Schema of the messages it emits. */
  events: Map<string, ProvidedSpec>;
  /** Target (a service for HTTP, an event name for events) → how it is consumed. */
  consumes: Map<string, Consumption>;
}

/** Every service's contracts at one revision. */
export type FleetContracts = Map<string, ServiceContracts>;

/** The service that emits `event` at a revision, if any. */
export function producerOf(fleet: FleetContracts, event: string): string | undefined {
  for (const [name, contracts] of fleet) if (contracts.events.has(event)) return name;
  return undefined;
}

/** Every service that emits `event` at a revision (several may send to one channel). */
export function producersOf(fleet: FleetContracts, event: string): string[] {
  return [...fleet].filter(([, contracts]) => contracts.events.has(event)).map(([name]) => name);
}
