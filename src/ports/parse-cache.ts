/**
 * What a cached value was computed from, exactly: the computation (`kind`, `version`) and the
 * content id (git blob id) of every input it read, in the order the computation names them. Blob
 * ids are content hashes, so a value found under a key is always the value that computation gives
 * for those inputs: a hit never needs checking against the repository.
 */
export interface ParseCacheKey {
  /** The computation and the shape of its value, e.g. `lockfile-pair`: lower-case letters, digits and dashes. */
  kind: string;
  /** The computation's version: raised whenever what it gives for the same inputs changes. */
  version: number;
  /**
   * Every input of the computation, in a fixed order: blob ids, and any other plain value the
   * result depends on (a path whose name picks the parser); `''` for an input that is absent.
   */
  inputs: readonly string[];
}

/**
 * Values computed from files, kept across runs (`.tranche/cache/` by default), so that a run
 * whose inputs did not change reads a small result instead of the files. Never an error and never
 * a wrong answer: a value that cannot be read back exactly as it was put (gone, truncated,
 * corrupt, written by something else) is a miss, and a cache that cannot be used at all is one
 * that always misses. Values are plain JSON data (`JSON.stringify` round-trips them) and never
 * hold a secret.
 */
export interface ParseCache {
  /** The value put under `key` (by this run or an earlier one), or undefined. */
  get(key: ParseCacheKey): Promise<unknown>;
  /** Keeps `value` under `key`, replacing what was there; concurrent puts of one key are fine. */
  put(key: ParseCacheKey, value: unknown): Promise<void>;
  /** Ends the run: keeps the cache within its size bound. Nothing is kept by puts after it. */
  close(): Promise<void>;
}
