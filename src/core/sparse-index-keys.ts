/**
 * Objects whose keys include array indexes — HTTP status codes in every OpenAPI `responses`
 * (`'200'`, `'404'`) — kept small. V8 stores index keys apart from the others: assigned one by
 * one, `404` gets an array of ~600 slots (5 KB for two entries), which on a large spec was most of
 * the parsed document's memory and of the collector's time (every such array survives as long as
 * the document). `JSON.parse` keeps sparse index keys in a dictionary; these helpers make
 * objects built by assignment (the YAML readers, js-yaml, `yaml`) do the same. What the objects
 * hold and the order of their keys do not change: only how V8 stores them.
 */

/** An index far past any dense array: setting it moves the object's index keys to a dictionary. */
const FAR_INDEX = 2 ** 24;

/** Makes `map` keep its index keys (present and to come) in a dictionary. */
export function keepIndexKeysSparse(map: object): void {
  const record = map as Record<number, unknown>;
  record[FAR_INDEX] = null;
  delete record[FAR_INDEX];
}

/** Whether `key` may be an array index, so that V8 stores it apart: it starts with a digit. */
export function mayBeIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}

/** Whether `map` already holds a key that may be an index (index keys come first in its key order); lists its keys. */
export function holdsIndexKey(map: object): boolean {
  for (const key in map) return mayBeIndexKey(key);
  return false;
}

/**
 * Every object reachable from `value` that holds index keys, made to keep them in a dictionary
 * (`keepIndexKeysSparse`). For documents built by a parser that assigns keys one by one. Walks
 * with its own stack (no recursion), each object once (a document with aliases is a graph).
 */
export function sparseIndexKeysDeep(value: unknown): void {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    if (holdsIndexKey(node)) keepIndexKeysSparse(node);
    for (const key in node) {
      const item = (node as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
}
