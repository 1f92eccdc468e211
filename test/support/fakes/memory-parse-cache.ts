import type { ParseCache, ParseCacheKey } from '../../../src/ports/parse-cache.js';

/**
 * The parse cache in memory, for tests of the engine: values kept as JSON text, so that what is
 * got back is a copy, as from files. `entries` may be shared by several instances (several runs).
 */
export class MemoryParseCache implements ParseCache {
  private closed = false;

  constructor(readonly entries = new Map<string, string>()) {}

  async get(key: ParseCacheKey): Promise<unknown> {
    const text = this.entries.get(keyText(key));
    return text === undefined ? undefined : JSON.parse(text);
  }

  async put(key: ParseCacheKey, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (!this.closed && text !== undefined) this.entries.set(keyText(key), text);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function keyText(key: ParseCacheKey): string {
  return JSON.stringify([key.kind, key.version, ...key.inputs]);
}
