import type { SourceLocation } from '../location.js';
import type { AsyncApiMessage } from './asyncapi/async-api-model.js';

/** One spec a service provides, read and resolved: `fingerprint` names its content (every file it reaches). */
export interface ProvidedSpec {
  /** Repo-relative path of the root file. */
  path: string;
  fingerprint: string;
  document: unknown;
  /** For a protobuf contract (`document` is then a ProtoTree, its paths relative to `root`). */
  proto?: ProtoSpecFacts;
  /** The messages of an AsyncAPI channel the service sends to, in place of one JSON Schema `document`. */
  messages?: AsyncApiMessage[];
}

/** A protobuf contract's directory its tree's paths are relative to, the buf category checked, and for an event its message. */
interface ProtoSpecFacts {
  root: string;
  category: BufCategory;
  message?: string;
}

export type BufCategory = 'FILE' | 'PACKAGE' | 'WIRE_JSON' | 'WIRE';

/** What one service consumes from a target: a service's HTTP API or gRPC services, or an event (by name). */
export interface Consumption {
  http: boolean;
  event: boolean;
  /** `METHOD /path` the consumer calls; absent means every operation. */
  operations?: string[];
  /** Where the manifest lists each of `operations`. */
  locations?: SourceLocation[];
  /** Whether it calls the target's gRPC services. */
  grpc?: boolean;
  /** `[package.]Service/Method` it calls; absent means every method. */
  methods?: string[];
  /** Where the manifest lists each of `methods`. */
  methodLocations?: SourceLocation[];
  /** Where an event consumption is declared: its manifest entry, or the AsyncAPI operation that receives. */
  declaredAt?: SourceLocation;
  /** The AsyncAPI document that declares the consumption, when the manifest does not. */
  document?: string;
}

/** The contracts of one service at one revision (PRODUCT §3, `contracts`). */
export interface ServiceContracts {
  http?: ProvidedSpec;
  /** Its gRPC services: a tree of .proto files. */
  grpc?: ProvidedSpec;
  /** Event name → the JSON Schema (or protobuf message) of the messages it emits. */
  events: Map<string, ProvidedSpec>;
  /** Target (a service for HTTP and gRPC, an event name for events) → how it is consumed. */
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
