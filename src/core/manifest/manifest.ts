import type { ConfigType } from '../config/coerce.js';
import type { SourceLocation } from '../location.js';
import type { RuleId, RuleSeverity } from '../rules/rule-ids.js';

/**
 * A validated `tranche.yaml` (format version 1) as plain data. Names mirror the file's keys.
 * Collections keyed by user-chosen names are `Map`s, in file order, so that no name (not even
 * `__proto__`) can collide with object internals. Only a manifest with no problems is built.
 */
export interface Manifest {
  version: 1;
  name: string;
  /** In file order, which is the order of criticality: the first is the least critical. */
  environments: Environment[];
  policy: Policy;
  resources: Map<string, Resource>;
  services: Map<string, Service>;
  /** Where a node of the manifest is, by its path of keys and indexes (`['services', 'orders', 'path']`). */
  locate: ManifestLocator;
}

/** Locates a node of the manifest; `part: 'key'` points at the key rather than its value. */
export type ManifestLocator = (path: readonly (string | number)[], part?: 'key' | 'value') => SourceLocation;

export const DRIVER_NAMES = ['local', 'exec', 'kubernetes'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

export interface Environment {
  name: string;
  driver: DriverName;
}

export interface Policy {
  batch_size: number;
  /** Milliseconds. */
  bake: number;
  on_failure: OnFailure;
  separate_config: boolean;
  rules: Map<RuleId, RuleSeverity>;
}

/** What a failed gate (or an operator's stop) does to a release: `policy.on_failure`. */
export const ON_FAILURE = ['rollback-batch', 'rollback-release', 'pause'] as const;
type OnFailure = (typeof ON_FAILURE)[number];

export type ResourceKind = 'postgres' | 'redis' | 'http' | 'tcp' | 'kafka' | 'amqp' | 'nats';
export type Scalar = string | number | boolean;

/** The fields of a resource that hold a credential: a key bound to one is a secret. */
export const SECRET_RESOURCE_FIELDS: readonly string[] = ['password', 'token'];

/**
 * The fields a broker resource takes in each environment (docs/manifest.md), the first list the
 * fields it cannot do without (one of them). Other kinds take any field.
 */
export const BROKER_FIELDS: Partial<Record<ResourceKind, { needs: readonly string[]; fields: readonly string[] }>> = {
  kafka: { needs: ['brokers'], fields: ['brokers', 'topic', 'partitions', 'user', 'password'] },
  amqp: { needs: ['url', 'host'], fields: ['url', 'host', 'port', 'vhost', 'user', 'password', 'queue', 'exchange'] },
  nats: { needs: ['servers', 'host'], fields: ['servers', 'host', 'port', 'user', 'password', 'token', 'subject', 'stream', 'consumer'] },
};

export interface Resource {
  name: string;
  kind: ResourceKind;
  /** Environment → field → value. */
  values: Map<string, Map<string, Scalar>>;
  /** Environment → field → the source text of a plain scalar value (to tell `1.10` from `1.1`). */
  plainTexts: Map<string, Map<string, string>>;
}

export interface Service {
  name: string;
  /** Repo-relative, normalized, without a trailing slash. */
  path: string;
  /**
   * The environments the service runs in, as written: a list (`environments: [dev, staging]`),
   * or those left out (`environments: { except: [prod] }`); absent: all (see `runsIn`).
   */
  environments?: { only: string[] } | { except: string[] };
  watch: string[];
  depends_on: string[];
  uses: string[];
  run?: { command: string[]; build?: string[] };
  exec?: { deploy: string[]; rollback?: string[]; stop?: string[] };
  kubernetes?: { deployment: string; container?: string; namespace?: string; image: string };
  address: Map<string, string>;
  config: ServiceConfig;
  contracts?: ServiceContracts;
  checks?: ServiceChecks;
}

/** `contracts:` of a service, as the manifest schema allows it (paths relative to the service). */
export interface ServiceContracts {
  provides?: {
    /** An OpenAPI 3.0 or 3.1 document. */
    http?: string;
    /** Its gRPC services: a .proto file or a directory of them. */
    grpc?: string | ProtoContract;
    /** Event → the JSON Schema of its messages, or the protobuf message they are. */
    events?: Record<string, string | (ProtoContract & { message: string })>;
    /** An AsyncAPI 2.x or 3.0 document: the channels it sends to are events it emits, those it receives from events it reads. */
    asyncapi?: string;
  };
  /** Service → how this one depends on it: its HTTP API (the operations it calls), its gRPC methods, its events. */
  consumes?: Record<string, { http?: boolean; operations?: string[]; grpc?: boolean; methods?: string[]; event?: boolean }>;
}

/**
 * .proto files a service provides (a file or a directory), relative to the service; imports
 * resolve from `root` (default: the directory given, or the folder of the file given), and
 * `category` is the buf breaking category checked between running versions (default WIRE_JSON).
 */
export interface ProtoContract {
  proto: string;
  root?: string;
  category?: 'FILE' | 'PACKAGE' | 'WIRE_JSON' | 'WIRE';
}

/** `checks:` of a service: one health check, then sanity checks in order. */
export interface ServiceChecks {
  health?: Check;
  sanity?: Check[];
}

/** The kinds of check (PRODUCT §3 `checks`): a check has exactly one. */
export const CHECK_KINDS = ['http', 'tcp', 'postgres', 'redis', 'kafka', 'amqp', 'nats', 'command'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** One check as written: exactly one kind (the manifest refuses others), values may hold `${KEY}`. */
export interface Check {
  name?: string;
  /** A duration (`5s`). */
  timeout?: string;
  http?: HttpCheckSpec;
  tcp?: { host: string; port: number | string };
  postgres?: { url?: string; host?: string; port?: number | string; database?: string; user?: string; password?: string; query?: string };
  redis?: { url?: string; host?: string; port?: number | string };
  kafka?: KafkaCheckSpec;
  amqp?: AmqpCheckSpec;
  nats?: NatsCheckSpec;
  /** An argument list, never a shell string. */
  command?: string[];
}

/** Connects to the brokers and reads the cluster's metadata (and the topic's, when given). */
interface KafkaCheckSpec {
  /** `host:port` list, or one string with commas between them. */
  brokers: string | string[];
  topic?: string;
  /** The topic has exactly this many partitions. */
  partitions?: number | string;
  user?: string;
  password?: string;
  mechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  tls?: boolean;
}

/** Opens an AMQP 0-9-1 connection; the queue and exchange, when given, must exist. */
interface AmqpCheckSpec {
  /** `amqp://user:password@host:port/vhost` (or `amqps://`), or the fields below. */
  url?: string;
  host?: string;
  port?: number | string;
  vhost?: string;
  user?: string;
  password?: string;
  queue?: string;
  exchange?: string;
  /** Publish to a temporary queue and get the message back. */
  round_trip?: boolean;
}

/** Connects to NATS; the JetStream stream (and consumer), when given, must exist. */
interface NatsCheckSpec {
  /** `host:port` or `nats://` URLs, a list or one string with commas; or host and port. */
  servers?: string | string[];
  host?: string;
  port?: number | string;
  user?: string;
  password?: string;
  token?: string;
  stream?: string;
  consumer?: string;
  subject?: string;
  /** Sent to `subject`: a reply must come back. */
  request?: string;
  /** Publish on a fresh subject and receive the message back. */
  round_trip?: boolean;
}

interface HttpCheckSpec {
  method?: string;
  /** On the service's address; or `url`, absolute. */
  path?: string;
  url?: string;
  headers?: Record<string, string>;
  /** A string as it is, anything else as JSON. */
  body?: unknown;
  timeout?: string;
  max_body?: number;
  expect?: {
    status?: number | number[];
    contains?: string;
    /** JSON path (`core/checks/json-path.ts`) → a condition on the value there. */
    json?: Record<string, JsonAssertion>;
  };
}

/** A condition on the value at a JSON path of an answer. */
interface JsonAssertion {
  exists?: boolean;
  equals?: unknown;
  /** A JavaScript regular expression. */
  matches?: string;
}

interface ServiceConfig {
  schema: Map<string, KeySpec>;
  sources: SourceSpec[];
  /** Environment → key → the value the deployment sets, as text. */
  env: Map<string, Map<string, string>>;
}

export interface KeySpec {
  name: string;
  type: ConfigType;
  required: boolean;
  /** Present when the schema declares a default (which may itself be null or false). */
  default?: { value: unknown; sourceText?: string };
  bind?: { resource: string; field: string };
  secret: boolean;
  /** Environments whose values of this key must be equal (`same: true`: all the service runs in); `drift --values` and config/drift hold them to it. */
  same?: true | string[];
  values?: Scalar[];
}

export interface SourceSpec {
  /** Position in `config.sources`, for locating it in the manifest. */
  index: number;
  format: 'yaml' | 'dotenv' | 'compose' | 'kubernetes' | 'helm-values' | 'kustomize';
  /** As written, relative to the service path; `{env}` is replaced per environment. */
  template: string;
  optional: boolean;
  /**
   * Dotenv files whose values a `${VAR}` in this source may use when neither its earlier lines
   * nor the service's lower layers set VAR (a compose project's `.env`), lowest precedence first;
   * written like `template`.
   */
  variables: string[];
  /** Whether `${VAR}` references in a dotenv source are resolved (default true). */
  interpolate: boolean;
  /**
   * A compose source: the compose files, merged in order (`template` is the first, whose
   * directory is the project's), the compose service whose `environment` and `env_file` it reads,
   * and the project's `.env` when it is not beside the first file.
   */
  compose?: { files: string[]; service: string; projectEnv?: string };
  /**
   * A kubernetes source: manifest files or directories (every YAML file below them), the workload
   * (a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod) and container whose environment
   * it reads. A kustomize source and a rendered helm-values source read what they render as
   * kubernetes, with the same workload and container (and no paths).
   */
  kubernetes?: { paths: string[]; workload: string; kind?: string; container?: string };
  /**
   * What renders the manifests of a kustomize source (its overlay directory, relative to the
   * fleet) or a rendered helm-values source (a command, run in the fleet's directory); `{env}`
   * is replaced in either.
   */
  render?: { kustomize: string } | { argv: string[] };
  /**
   * A helm-values source: values files layered in order as Helm coalesces them, and for each
   * config key the path of its value in them (`DB_PORT: database.port`, parsed); none when the
   * source is rendered instead (`render`).
   */
  helm?: { files: string[]; keys: Map<string, (string | number)[]> };
  /** `shared: true|false` as written: whether other services read the same source (default: whether it is outside the service's paths). */
  shared?: boolean;
}

/**
 * Whether a source is a file of keys (`KEY: value`, `KEY=value`) that names what it sets; the
 * other formats give a service what another tool's definition gives its container (a compose
 * service, a workload, values mapped key by key, a rendered chart or overlay).
 */
export function isKeyFile(format: SourceSpec['format']): format is 'yaml' | 'dotenv' {
  return format === 'yaml' || format === 'dotenv';
}

/** Whether a service runs in an environment (`environments` of the service). */
export function runsIn(service: Pick<Service, 'environments'>, env: string): boolean {
  const envs = service.environments;
  if (!envs) return true;
  return 'only' in envs ? envs.only.includes(env) : !envs.except.includes(env);
}
