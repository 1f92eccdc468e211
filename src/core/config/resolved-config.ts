import type { SourceLocation } from '../location.js';
import type { KeySpec } from '../manifest/manifest.js';
import type { Coerced, RawOrigin } from './coerce.js';

/** The kinds of layer, lowest precedence first (PRODUCT §4); `file`, `dotenv` and `compose` are all sources. */
export type LayerKind = 'default' | 'bind' | 'file' | 'dotenv' | 'compose' | 'kubernetes' | 'helm-values' | 'kustomize' | 'env';

/**
 * One value a layer sets for a key, with where it was set. `raw` is the value as read (YAML keeps
 * its type; dotenv and deployment variables are text). Secret values live only in memory:
 * reporters show `fingerprint()` of them, never `raw`.
 */
export interface Layer {
  kind: LayerKind;
  /** What set it, as a person names it: `default`, `orders-db.port`, `services/orders/config/prod.yaml`, `env.prod`. */
  source: string;
  raw: unknown;
  origin: RawOrigin;
  /** The exact source text of a plain YAML scalar, to tell `1.10` from `1.1`. */
  sourceText?: string;
  location: SourceLocation;
  /** Whether the value is written in a file git tracks (and so is in the repository in plain text). */
  tracked: boolean;
  /** For `file` and `dotenv`: the index of the source entry in `config.sources`. */
  sourceIndex?: number;
  /** Whether the layer's file exists per environment (`{env}` in its template) rather than being shared. */
  perEnvironment: boolean;
  /**
   * A source shared with other services (outside the service's paths, or marked `shared`): it
   * sets keys for many services, so one a service does not declare is not a mistake there.
   */
  shared?: true;
  /**
   * A value built from references (`cart:${CART_PORT}`, in a dotenv source): `raw` is what it
   * resolves to, `written` the text as written, `refs` every variable it read, and where that was
   * set. A value built from a secret is a secret itself.
   */
  interpolated?: {
    written: string;
    refs: LayerReference[];
    /** References that found no value and had no default, and `${VAR:?message}` that fired. */
    unresolved: { name: string; message?: string }[];
  };
  /**
   * The value holds a secret — built from a secret key, or read from a secret store (a Kubernetes
   * Secret) — so the key is a secret wherever this layer wins, whatever its schema says.
   */
  holdsSecret?: true;
  /** Only the running system knows the value (a Kubernetes fieldRef, an object not in the manifests): what sets it. */
  atRunTime?: string;
}

/** A variable a value read: where its value was set, or nothing when it was not. */
export interface LayerReference {
  name: string;
  from?: { source: string; location: SourceLocation };
}

/** A declared key resolved in one environment. */
export interface ResolvedKey {
  key: string;
  spec: KeySpec;
  /** Highest precedence first: `layers[0]` is the winner, the rest is what it overrides. Empty when no layer sets the key. */
  layers: Layer[];
  /** The winner's value checked against the key's type; absent when the key is unset. */
  value?: Coerced;
}

/** A source that sets a key the schema does not declare (in a shared source, only one that looks like a typo of a declared key). */
export interface UnknownSetting {
  key: string;
  layer: Layer;
}

/** Everything one service runs with in one environment, and where each value comes from. */
export interface ResolvedConfig {
  service: string;
  env: string;
  /** In schema order. */
  keys: Map<string, ResolvedKey>;
  unknown: UnknownSetting[];
}
